import Foundation
import Glibc
import PrometheusExposition
import Testing

@testable import CopilotExporter
@testable import GitHubAPI
@testable import WebServer

/// Limits that hold before authentication: connections per address, and absolute deadlines for
/// the first byte, the TLS handshake, a request's headers and a whole response. Each test uses
/// small limits and waits several times longer than them, so a busy machine cannot fail it.
@Suite struct HTTPServerDeadlineTests {
    struct Big: HTTPHandler {
        let body = [UInt8](repeating: 0x61, count: 32 << 20)
        func handle(_ request: HTTPRequest) -> HTTPResponse { HTTPResponse(status: 200, body: body) }
    }

    static func start(
        _ configuration: HTTPServer.Configuration,
        handler: any HTTPHandler = Big(),
        tls: TLSContext? = nil
    ) throws -> (HTTPServer, Int) {
        let server = HTTPServer(configuration: configuration, handler: handler, tls: tls)
        return (server, try server.start())
    }

    /// Polls `condition` until it holds or `timeout` seconds pass.
    static func eventually(within timeout: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return condition()
    }

    @Test func connectionsFromOneAddressPastItsCapGet503() async throws {
        // Long first-byte and idle deadlines: on a busy machine this test may wait a while between steps,
        // and the held connections must still be open then.
        let (server, port) = try Self.start(
            .init(host: "127.0.0.1", port: 0, idleTimeout: 600, maxConnectionsPerAddress: 2, firstByteTimeout: 600)
        )
        var first: RawClient? = try RawClient(port: port)
        let second = try RawClient(port: port)
        #expect(await Self.eventually(within: 30) { server.connectionCounts.open == 2 })
        let third = try RawClient(port: port)
        let refused = third.readAll()
        #expect(refused.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(refused.hasSuffix("too many connections from your address\n"))
        first = nil
        #expect(await Self.eventually(within: 30) { server.connectionCounts.open == 1 }, "a closed connection frees its place")
        let fourth = try RawClient(port: port)
        fourth.send("GET /-/healthy HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        #expect(fourth.readAll().hasPrefix("HTTP/1.1 200 OK\r\n"))
        _ = (first, second)
        await server.shutdown(grace: 1)
    }

    @Test func aConnectionThatSendsNothingIsClosedAtTheFirstByteDeadline() async throws {
        let (server, port) = try Self.start(.init(host: "127.0.0.1", port: 0, idleTimeout: 120, firstByteTimeout: 1))
        let silent = try RawClient(port: port)
        #expect(silent.closedByServer(within: 15), "closed long before the 120 s keep-alive idle timeout")
        await server.shutdown(grace: 1)
    }

    @Test func aResponseTheClientReadsSlowlyStopsAtTheWriteDeadline() async throws {
        let (server, port) = try Self.start(.init(host: "127.0.0.1", port: 0, writeTimeout: 1))
        let slow = try RawClient(port: port)
        slow.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        // Until the server has taken the connection in, "no connection open" would say nothing:
        // on a busy machine the accept can come seconds after the connect.
        #expect(await Self.eventually(within: 60) { server.connectionCounts.accepted == 1 })
        let fd = slow.fd
        var patience = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, socklen_t(MemoryLayout<timeval>.size))
        let received = await offThePool {
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
            var received = 0
            let deadline = Date().addingTimeInterval(60)
            // 16 KiB every 100 ms keeps every single send moving, but 32 MiB would take minutes.
            // The server drops its count of the connection just before it closes the socket; what
            // it sent before stays readable after.
            repeat {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count <= 0 { break }
                received += count
                usleep(100_000)
            } while server.connectionCounts.open > 0 && Date() < deadline
            return received
        }
        #expect(server.connectionCounts.open == 0, "the server gave up on the response")
        #expect(received > 0, "the response had begun")
        #expect(received < 32 << 20)
        await server.shutdown(grace: 1)
    }

    @Test func aTLSHandshakeTrickledByteByByteStopsAtTheHandshakeDeadline() async throws {
        let certificate = try TemporaryCertificate()
        defer { certificate.remove() }
        let tls = try TLSContext(certificate.tls)
        let (server, port) = try Self.start(
            .init(host: "127.0.0.1", port: 0, requestReadTimeout: 5, handshakeTimeout: 1),
            tls: tls
        )
        let client = try RawClient(port: port)
        // The start of a ClientHello, one byte every 200 ms: each receive would be in time.
        let hello: [UInt8] = [0x16, 0x03, 0x01, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFC, 0x03, 0x03] + Array(repeating: 0x42, count: 100)
        #expect(client.closedByServer(within: 15, sending: hello))
        await server.shutdown(grace: 1)
    }

    @Test func aPartialTLSRecordAfterTheHandshakeStopsAtTheRequestDeadline() async throws {
        let certificate = try TemporaryCertificate()
        defer { certificate.remove() }
        let tls = try TLSContext(certificate.tls)
        let (server, port) = try Self.start(
            .init(host: "127.0.0.1", port: 0, requestReadTimeout: 1, firstByteTimeout: 1),
            tls: tls
        )
        let connected = try TLSClient(port: port)
        let client = try #require(connected)
        // An application-data record header promising 64 bytes that never come.
        client.raw.send([0x17, 0x03, 0x03, 0x00, 0x40])
        #expect(client.raw.closedByServer(within: 15))
        #expect(await Self.eventually(within: 30) { server.connectionCounts.open == 0 })
        await server.shutdown(grace: 1)
    }
}
