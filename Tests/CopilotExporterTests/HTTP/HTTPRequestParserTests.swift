import Testing

@testable import CopilotExporter
@testable import WebServer

@Suite struct HTTPRequestParserTests {
    let parser = HTTPRequestParser(limits: .init(maxHeaderBytes: 1024, maxHeaderCount: 10, maxBodyBytes: 64))

    func parse(_ text: String) -> HTTPRequestParser.Outcome { parser.parse(Array(text.utf8)[...]) }

    @Test func parsesAGETWithHeadersAndQuery() throws {
        let text = "GET /metrics?a=1&b=x%20y HTTP/1.1\r\nHost: h\r\nAccept: text/plain\r\n\r\n"
        guard case .request(let request, let consumed) = parse(text)
        else {
            Issue.record("not parsed")
            return
        }
        #expect(request.method == "GET")
        #expect(request.path == "/metrics")
        #expect(request.queryValue("b") == "x y")
        #expect(request.header("ACCEPT") == "text/plain")
        #expect(request.keepAlive)
        #expect(consumed == text.utf8.count)
    }

    @Test func waitsForTheEndOfTheHeaders() {
        #expect(parse("GET / HTTP/1.1\r\nHost: h\r\n") == .incomplete)
        #expect(parse("") == .incomplete)
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nab") == .incomplete)
    }

    @Test func readsABodyByContentLengthAndLeavesPipelinedBytes() throws {
        let text = "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n"
        guard case .request(let request, let consumed) = parse(text) else {
            Issue.record("not parsed")
            return
        }
        #expect(request.body == Array("abc".utf8))
        #expect(consumed == text.utf8.count - "GET / HTTP/1.1\r\n".utf8.count)
    }

    @Test func http10ClosesUnlessKeepAliveIsAsked() {
        guard case .request(let plain, _) = parse("GET / HTTP/1.0\r\n\r\n"),
            case .request(let kept, _) = parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
            case .request(let closed, _) = parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        else {
            Issue.record("not parsed")
            return
        }
        #expect(!plain.keepAlive)
        #expect(kept.keepAlive)
        #expect(!closed.keepAlive)
    }

    @Test(arguments: [
        ("garbage\r\n\r\n", 400), ("GET /\r\n\r\n", 400), ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505), ("GET / FTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400), ("GET nopath HTTP/1.1\r\nHost: h\r\n\r\n", 400), ("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nBad Header: x\r\n\r\n", 400), ("GET / HTTP/1.1\r\nHost: h\r\nnocolon\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{1}b\r\n\r\n", 400), ("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 65\r\n\r\n", 413),
        ("GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", 501),
        ("GET /\u{0} HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400), ("GET / HTTP/1.1\r\nHost: h\r\nhost: h\r\n\r\n", 400),
        ("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400),
    ])
    func refusesMalformedRequests(text: String, status: Int) {
        guard case .invalid(let got, _) = parse(text) else {
            Issue.record("accepted \(text.debugDescription)")
            return
        }
        #expect(got == status)
    }

    @Test func refusesOversizedHeadersAndRequestLines() {
        let manyHeaders = "GET / HTTP/1.1\r\nHost: h\r\n" + (0..<11).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        #expect(parse(manyHeaders) == .invalid(status: 431, reason: "too many headers"))
        let bigHeader = "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 2000)
        #expect(parse(bigHeader) == .invalid(status: 431, reason: "request headers too large"))
        let longLine = "GET /" + String(repeating: "a", count: 2000)
        #expect(parse(longLine) == .invalid(status: 414, reason: "request line too long"))
        #expect(parse("GET /\u{0}") == .invalid(status: 400, reason: "NUL byte in request"))
    }

    @Test func neverCrashesOnRandomBytes() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let count = Int.random(in: 0..<300, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if Bool.random() { bytes = Array("GET / HTTP/1.1\r\n".utf8) + bytes + Array("\r\n\r\n".utf8) }
            switch parser.parse(bytes[...]) {
            case .request(_, let consumed): #expect(consumed > 0 && consumed <= bytes.count)
            case .invalid(let status, _): #expect((400..<600).contains(status))
            case .incomplete: #expect(bytes.count <= 1024 + 4)
            }
        }
    }

    @Test func byDefaultEveryRequestWithABodyGets413AsSoonAsItsHeadersEnd() {
        let strict = HTTPRequestParser()
        func status(_ text: String) -> Int? {
            if case .invalid(let status, _) = strict.parse(Array(text.utf8)[...]) { return status }
            return nil
        }
        #expect(status("POST /metrics HTTP/1.1\r\nHost: h\r\nContent-Length: 1000000\r\n\r\n") == 413, "the body is not awaited")
        #expect(status("GET /metrics HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx") == 413)
        #expect(status("POST /metrics HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n") == 413)
        #expect(status("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") == 400)
        guard case .request(let request, _) = strict.parse(Array("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n".utf8)[...])
        else {
            Issue.record("an empty body is no body")
            return
        }
        #expect(request.body.isEmpty)
    }
}
