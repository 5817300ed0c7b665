import Foundation
import Glibc
import Synchronization
import Testing

@testable import CopilotExporter
@testable import GitHubAPI
@testable import WebServer

/// `--web.config.file` is re-read when it, the certificate or the key changes, and a bad new
/// version keeps the old one serving.
@Suite struct WebConfigReloaderTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var all: String { lines.withLock { $0.joined(separator: "\n") } }
    }

    struct Echo: HTTPHandler {
        func handle(_ request: HTTPRequest) -> HTTPResponse { .text(200, "ok") }
    }

    @Test func changedUsersCertificatesAndBadFilesAreHandledWithoutARestart() async throws {
        let certificate = try TemporaryCertificate(commonName: "first")
        defer { certificate.remove() }
        let file = certificate.directory.appendingPathComponent("web.yml")
        func write(users: String) throws {
            let text = "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n\(users)"
            try Data(text.utf8).write(to: file)
        }
        try write(users: "  alice: \(WebConfigTests.hash)\n")
        let config = try WebConfig.load(path: file.path)
        let access = AccessControl(inner: Echo(), users: config.basicAuthUsers)
        let tls = try TLSContext(try #require(config.tls))
        let lines = Lines()
        let logger = Logger(level: .info, sink: { line in lines.lines.withLock { $0.append(line) } })
        let reloader = WebConfigReloader(path: file.path, config: config, access: access, tls: tls, logger: logger.serverLog)
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), handler: access, tls: tls)
        let port = try server.start()
        #expect(!reloader.check(), "nothing changed")

        try write(users: "  bob: \(WebConfigTests.hash)\n")
        #expect(reloader.check(force: true))
        #expect(Set(access.users.keys) == ["bob"])
        #expect(lines.all.contains("Reloaded the web configuration."))

        try certificate.write(commonName: "rotated", certFile: certificate.certFile, keyFile: certificate.keyFile)
        #expect(reloader.check(), "a rotated certificate is noticed without a signal")
        let client = try #require(try TLSClient(port: port))
        #expect(client.peerSubject.contains("CN=rotated"), "\(client.peerSubject)")

        try write(users: "  carol: plaintext\n")
        #expect(!reloader.check(force: true))
        #expect(Set(access.users.keys) == ["bob"], "the previous users keep serving")
        #expect(lines.all.contains("Cannot reload --web.config.file"))
        #expect(lines.all.contains("basic_auth_users.carol must be a bcrypt hash"))
        #expect(try #require(try TLSClient(port: port)).peerSubject.contains("CN=rotated"))
        await server.shutdown(grace: 1)
    }

    @Test func aKeyFileOthersCanReadIsWarnedAbout() throws {
        let certificate = try TemporaryCertificate()
        defer { certificate.remove() }
        #expect(certificate.tls.keyFileWarning() == nil)
        chmod(certificate.keyFile, 0o644)
        #expect(certificate.tls.keyFileWarning()?.contains("can be read by other users (mode 644); chmod 600 it") == true)
    }
}
