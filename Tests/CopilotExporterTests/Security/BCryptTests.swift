import Testing

@testable import CopilotExporter
@testable import WebServer

@Suite struct BCryptTests {
    /// Published test vectors (OpenBSD's bcrypt tests, as used by John the Ripper and others).
    @Test(arguments: [
        ("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"),
        ("U*U*", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK"),
        ("U*U*U", "$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a"),
        ("", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy"),
        (
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789chars after 72 are ignored",
            "$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui"
        ),
    ])
    func publishedVectorsVerify(password: String, hash: String) {
        #expect(BCrypt.verify(password, hash: hash))
        #expect(!BCrypt.verify("x" + password, hash: hash))
    }

    @Test func otherHashesAndGarbageAreRefused() {
        #expect(!BCrypt.verify("U*U", hash: "$1$salt$abc"))
        #expect(!BCrypt.verify("U*U", hash: "plain"))
        #expect(!BCrypt.verify("U*U", hash: "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeX"))
    }

    @Test func constantTimeComparison() {
        #expect(BCrypt.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!BCrypt.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!BCrypt.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(!BCrypt.constantTimeEqual([], [0]))
    }
}
