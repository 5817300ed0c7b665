import Foundation
import Testing

@testable import CopilotExporter
@testable import GitHubAPI
@testable import WebServer

/// No endpoint takes a request body, so none is read before authentication: 413 at once.
@Suite struct RequestBodyTests {
    @Test func aRequestWithABodyGets413WithoutTheBodyBeingReadAndTheConnectionCloses() async throws {
        let (server, port) = try HTTPServerTests.start()
        let client = try RawClient(port: port)
        // Headers only: a server that waits for the promised megabyte answers nothing.
        client.send("POST /metrics HTTP/1.1\r\nHost: h\r\nContent-Length: 1000000\r\n\r\n" + String(repeating: "x", count: 1000))
        let text = client.readAll(timeout: 8)
        #expect(text.hasPrefix("HTTP/1.1 413 Content Too Large\r\n"), "\(text)")
        #expect(text.contains("Connection: close\r\n"))
        let chunked = try RawClient(port: port)
        chunked.send("POST /metrics HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
        #expect(chunked.readAll(timeout: 8).hasPrefix("HTTP/1.1 413 "))
        #expect(try await httpGet("http://127.0.0.1:\(port)/metrics").status == 200)
        await server.shutdown(grace: 1)
    }

    @Test func twoHostHeadersGet400() async throws {
        let (server, port) = try HTTPServerTests.start()
        let client = try RawClient(port: port)
        client.send("GET /metrics HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
        #expect(client.readAll().hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        await server.shutdown(grace: 1)
    }
}
