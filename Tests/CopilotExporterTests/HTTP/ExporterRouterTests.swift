import PrometheusExposition
import Testing

@testable import CopilotExporter
@testable import WebServer

@Suite struct ExporterRouterTests {
    static let families = [MetricFamily(name: "github_copilot_seats", help: "Seats.", samples: [Sample(["org": "acme"], 5)])]

    func router(ready: Bool) -> ExporterRouter {
        ExporterRouter(
            telemetryPath: "/metrics",
            publisher: SnapshotPublisher(RenderedSnapshot.render(Self.families, ready: ready)),
            version: "test"
        )
    }

    func get(_ target: String, method: String = "GET", headers: [(String, String)] = [], ready: Bool = true) -> HTTPResponse {
        router(ready: ready).handle(HTTPRequest(method: method, target: target, headers: [("Host", "h")] + headers))
    }

    @Test func servesTextByDefaultAndOpenMetricsWhenAsked() {
        let text = get("/metrics")
        #expect(text.status == 200)
        #expect(text.header("content-type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(
            String(decoding: text.body, as: UTF8.self)
                == "# HELP github_copilot_seats Seats.\n# TYPE github_copilot_seats gauge\ngithub_copilot_seats{org=\"acme\"} 5\n"
        )
        let om = get("/metrics", headers: [("Accept", "application/openmetrics-text;version=1.0.0,text/plain;q=0.5")])
        #expect(om.header("content-type") == "application/openmetrics-text; version=1.0.0; charset=utf-8")
        #expect(String(decoding: om.body, as: UTF8.self).hasSuffix("github_copilot_seats{org=\"acme\"} 5.0\n# EOF\n"))
    }

    @Test func gzipWhenAcceptEncodingAllowsIt() throws {
        let zipped = get("/metrics", headers: [("Accept-Encoding", "gzip, deflate")])
        #expect(zipped.header("content-encoding") == "gzip")
        #expect(try Gzip.decompress(zipped.body) == get("/metrics").body)
        #expect(get("/metrics", headers: [("Accept-Encoding", "gzip;q=0")]).header("content-encoding") == nil)
        #expect(get("/metrics", headers: [("Accept-Encoding", "br")]).header("content-encoding") == nil)
        #expect(get("/metrics", headers: [("Accept-Encoding", "*")]).header("content-encoding") == "gzip")
    }

    @Test func healthAndReadiness() {
        #expect(get("/-/healthy", ready: false).status == 200)
        #expect(get("/-/ready", ready: false).status == 503)
        #expect(get("/-/ready", ready: true).status == 200)
        #expect(String(decoding: get("/").body, as: UTF8.self).contains("href=\"/metrics\""))
    }

    @Test func unknownPathsAndMethods() {
        #expect(get("/nope").status == 404)
        let post = get("/metrics", method: "POST")
        #expect(post.status == 405)
        #expect(post.header("allow") == "GET, HEAD")
        #expect(get("/metrics", method: "HEAD").status == 200)
    }

    @Test(
        arguments: [
            ("identity, gzip;q=0.5", true), (nil, false), ("*;q=0", false), ("gzip", true), ("GZIP", true), ("x-gzip", true),
            ("gzip;q=0", false), ("br, *", true), ("*;q=0.1, gzip;q=0", false), ("deflate, br", false), ("", false),
            ("gzip ; q=1.0", true),
        ] as [(String?, Bool)]
    )
    func acceptEncodingAllowsGzipOnlyWithANonZeroQuality(header: String?, gzip: Bool) {
        #expect(ExporterRouter.acceptsGzip(header) == gzip, "Accept-Encoding: \(header ?? "(absent)")")
    }
}

@Suite struct LiveFamiliesTests {
    static let live = [MetricFamily(name: "process_open_fds", help: "Fds.", samples: [Sample(value: 7)])]

    func get(_ headers: [(String, String)]) -> HTTPResponse {
        let router = ExporterRouter(
            telemetryPath: "/metrics",
            publisher: SnapshotPublisher(RenderedSnapshot.render(ExporterRouterTests.families, ready: true)),
            version: "test",
            live: { Self.live }
        )
        return router.handle(HTTPRequest(method: "GET", target: "/metrics", headers: [("Host", "h")] + headers))
    }

    @Test func liveFamiliesComeFirstInEveryFormatAndEncoding() throws {
        let text = String(decoding: get([]).wholeBody, as: UTF8.self)
        #expect(
            text == "# HELP process_open_fds Fds.\n# TYPE process_open_fds gauge\nprocess_open_fds 7\n"
                + "# HELP github_copilot_seats Seats.\n# TYPE github_copilot_seats gauge\ngithub_copilot_seats{org=\"acme\"} 5\n"
        )
        let zipped = get([("Accept-Encoding", "gzip")])
        #expect(zipped.header("content-encoding") == "gzip")
        #expect(String(decoding: try Gzip.decompress(zipped.wholeBody), as: UTF8.self) == text)
        let om = String(decoding: get([("Accept", "application/openmetrics-text;version=1.0.0")]).wholeBody, as: UTF8.self)
        #expect(
            om.hasPrefix("# HELP process_open_fds Fds.\n# TYPE process_open_fds gauge\nprocess_open_fds 7.0\n# HELP github_copilot_seats")
        )
        #expect(om.hasSuffix("5.0\n# EOF\n") && om.split(separator: "#").filter { $0.hasPrefix(" EOF") }.count == 1)
    }
}

@Suite struct ScrapeCounterTests {
    @Test func countsMetricsPathAnswersAndRefusedConnectionsByCode() {
        let counter = ScrapeCounter(telemetryPath: "/metrics")
        counter.record(path: "/metrics", status: 200)
        counter.record(path: "/metrics", status: 200)
        counter.record(path: "/metrics", status: 503)
        counter.record(path: nil, status: 503)
        counter.record(path: "/-/healthy", status: 200)
        #expect(counter.family.samples.map { "\($0.labels.map(\.value)) \($0.value)" } == ["[\"200\"] 2.0", "[\"503\"] 2.0"])
    }
}
