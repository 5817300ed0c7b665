import Foundation
import Glibc
import Synchronization
import Testing

@testable import GitHubAPI
@testable import WebServer

/// A loopback server that writes scripted bytes: answers no well-behaved server (and so not
/// `StubServer`) would send. Each connection gets `reply(index)` after its request's headers,
/// then is closed.
final class RawHTTPServer: @unchecked Sendable {
    let fd: Int32
    let port: Int
    private let reply: @Sendable (Int) -> [UInt8]

    init(_ reply: @escaping @Sendable (Int) -> [UInt8]) throws {
        let (fd, port) = try TransportWatchdogTests.silentPort()
        self.fd = fd
        self.port = port
        self.reply = reply
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    var url: String { "http://127.0.0.1:\(port)/x" }

    /// The socket is closed by this thread only, after `stop` made `accept` fail: closed from
    /// another thread, its number could be reused by another test's server while this loop
    /// still accepts on it.
    private func serve() {
        defer { close(fd) }
        var index = 0
        while true {
            let connection = accept(fd, nil, nil)
            guard connection >= 0 else { return }
            var request: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !request.ends(with: Array("\r\n\r\n".utf8)) {
                let count = read(connection, &buffer, buffer.count)
                guard count > 0 else { break }
                request += buffer[..<count]
            }
            let bytes = reply(index)
            index += 1
            var written = 0
            while written < bytes.count {
                let count = bytes[written...].withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                written += count
            }
            close(connection)
        }
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}

/// What a hostile or broken server can send the transport, and what comes of it.
@Suite struct CurlTransportHostileTests {
    func transport(timeout: Double = 5) throws -> CurlTransport {
        try #require(CurlTransport(timeout: timeout), "libcurl's easy interface was not found")
    }

    /// Status lines libcurl accepts (lowercase `http/`, a tab after the code) are read the same
    /// here: the body is streamed, not passed off as an empty download.
    @Test(arguments: ["http/1.1 200 OK", "HTTP/1.1 200\tOK", "HTTP/2 200"])
    func oddStatusLinesStillStreamTheBody(statusLine: String) async throws {
        let server = try RawHTTPServer { _ in Array("\(statusLine)\r\nContent-Length: 11\r\n\r\n{\"a\":1}\n{}\n".utf8) }
        defer { server.stop() }
        let sink = ByteSink()
        let response = try await transport().stream(TransportRequest(url: server.url)) { sink.append($0) }
        #expect(response.status == 200)
        #expect(String(decoding: sink.bytes, as: UTF8.self) == "{\"a\":1}\n{}\n")
    }

    /// More than `headerLimit` of header lines end the exchange with a sentence.
    @Test func headersPastTheLimitEndTheExchange() async throws {
        let padding = String(repeating: "X-Pad: " + String(repeating: "a", count: 90) + "\r\n", count: 3_000)
        let server = try RawHTTPServer { _ in Array("HTTP/1.1 200 OK\r\n\(padding)Content-Length: 2\r\n\r\n{}".utf8) }
        defer { server.stop() }
        await #expect {
            _ = try await transport().send(TransportRequest(url: server.url))
        } throws: { error in
            "\(error)".contains("headers exceed 256 KiB")
        }
    }

    /// A chunked body's trailers are not taken for headers.
    @Test func trailersAreNotHeaders() async throws {
        let server = try RawHTTPServer { _ in
            Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Early: 1\r\n\r\n2\r\n{}\r\n0\r\nX-Trailer: late\r\n\r\n".utf8)
        }
        defer { server.stop() }
        let response = try await transport().send(TransportRequest(url: server.url))
        #expect(response.status == 200)
        #expect(response.body == Array("{}".utf8))
        #expect(response.header("x-early") == "1")
        #expect(response.header("x-trailer") == nil)
    }

    /// An error's body is kept up to `errorBodyLimit` for its message, for API calls and
    /// downloads alike, and the exchange ends there instead of reading megabytes it drops.
    @Test func aLongErrorBodyIsCut() async throws {
        let body = [UInt8](repeating: 0x61, count: 5_000_000)
        let server = StubServer { _ in HTTPResponse(status: 500, headers: [("Content-Type", "text/plain")], body: body) }
        let base = try server.start()
        let sent = try await transport().send(TransportRequest(url: base + "/api"))
        #expect(sent.status == 500)
        #expect(sent.body.count == CurlTransport.errorBodyLimit)
        let sink = ByteSink()
        let streamed = try await transport().stream(TransportRequest(url: base + "/download")) { sink.append($0) }
        #expect(streamed.status == 500)
        #expect(streamed.body.count == CurlTransport.errorBodyLimit)
        #expect(sink.bytes.isEmpty)
        await server.stop()
    }

    /// A chain of redirects has one time budget, the timeout plus a slack (30 s by default,
    /// 0.5 s here): five hops of 0.6 s each do not fit in 1 + 0.5 s, although each hop alone
    /// fits in its 1 s.
    @Test(.timeLimit(.minutes(1))) func redirectsShareOneTimeBudget() async throws {
        let server = StubServer { request in
            usleep(600_000)
            let hop = Int(request.target.split(separator: "/").last ?? "") ?? 0
            return hop < 5
                ? HTTPResponse(status: 302, headers: [("Location", "/hop/\(hop + 1)")]) : HTTPResponse(status: 200, body: Array("{}".utf8))
        }
        let base = try server.start()
        await #expect {
            let transport = try #require(CurlTransport(timeout: 1, limits: ResponseLimits(), redirectSlack: 0.5))
            _ = try await transport.send(TransportRequest(url: base + "/hop/0"))
        } throws: { error in
            if case TransportError.timedOut = error { return true }
            return false
        }
        await server.stop()
    }

    /// A method that is not a token of capital letters is not sent.
    @Test func aMethodWithALineBreakIsNotSent() async throws {
        let server = StubServer { _ in HTTPResponse(status: 200) }
        let base = try server.start()
        await #expect(throws: TransportError.self) {
            _ = try await transport().send(TransportRequest(method: "GET / HTTP/1.1\r\nX-Smuggled: 1\r\n", url: base + "/x"))
        }
        #expect(server.requests.isEmpty)
        await server.stop()
    }
}
