import Testing

@testable import CopilotExporter
@testable import WebServer

@Suite struct WebConfigTests {
    static let hash = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"

    @Test func parsesTLSAndUsersWithPathsRelativeToTheFile() throws {
        let text = """
            # exporter-toolkit web configuration
            tls_server_config:
              cert_file: certs/server.crt   # relative
              key_file: "/abs/server.key"
              min_version: TLS13
              client_auth_type: NoClientCert
            basic_auth_users:
              alice: \(Self.hash)
              'bob smith': "\(Self.hash)"
            """
        let config = try WebConfig.parse(text, directory: "/etc/copilot")
        #expect(
            config.tls
                == WebConfig.TLS(certFile: "/etc/copilot/certs/server.crt", keyFile: "/abs/server.key", minVersion: 0x0304, maxVersion: nil)
        )
        #expect(config.basicAuthUsers == ["alice": Self.hash, "bob smith": Self.hash])
        #expect(try WebConfig.parse("", directory: "/x") == WebConfig())
        #expect(try WebConfig.parse("basic_auth_users:\n  a: \(Self.hash)\n", directory: "").tls == nil)
    }

    @Test(arguments: [
        ("tls_server_config:\n  cert_file: a\n", "needs both cert_file and key_file"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS11\n", "TLS below 1.2 is insecure"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAndVerifyClientCert\n", "client certificates"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: x\n", "is not supported"),
        ("http_server_config:\n  http2: true\n", "http_server_config is not supported"),
        ("basic_auth_users:\n  alice: plaintext\n", "must be a bcrypt hash"),
        ("bogus: 1\n", "unknown key bogus"),
        ("basic_auth_users:\n  - alice\n", "lists are not supported"),
        ("tls_server_config:\n\tcert_file: a\n", "tabs are not allowed"),
        ("a: 1\na: 2\n", "duplicate key a"),
        ("tls_server_config: [a, b]\n", "flow collections"),
        ("basic_auth_users: bob\n", "basic_auth_users must be a mapping"),
        ("basic_auth_users: 'bob:\(Self.hash)'\n", "basic_auth_users must be a mapping"),
        ("basic_auth_users:\n  bob:\n    nested: x\n", "basic_auth_users.bob must be a bcrypt hash"),
        ("basic_auth_users:\n  bob: $2y$99$\(Self.hash.dropFirst(7))\n", "a cost from 04 to 31"),
        ("basic_auth_users:\n  bob: $2y$10$\(Self.hash.dropFirst(7).dropLast())!\n", "53 characters of bcrypt base64"),
        ("tls_server_config: server.crt\n", "tls_server_config must be a mapping"),
        ("tls_server_config:\n  cert_file:\n    a: b\n  key_file: k\n", "must be a value"),
    ])
    func refusesWhatItDoesNotSupportByName(text: String, fragment: String) {
        do {
            _ = try WebConfig.parse(text, directory: "")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }

    @Test func accessControlChallengesAndLetsProbesThrough() {
        struct Echo: HTTPHandler {
            func handle(_ request: HTTPRequest) -> HTTPResponse { .text(200, "ok") }
        }
        let control = AccessControl(inner: Echo(), users: ["alice": Self.hash])
        func get(_ path: String, _ authorization: String?) -> HTTPResponse {
            control.handle(
                HTTPRequest(method: "GET", target: path, headers: [("Host", "h")] + (authorization.map { [("Authorization", $0)] } ?? []))
            )
        }
        let basic = { (text: String) in "Basic " + Array(text.utf8).base64() }
        #expect(get("/metrics", nil).status == 401)
        #expect(get("/metrics", nil).header("www-authenticate")?.hasPrefix("Basic realm=") == true)
        #expect(get("/metrics", basic("alice:wrong")).status == 401)
        #expect(get("/metrics", basic("mallory:U*U")).status == 401)
        #expect(get("/metrics", "Bearer x").status == 401)
        #expect(get("/metrics", "Basic !!!notbase64").status == 401)
        #expect(get("/metrics", basic("alice:U*U")).status == 200)
        #expect(get("/metrics", basic("alice:U*U")).status == 200, "served from the verified cache")
        #expect(get("/-/healthy", nil).status == 200)
        #expect(get("/-/ready", nil).status == 200)
        let strict = AccessControl(inner: Echo(), users: ["alice": Self.hash], openPaths: [])
        #expect(strict.handle(HTTPRequest(method: "GET", target: "/-/healthy", headers: [("Host", "h")])).status == 401)
    }
}

extension Array where Element == UInt8 {
    func base64() -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var index = 0
        while index < count {
            let chunk = Array(self[index..<Swift.min(index + 3, count)])
            let value = (UInt32(chunk[0]) << 16) | (UInt32(chunk.count > 1 ? chunk[1] : 0) << 8) | UInt32(chunk.count > 2 ? chunk[2] : 0)
            out += [table[Int(value >> 18 & 63)], table[Int(value >> 12 & 63)]]
            out += [chunk.count > 1 ? table[Int(value >> 6 & 63)] : 61, chunk.count > 2 ? table[Int(value & 63)] : 61]
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
