import Foundation
import GitHubSimulator
import PrometheusExposition
import Testing

@testable import CopilotExporter
@testable import GitHubAPI
@testable import WebServer

/// The server over loopback: malformed input, limits, keep-alive, pipelining, shutdown.
@Suite struct HTTPServerTests {
    static func start(_ configuration: HTTPServer.Configuration = .init(host: "127.0.0.1", port: 0)) throws -> (HTTPServer, Int) {
        let families = [MetricFamily(name: "up_test", help: "h", samples: [Sample(value: 1)])]
        let router = ExporterRouter(
            telemetryPath: "/metrics",
            publisher: SnapshotPublisher(RenderedSnapshot.render(families, ready: true)),
            version: "t"
        )
        let server = HTTPServer(configuration: configuration, handler: router)
        return (server, try server.start())
    }

    @Test func aMalformedRequestGets400AndTheServerKeepsServing() async throws {
        let (server, port) = try Self.start()
        try await withStopping(server) {
            let bad = try RawClient(port: port)
            bad.send("BLAH\r\n\r\n")
            #expect(bad.readAll().hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
            let response = try await httpGet("http://127.0.0.1:\(port)/metrics")
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == "# HELP up_test h\n# TYPE up_test gauge\nup_test 1\n")
        }
    }

    @Test func keepAliveAndPipelinedRequestsAreAnsweredInOrder() async throws {
        let (server, port) = try Self.start()
        try await withStopping(server) {
            let client = try RawClient(port: port)
            client.send(
                "GET /-/healthy HTTP/1.1\r\nHost: h\r\n\r\nGET /nope HTTP/1.1\r\nHost: h\r\n\r\nHEAD /metrics HTTP/1.1\r\nHost: h\r\n\r\n"
            )
            let text = client.readResponses(3)
            let statuses = byteLines(text).filter { $0.hasPrefix("HTTP/1.1 ") }
            #expect(statuses == ["HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK"])
            let body = "# HELP up_test h\n# TYPE up_test gauge\nup_test 1\n"
            #expect(
                text.hasSuffix("Content-Length: \(body.utf8.count)\r\nConnection: keep-alive\r\n\r\n"),
                "HEAD sends the length but no body"
            )
        }
    }

    @Test func http10WithoutKeepAliveIsClosedAfterTheResponse() async throws {
        let (server, port) = try Self.start()
        try await withStopping(server) {
            let client = try RawClient(port: port)
            client.send("GET /-/healthy HTTP/1.0\r\n\r\n")
            let text = client.readAll()
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(text.contains("Connection: close\r\n"))
        }
    }

    @Test func oversizedHeadersGet431() async throws {
        let (server, port) = try Self.start()
        try await withStopping(server) {
            let client = try RawClient(port: port)
            client.send("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "a", count: 20_000) + "\r\n\r\n")
            #expect(client.readAll().hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"))
        }
    }

    @Test func aSlowClientIsCutOffAtTheReadDeadline() async throws {
        let (server, port) = try Self.start(.init(host: "127.0.0.1", port: 0, requestReadTimeout: 1, idleTimeout: 5))
        try await withStopping(server) {
            let slow = try RawClient(port: port)
            slow.send("GET /metrics HTTP/1.1\r\n")
            let text = slow.readAll(timeout: 8)
            #expect(text.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
            #expect(try await httpGet("http://127.0.0.1:\(port)/-/healthy").status == 200)
        }
    }

    @Test func connectionsOverTheLimitGet503() async throws {
        let (server, port) = try Self.start(.init(host: "127.0.0.1", port: 0, maxConnections: 2))
        try await withStopping(server) {
            let first = try RawClient(port: port)
            let second = try RawClient(port: port)
            first.send("GET /-/healthy HTTP/1.1\r\nHost: h\r\n\r\n")
            second.send("GET /-/healthy HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(first.readResponses(1).hasPrefix("HTTP/1.1 200"))
            #expect(second.readResponses(1).hasPrefix("HTTP/1.1 200"))
            let third = try RawClient(port: port)
            #expect(third.readAll().hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        }
    }

    @Test func shutdownClosesIdleConnectionsAndStopsAccepting() async throws {
        let (server, port) = try Self.start()
        let idle = try RawClient(port: port)
        idle.send("GET /-/healthy HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(idle.readResponses(1).hasPrefix("HTTP/1.1 200"))
        await server.shutdown(grace: 5)
        #expect(server.connectionCounts.open == 0, "the idle keep-alive connection was closed, not waited for")
        #expect((try? RawClient(port: port)) == nil)
    }

    @Test func hostileClientsNeverStopANormalScrape() async throws {
        // Every client here is on 127.0.0.1; the per-address cap has tests of its own.
        let (server, port) = try Self.start(.init(host: "127.0.0.1", port: 0, maxConnectionsPerAddress: 1_000))
        try await withStopping(server) {
            let url = "http://127.0.0.1:\(port)/metrics"
            func scrapeWorks() async throws -> Bool { try await httpGet(url).status == 200 }

            let manyHeaders = try RawClient(port: port)
            manyHeaders.send("GET /metrics HTTP/1.1\r\nHost: h\r\n" + (0..<5000).map { "X-\($0): v\r\n" }.joined() + "\r\n")
            #expect(manyHeaders.readAll().hasPrefix("HTTP/1.1 431"))
            #expect(try await scrapeWorks())

            let hugeLine = try RawClient(port: port)
            hugeLine.send("GET /" + String(repeating: "a", count: 100_000) + " HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(hugeLine.readAll().hasPrefix("HTTP/1.1 414"))
            #expect(try await scrapeWorks())

            let nul = try RawClient(port: port)
            nul.send(Array("GET /metrics\u{0} HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
            #expect(nul.readAll().hasPrefix("HTTP/1.1 400"))

            // Seeded, and without NUL, CR or LF: one 4 KiB request line of noise, refused as malformed.
            var random = SplitMix64(seed: 7)
            let noise = (0..<4096).map { _ in UInt8(truncatingIfNeeded: random.next()) }.filter { ![0x00, 0x0A, 0x0D].contains($0) }
            let garbage = try RawClient(port: port)
            garbage.send(noise + Array("\r\n\r\n".utf8))
            #expect(garbage.readAll().hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
            #expect(try await scrapeWorks())

            // Hundreds of idle connections hold slots but not the server.
            var idle: [RawClient] = []
            for _ in 0..<300 { idle.append(try RawClient(port: port)) }
            for client in idle.prefix(100) { client.send("GET /-/healthy HT") }
            #expect(try await scrapeWorks())
            #expect(server.connectionCounts.open >= 300)
            idle.removeAll()
            #expect(try await scrapeWorks())
        }
    }
}

/// A snapshot too large to hold plain (here: every snapshot, with a limit of 0) is written per
/// scrape in chunks: the same bytes, an exact Content-Length, nothing for HEAD, and gzip held.
@Suite struct StreamedBodyTests {
    @Test func plainBodiesAreStreamedWithTheExactLength() async throws {
        let families =
            (0..<5_000).map { index in
                MetricFamily(
                    name: "github_copilot_seat_last_activity_timestamp_seconds",
                    help: "h",
                    samples: [Sample(["org": "acme", "user": "dev-\(index)"], Double(1_763_000_000 + index))]
                )
            } + [MetricFamily(name: "github_copilot_seats", help: "s", samples: [Sample(["org": "acme"], 5_000)])]
        let streamed = RenderedSnapshot.render(families, ready: true, heldPlainLimit: 0)
        let held = RenderedSnapshot.render(families, ready: true)
        #expect(streamed.bodies[.text]?.plain == nil)
        #expect(held.bodies[.text]?.plain != nil)
        // A large body is compressed when a scrape first asks for its format, not at publish.
        #expect(held.bodies[.text]?.isCompressed == true)
        #expect(streamed.bodies[.text]?.isCompressed == false)
        #expect(streamed.bodies[.openMetrics]?.isCompressed == false)
        // Published while attempts run: a held body too waits for the first scrape's gzip.
        let deferred = RenderedSnapshot.render([EncodedFamily.encode(families)], ready: true, compressHeld: false)
        for format in ExpositionFormat.allCases {
            #expect(deferred.bodies[format]?.plain == held.plain(format))
            #expect(deferred.bodies[format]?.isCompressed == false)
            #expect(try Gzip.decompress(deferred.bodies[format]?.gzip ?? []) == held.plain(format))
            #expect(deferred.bodies[format]?.isCompressed == true)
        }
        let router = ExporterRouter(telemetryPath: "/metrics", publisher: SnapshotPublisher(streamed), version: "t")
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), handler: router)
        let port = try server.start()
        try await withStopping(server) {
            for (accept, format) in [("text/plain", ExpositionFormat.text), ("application/openmetrics-text; version=1.0.0", .openMetrics)] {
                let plain = try await httpGet(
                    "http://127.0.0.1:\(port)/metrics",
                    headers: ["Accept": accept, "Accept-Encoding": "identity"]
                )
                #expect(plain.status == 200)
                #expect(plain.body == held.plain(format))
                #expect(plain.body.count > 300_000)
                #expect(plain.headers["content-length"] == String(held.plain(format).count))
                let zipped = router.handle(
                    HTTPRequest(method: "GET", target: "/metrics", headers: [("Accept", accept), ("Accept-Encoding", "gzip")])
                )
                #expect(zipped.stream == nil)
                #expect(try Gzip.decompress(zipped.body) == held.plain(format))
                #expect(streamed.bodies[format]?.isCompressed == true)
                if format == .text { #expect(streamed.bodies[.openMetrics]?.isCompressed == false) }
            }
            let client = try RawClient(port: port)
            client.send("HEAD /metrics HTTP/1.1\r\nHost: h\r\n\r\nGET /-/healthy HTTP/1.1\r\nHost: h\r\n\r\n")
            let text = client.readResponses(2)
            #expect(text.contains("Content-Length: \(held.plain(.text).count)\r\n"))
            #expect(text.hasSuffix("\r\n\r\nOK\n"))  // HEAD sent no body: the next answer follows the headers
        }
    }
}
