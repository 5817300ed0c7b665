import CopilotExporter
import Foundation
import GitHubSimulator
import Testing

@testable import GitHubAPI
@testable import WebServer

/// The whole /metrics body of a fixed scenario at a fixed time, compared with golden files, as
/// node_exporter's end-to-end test does: every collector, for two organizations and their
/// enterprise, against the in-process simulator (demo scenario, fixed seed, manual clock).
///
/// `UPDATE_GOLDEN=1 swift test --filter GoldenMetricsTests` rewrites the files; read the diff
/// before committing it.
@Suite struct GoldenMetricsTests {
    /// 2026-11-20T12:00:00Z: mid-month, so month-to-date sums and projections have several days.
    static let now = 1_795_176_000.0
    static let seats = 40
    static let seed: UInt64 = 2026
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Golden")

    /// Polls every collector once for every scope and returns the /metrics body in each format.
    static func scrape() async throws -> [(file: String, body: String)] {
        let clock = ManualClock(now: now)
        let simulator = GitHubSimulator(scenario: .demo(seats: seats, now: now, seed: seed), clock: clock)
        try simulator.start()
        return try await withStopping(simulator) {
            let configuration = try Configuration.parse(
                [
                    "--github.api-url=\(simulator.baseURL)", "--github.org=acme-corp", "--github.org=acme-labs",
                    "--github.enterprise=acme",
                ],
                environment: ["GITHUB_TOKEN": GitHubSimulator.demoToken]
            )
            let poller = ExporterApp(
                configuration: configuration,
                credentials: StaticToken(GitHubSimulator.demoToken),
                clock: clock,
                logger: .silent
            )
            .makePoller()
            await poller.runOnce()
            let router = ExporterRouter(telemetryPath: "/metrics", publisher: poller.store.publisher, version: ExporterApp.version)
            var bodies: [(String, String)] = []
            for (file, accept) in [("metrics.prom", "text/plain"), ("metrics.openmetrics", "application/openmetrics-text; version=1.0.0")] {
                let response = router.handle(HTTPRequest(method: "GET", target: "/metrics", headers: [("Accept", accept)]))
                #expect(response.status == 200)
                bodies.append((file, normalize(String(decoding: response.body, as: UTF8.self))))
            }
            return bodies
        }
    }

    /// Values that differ from run to run, whatever the clock: how long each attempt took, the
    /// build's version, and the rate-limit remainder GitHub reported last (jobs run
    /// concurrently, so which response the store saw last varies).
    static let volatile = [
        "github_copilot_collector_duration_seconds{", "github_copilot_api_rate_limit_remaining{",
    ]

    /// Requests that answered 200 or 304, summed per collector: jobs that read the same list
    /// (cost centers) run concurrently, so which of them revalidates varies; the sum does not.
    static let answered = ["github_copilot_api_requests_total{code=\"200\"", "github_copilot_api_requests_total{code=\"304\""]

    static func normalize(_ body: String) -> String {
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        let isAnswered = { (line: Substring) in answered.contains { line.hasPrefix($0) } }
        if let first = lines.firstIndex(where: isAnswered) {
            var sums: [String: Double] = [:]
            for line in lines where isAnswered(line) {
                // What follows the code label: `collector="X"}`, or `}` when it is the only one.
                let series = line.prefix { $0 != " " }
                let rest = series.split(separator: ",", maxSplits: 1).dropFirst().first.map(String.init) ?? "}"
                sums[rest, default: 0] += line.split(separator: " ").last.flatMap { Double($0) } ?? 0
            }
            lines.removeAll(where: isAnswered)
            let merged = sums.keys.sorted().map { rest in
                Substring(
                    "github_copilot_api_requests_total{code=\"200 or 304\"" + (rest == "}" ? "}" : "," + rest) + " \(Int(sums[rest]!))"
                )
            }
            lines.insert(contentsOf: merged, at: first)
        }
        return lines.map { line -> String in
            if line.hasPrefix("github_copilot_exporter_build_info{") {
                return line.replacingOccurrences(of: "version=\"\(ExporterApp.version)\"", with: "version=\"VERSION\"")
            }
            guard volatile.contains(where: { line.hasPrefix($0) }), let space = line.lastIndex(of: " ") else { return String(line) }
            return line[...space] + "VOLATILE"
        }
        .joined(separator: "\n")
    }

    @Test func theMetricsBodyOfTheFixedScenarioMatchesTheGoldenFiles() async throws {
        let update = ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1"
        let bodies = try await Self.scrape()
        // The scenario is only worth its files while every collector succeeds for every scope.
        let text = try #require(bodies.first { $0.file == "metrics.prom" }?.body)
        for collector in CollectorName.allCases {
            // A collector has jobs only for the kinds of scope it declares access for.
            let kinds = Set(CollectorRegistry.collector(collector).access.map(\.scope.rawValue))
            for scope in ["org=\"acme-corp\"", "org=\"acme-labs\"", "enterprise=\"acme\""]
            where kinds.contains(scope.hasPrefix("org") ? "organization" : "enterprise") {
                let line = "github_copilot_collector_success{collector=\"\(collector.rawValue)\",\(scope)} 1\n"
                #expect(text.contains(line), "\(collector) \(scope)")
            }
        }
        for (file, body) in bodies {
            let url = Self.directory.appendingPathComponent(file)
            if update { try Data(body.utf8).write(to: url) }
            let expected = try String(contentsOf: url, encoding: .utf8)
            if body != expected {
                let got = body.split(separator: "\n", omittingEmptySubsequences: false)
                let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
                let first = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, want.count)
                Issue.record(
                    """
                    \(file) differs from line \(first + 1): got \(first < got.count ? String(got[first]) : "(end)"), \
                    want \(first < want.count ? String(want[first]) : "(end)"). \
                    If the change is intended, run UPDATE_GOLDEN=1 swift test --filter GoldenMetricsTests and read the diff.
                    """
                )
            }
        }
    }
}
