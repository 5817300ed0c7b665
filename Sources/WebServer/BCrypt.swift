import CCrypt

/// Verifies passwords against bcrypt hashes (`$2a$`, `$2b$`, `$2y$`), as exporter-toolkit's
/// `basic_auth_users` stores them, through Debian's libxcrypt.
public enum BCrypt {
    /// True when `password` hashes to `hash`. The comparison takes the same time whatever
    /// differs, so timing reveals nothing about the hash.
    public static func verify(_ password: String, hash: String) -> Bool {
        guard hash.hasPrefix("$2a$") || hash.hasPrefix("$2b$") || hash.hasPrefix("$2y$"), hash.count == 60 else { return false }
        var out = [CChar](repeating: 0, count: 128)
        let ok = out.withUnsafeMutableBufferPointer { buffer in cc_crypt(password, hash, buffer.baseAddress, buffer.count) }
        guard ok == 1 else { return false }
        let computed = out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return constantTimeEqual(computed, Array(hash.utf8))
    }

    /// True when `hash` is a bcrypt hash libxcrypt can check: `$2a$`, `$2b$` or `$2y$`, a
    /// two-digit cost from 04 to 31, `$`, then 53 characters of bcrypt's base64 (22 of salt,
    /// 31 of hash).
    public static func isValid(_ hash: String) -> Bool {
        let bytes = Array(hash.utf8)
        guard bytes.count == 60, hash.hasPrefix("$2a$") || hash.hasPrefix("$2b$") || hash.hasPrefix("$2y$"), bytes[6] == 0x24,
            let cost = cost(of: hash), (4...31).contains(cost)
        else { return false }
        return bytes[7...].allSatisfy { byte in
            byte == 0x2E || byte == 0x2F || (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        }
    }

    /// The cost (log2 of the rounds) written in a bcrypt hash, or nil when it has none.
    public static func cost(of hash: String) -> Int? {
        let digits = Array(hash.utf8.dropFirst(4).prefix(2))
        guard digits.count == 2, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(digits[0] - 0x30) * 10 + Int(digits[1] - 0x30)
    }

    /// A hash of no password at `cost`: checking any password against it takes as long as
    /// against a real hash of that cost, and fails.
    public static func dummyHash(cost: Int) -> String {
        let clamped = min(max(cost, 4), 31)
        return "$2y$" + (clamped < 10 ? "0" : "") + String(clamped) + "$0123456789abcdefghijkuE/Gc9F9H3R3Tq6u9yH2iyJk8EVC.y6m"
    }

    /// Compares two byte strings in time that depends only on their lengths.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
