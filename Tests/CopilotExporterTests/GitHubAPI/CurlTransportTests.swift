import CopilotExporter
import Foundation
import Glibc
import Synchronization
import Testing

@testable import GitHubAPI
@testable import WebServer

/// libcurl's easy interface as the exporter drives it: bodies streamed whole and in order,
/// timeouts, cancellation, connections kept for the next request, failures named.
@Suite struct CurlTransportTests {
    func transport(timeout: Double = 5, limits: ResponseLimits = ResponseLimits()) throws -> CurlTransport {
        try #require(CurlTransport(timeout: timeout, limits: limits), "libcurl's easy interface was not found")
    }

    @Test func theExporterRunsOnLibcurlWhereverFoundationNetworkingIs() {
        #expect(CurlTransport.isAvailable)
        #expect(StandardTransport.make(timeout: 5) is CurlTransport)
    }

    /// 6 MB of numbered lines arrive byte for byte, straight from libcurl's receive buffer: in
    /// pieces of at most `receiveBufferSize`.
    @Test func aLargeDownloadIsStreamedWholeAndInOrder() async throws {
        var body: [UInt8] = []
        for line in 0..<200_000 { body += Array("{\"line\":\(line),\"padding\":\"abcdefghijklmn\"}\n".utf8) }
        let expected = body
        let storage = StubServer { _ in HTTPResponse(status: 200, headers: [("Content-Type", "application/x-ndjson")], body: expected) }
        try storage.start()
        let chunks = Mutex<[Int]>([])
        let received = ByteSink()
        let response = try await transport().stream(TransportRequest(url: storage.baseURL + "/report.ndjson")) { chunk in
            chunks.withLock { $0.append(chunk.count) }
            received.append(chunk)
        }
        #expect(response.status == 200)
        #expect(response.body.isEmpty, "a streamed 2xx body is not also kept")
        #expect(received.bytes == expected)
        let sizes = chunks.withLock { $0 }
        #expect(sizes.count >= expected.count / CurlTransport.receiveBufferSize)
        #expect(sizes.allSatisfy { $0 > 0 && $0 <= CurlTransport.receiveBufferSize })
        await storage.stop()
    }

    @Test func anErrorAnswerToADownloadIsReturnedNotStreamed() async throws {
        let storage = StubServer { _ in HTTPResponse.text(403, "Request has expired") }
        try storage.start()
        let received = ByteSink()
        let response = try await transport().stream(TransportRequest(url: storage.baseURL + "/expired")) { received.append($0) }
        #expect(response.status == 403)
        #expect(String(decoding: response.body, as: UTF8.self).contains("Request has expired"))
        #expect(received.bytes.isEmpty)
        await storage.stop()
    }

    @Test func headersAreLowerCasedAndRepeatedOnesJoined() async throws {
        let api = StubServer { _ in
            HTTPResponse(
                status: 200,
                headers: [("X-RateLimit-Remaining", "4999"), ("Vary", "Accept"), ("Vary", "Authorization")],
                body: []
            )
        }
        try api.start()
        let response = try await transport().send(TransportRequest(url: api.baseURL + "/x", headers: ["User-Agent": "ua", "X-Test": "1"]))
        #expect(response.header("x-ratelimit-remaining") == "4999")
        #expect(response.header("vary") == "Accept, Authorization")
        let sent = try #require(api.requests.first)
        #expect(sent.header("user-agent") == "ua" && sent.header("x-test") == "1")
        #expect(sent.header("expect") == nil)
        await api.stop()
    }

    /// Sequential requests reuse one handle (and its connection); concurrent ones each get
    /// their own, and at most `maxIdleHandles` are kept.
    @Test func handlesAreReusedAndTheIdleOnesBounded() async throws {
        let api = StubServer { _ in HTTPResponse.text(200, "{}") }
        try api.start()
        let transport = try transport()
        for _ in 0..<5 { _ = try await transport.send(TransportRequest(url: api.baseURL + "/seq")) }
        #expect(transport.idleHandles == 1)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<12 { group.addTask { try await transport.send(TransportRequest(url: api.baseURL + "/par")).status } }
            for try await status in group { #expect(status == 200) }
        }
        #expect(transport.idleHandles >= 1 && transport.idleHandles <= CurlTransport.maxIdleHandles)
        #expect(api.requests.count == 17)
        await api.stop()
    }

