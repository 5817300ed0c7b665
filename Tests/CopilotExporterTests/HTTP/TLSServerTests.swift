import Foundation
import Glibc
import PrometheusExposition
import Testing

@testable import CopilotExporter
@testable import GitHubAPI
@testable import WebServer

/// The TLS side of the server: versions and cipher suites offered, keys it cannot use, and
/// clients that vanish mid-session.
@Suite struct TLSServerTests {
    static func start(_ certificate: TemporaryCertificate, handler: any HTTPHandler) throws -> (HTTPServer, Int) {
        let server = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0),
            handler: handler,
            tls: try TLSContext(certificate.tls)
        )
        return (server, try server.start())
    }

    static func healthy(_ port: Int) throws -> Bool {
        guard let client = try TLSClient(port: port) else { return false }
        client.send("GET /-/healthy HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        return String(decoding: client.read(), as: UTF8.self).hasPrefix("HTTP/1.1 200 OK\r\n")
    }

    @Test func tls12OffersOnlyForwardSecretAEADSuitesAndOldVersionsAreRefused() async throws {
        let certificate = try TemporaryCertificate()
        defer { certificate.remove() }
        let (server, port) = try Self.start(certificate, handler: HTTPServerDeadlineTests.Big())
        for suite in ["AES128-SHA", "AES256-GCM-SHA384", "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA384", "DHE-RSA-AES128-GCM-SHA256"] {
            #expect(try TLSClient(port: port, maxVersion: 0x0303, ciphers: suite) == nil, "\(suite) is refused")
        }
        for suite in ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305"] {
            #expect(try TLSClient(port: port, maxVersion: 0x0303, ciphers: suite)?.cipher == suite)
        }
        #expect(try TLSClient(port: port, maxVersion: 0x0302) == nil, "TLS 1.1 is refused")
        #expect(try TLSClient(port: port)?.cipher.hasPrefix("TLS_") == true, "TLS 1.3 with its default suites")
        await server.shutdown(grace: 1)
    }

    @Test func clientsThatResetMidSessionLeaveTheServerServing() async throws {
        let certificate = try TemporaryCertificate()
        defer { certificate.remove() }
        let (server, port) = try Self.start(certificate, handler: HTTPServerDeadlineTests.Big())
        for _ in 0..<3 {
            // A handshake, then a reset: the server's next write meets a dead connection.
            let handshakeOnly = try #require(try TLSClient(port: port))
            handshakeOnly.resetOnClose()
            // A large response abandoned after its first bytes.
            let aborted = try #require(try TLSClient(port: port))
            aborted.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(aborted.read(limit: 1000).count == 1000)
            aborted.resetOnClose()
        }
        // Without SIGPIPE ignored, the process running this test would have ended by now.
        #expect(try Self.healthy(port))
        await server.shutdown(grace: 2)
    }

    @Test func anEncryptedKeyIsRefusedWithASentenceInsteadOfAPrompt() throws {
        let certificate = try TemporaryCertificate()
        defer { certificate.remove() }
        let encrypted = certificate.directory.appendingPathComponent("encrypted.key").path
        try TemporaryKey.openssl(["pkey", "-in", certificate.keyFile, "-aes256", "-passout", "pass:secret", "-out", encrypted])
        var settings = certificate.tls
        settings.keyFile = encrypted
        do {
            _ = try TLSContext(settings)
            Issue.record("an encrypted key was accepted")
        } catch {
            #expect(error.description.contains("the key file \(encrypted) is encrypted"), "\(error.description)")
        }
    }
}
