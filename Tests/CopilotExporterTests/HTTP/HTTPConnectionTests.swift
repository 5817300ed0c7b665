import Foundation
import Testing

@testable import CopilotExporter
@testable import WebServer

/// The server's per-connection loop (parsing, keep-alive, pipelining, errors, HEAD) on an
/// in-memory connection: what these tests check does not depend on sockets.
@Suite struct HTTPConnectionTests {
    /// Answers with the request target as the body.
    struct Echo: HTTPHandler {
        func handle(_ request: HTTPRequest) -> HTTPResponse {
            HTTPResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Array(request.target.utf8))
        }
    }

    let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), handler: Echo())

    @Test func pipelinedRequestsInOneChunkAreAnsweredInOrder() {
        let io = MemoryIO(["GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\nGET /c HTTP/1.1\r\nHost: h\r\n\r\n"])
        _ = server.serve(io)
        #expect(io.statusLines == ["HTTP/1.1 200 OK", "HTTP/1.1 200 OK", "HTTP/1.1 200 OK"])
        #expect(io.output.hasSuffix("\r\n\r\n/c"))
        let bodies = io.output.components(separatedBy: "\r\n\r\n").dropFirst().map { $0.prefix(2) }
        #expect(bodies == ["/a", "/b", "/c"])
    }

    @Test func aRequestSplitAcrossReadsIsAssembled() {
        let io = MemoryIO(["GE", "T /split HT", "TP/1.1\r\nHo", "st: h\r\n", "\r\n"])
        _ = server.serve(io)
        #expect(io.statusLines == ["HTTP/1.1 200 OK"])
        #expect(io.output.hasSuffix("\r\n\r\n/split"))
    }

    @Test func headGetsTheHeadersAndLengthButNoBody() {
        let io = MemoryIO(["HEAD /abc HTTP/1.1\r\nHost: h\r\n\r\n"])
        _ = server.serve(io)
        #expect(io.output.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(io.output.contains("Content-Length: 4\r\n"))
        #expect(io.output.hasSuffix("\r\n\r\n"))
    }

    @Test func http10IsClosedAfterOneAnswerUnlessItAsksForKeepAlive() {
        let close = MemoryIO(["GET /x HTTP/1.0\r\n\r\nGET /y HTTP/1.0\r\n\r\n"])
        _ = server.serve(close)
        #expect(close.statusLines == ["HTTP/1.1 200 OK"])
        #expect(close.output.contains("Connection: close\r\n"))
        let keep = MemoryIO(["GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /y HTTP/1.0\r\n\r\n"])
        _ = server.serve(keep)
        #expect(keep.statusLines.count == 2)
    }

    @Test(arguments: [
        ("GARBAGE\r\n\r\n", "HTTP/1.1 400 Bad Request"),
        ("GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "HTTP/1.1 400 Bad Request"),
        ("GET /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc", "HTTP/1.1 413 Content Too Large"),
        ("GET /x HTTP/2.0\r\nHost: h\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported"),
    ])
    func aBadRequestGetsItsStatusAndEndsTheConnection(request: String, status: String) {
        let io = MemoryIO([request + "GET /after HTTP/1.1\r\nHost: h\r\n\r\n"])
        let drain = server.serve(io)
        #expect(io.statusLines == [status], "only the error, nothing for the request after it")
        #expect(io.output.contains("Connection: close\r\n"))
        #expect(drain, "the client may still be sending, so the caller drains before closing")
    }

    @Test(arguments: [
        ("http://host:9185/metrics", "/metrics"),
        ("HTTP://host:9185/metrics?name[]=up", "/metrics?name[]=up"),
        ("https://host", "/"),
        ("http://host?x=1", "/?x=1"),
    ])
    func anAbsoluteFormTargetIsServedAsItsPath(target: String, path: String) {
        let io = MemoryIO(["GET \(target) HTTP/1.1\r\nHost: other\r\n\r\n"])
        _ = server.serve(io)
        #expect(io.statusLines == ["HTTP/1.1 200 OK"])
        #expect(io.output.hasSuffix("\r\n\r\n" + path))
    }

    @Test(arguments: ["http:///metrics", "http://user@host/metrics", "ftp://host/metrics"])
    func anAbsoluteFormTargetWithoutAUsableAuthorityIsRefused(target: String) {
        let io = MemoryIO(["GET \(target) HTTP/1.1\r\nHost: h\r\n\r\n"])
        _ = server.serve(io)
        #expect(io.statusLines == ["HTTP/1.1 400 Bad Request"])
    }

    @Test func theExporterServesMetricsToAnAbsoluteFormRequest() {
        let router = ExporterRouter(
            telemetryPath: "/metrics",
            publisher: SnapshotPublisher(RenderedSnapshot.render(ExporterRouterTests.families, ready: true)),
            version: "test"
        )
        let exporter = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), handler: router)
        let io = MemoryIO(["GET http://host:9185/metrics HTTP/1.1\r\nHost: host:9185\r\n\r\n"])
        _ = exporter.serve(io)
        #expect(io.statusLines == ["HTTP/1.1 200 OK"])
        #expect(io.output.hasSuffix("github_copilot_seats{org=\"acme\"} 5\n"))
    }

    @Test func aPartialRequestAtTheDeadlineGets408() {
        let io = MemoryIO(["GET /slow HTTP/1.1\r\nHo"], timesOut: true)
        _ = server.serve(io)
        #expect(io.statusLines == ["HTTP/1.1 408 Request Timeout"])
    }

    @Test func anIdleConnectionAtTheDeadlineIsClosedWithoutAnAnswer() {
        let io = MemoryIO(["GET /one HTTP/1.1\r\nHost: h\r\n\r\n"], timesOut: true)
        _ = server.serve(io)
        #expect(io.statusLines == ["HTTP/1.1 200 OK"], "no 408 for a connection with nothing pending")
    }
}