    @Test(.timeLimit(.minutes(1))) func aSilentServerTimesOut() async throws {
        let (fd, port) = try TransportWatchdogTests.silentPort()
        defer { close(fd) }
        let url = "http://127.0.0.1:\(port)/silent"
        await #expect(throws: TransportError.timedOut(url: url)) {
            _ = try await transport(timeout: 1).send(TransportRequest(url: url))
        }
    }

    @Test func aRefusedConnectionSaysSo() async throws {
        // Bound and closed again: nothing listens there now.
        let (fd, port) = try TransportWatchdogTests.silentPort()
        close(fd)
        let url = "http://127.0.0.1:\(port)/gone"
        let transport = try transport()
        do throws(TransportError) {
            _ = try await transport.send(TransportRequest(url: url))
            Issue.record("a request to a closed port succeeded")
        } catch {
            guard case .connection(let failed, let reason) = error else {
                Issue.record("expected a connection failure, got \(error)")
                return
            }
            #expect(failed == url)
            #expect(reason.lowercased().contains("connect"), "\(reason)")
        }
    }

    @Test func aHeaderWithALineBreakIsNotSent() async throws {
        let api = StubServer { _ in HTTPResponse.text(200, "{}") }
        try api.start()
        let request = TransportRequest(url: api.baseURL + "/x", headers: ["If-None-Match": "W/\"1\"\r\nX-Injected: yes"])
        await #expect(throws: TransportError.self) { _ = try await transport().send(request) }
        #expect(api.requests.isEmpty)
        await api.stop()
    }

    @Test func onlyHTTPAndHTTPSAreSpoken() async throws {
        await #expect(throws: TransportError.self) {
            _ = try await transport().send(TransportRequest(url: "file:///etc/passwd"))
        }
    }

    /// Every job gets a thread at once (20 jobs that each wait for all the others would never
    /// end otherwise), idle threads are reused rather than new ones made, and they end once idle.
    @Test(.timeLimit(.minutes(1))) func transferThreadsRunEveryJobAtOnceAndEndWhenIdle() async throws {
        let threads = TransferThreads(idleLifetime: 3600)
        let started = Atomic<Int>(0)
        let busyAtOnce = Atomic<Int>(0)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let finished = Atomic<Int>(0)
            for _ in 0..<20 {
                threads.run {
                    started.add(1, ordering: .relaxed)
                    while started.load(ordering: .relaxed) < 20 { usleep(1_000) }
                    busyAtOnce.max(threads.census.alive, ordering: .relaxed)
                    if finished.add(1, ordering: .relaxed).newValue == 20 { done.resume() }
                }
            }
        }
        #expect(busyAtOnce.load(ordering: .relaxed) == 20)
        while threads.census.idle < 20 { try await Task.sleep(nanoseconds: 10_000_000) }
        for _ in 0..<50 {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in threads.run { done.resume() } }
        }
        #expect(threads.census.created == 20, "sequential jobs ran on idle threads")

        let shortLived = TransferThreads(idleLifetime: 0.1)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in shortLived.run { done.resume() } }
        #expect(shortLived.census.created == 1)
        var waited = 0
        while shortLived.census.alive > 0 && waited < 200 {
            try await Task.sleep(nanoseconds: 50_000_000)
            waited += 1
        }
        #expect(shortLived.census.alive == 0, "the idle thread ended (within 10 s of waiting)")
    }

    /// Header lines as libcurl hands them over: a 1xx block is replaced by the final one, names
    /// lowercased and trimmed, values trimmed, repeated names joined, lines without a name ignored.
    @Test func headerLinesAreReadAsBytes() {
        let exchange = CurlTransport.Exchange(url: "https://api.github.com/x", limit: 1, onChunk: nil)
        let lines = [
            "HTTP/1.1 100 Continue\r\n", "X-Early: 1\r\n", "\r\n",
            "HTTP/2 200 \r\n", "Content-Type: application/json; charset=utf-8\r\n",
            "  X-Odd\t : \t v a l \t\r\n", "Link: <a>; rel=\"next\"\r\n", "LINK: <b>; rel=\"last\"\r\n",
            "ETag: W/\"ab:cd\"\r\n", "no colon here\r\n", " : nameless\r\n", "X-Empty:\r\n", "\r\n",
        ]
        for line in lines { #expect(Array(line.utf8).withUnsafeBytes { exchange.header($0) }) }
        #expect(exchange.status == 200)
        #expect(
            exchange.headers == [
                "content-type": "application/json; charset=utf-8", "x-odd": "v a l", "link": "<a>; rel=\"next\", <b>; rel=\"last\"",
                "etag": "W/\"ab:cd\"", "x-empty": "",
            ]
        )
        for (line, status) in [("HTTP/1.1 404 Not Found\r\n", 404), ("HTTP/1.0 20x\r\n", 0), ("HTTP/1.1 2000\r\n", 0)] {
            #expect(Array(line.utf8).withUnsafeBytes { exchange.header($0) })
            #expect(exchange.status == status, "\(line)")
            #expect(exchange.headers.isEmpty)
        }
    }

    /// The chain's deadline is generous: between two hops the task waits for one of the few
    /// threads every async test shares. On a loaded machine two runs of the whole suite ended a
    /// 5-second chain (plus its 30 s of slack) with a time-out after 1 and 7 of the 11 requests,
    /// 35-38 s in; alone the loop takes milliseconds. Most likely the task waited behind tests
    /// that block those threads while an exporter process exits (`stopProcess`).
    @Test func aRedirectLoopEnds() async throws {
        let api = StubServer { request in HTTPResponse(status: 302, headers: [("Location", request.target + "x")]) }
        try api.start()
        await #expect(throws: TransportError.connection(url: api.baseURL + "/loop", reason: "more than 10 redirects")) {
            _ = try await transport(timeout: 300).send(TransportRequest(url: api.baseURL + "/loop"))
        }
        #expect(api.requests.count == 11)
        await api.stop()
    }
}
