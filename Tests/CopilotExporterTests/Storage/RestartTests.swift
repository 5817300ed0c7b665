import CopilotExporter
import Foundation
import GitHubSimulator
import PrometheusExposition
import Testing

@testable import CopilotExporter
@testable import GitHubAPI

/// `--storage.path` across a restart: two exporters (two pollers with nothing in common but
/// the storage directory, as two processes would be) against one simulator.
@Suite struct RestartTests {
    /// 2026-11-20T12:00:00Z: mid-month, so the month to date has final days to keep.
    static let now = 1_795_176_000.0

    static func poller(_ simulator: GitHubSimulator, clock: ManualClock, storage: String?) throws -> Poller {
        let configuration = try Configuration.parse(
            [
                "--github.api-url=\(simulator.baseURL)", "--github.org=acme-corp", "--github.org=acme-labs", "--github.enterprise=acme",
            ] + (storage.map { ["--storage.path=\($0)"] } ?? []),
            environment: ["GITHUB_TOKEN": GitHubSimulator.demoToken]
        )
        return ExporterApp(configuration: configuration, credentials: StaticToken(GitHubSimulator.demoToken), clock: clock, logger: .silent)
            .makePoller()
    }

    /// What the exporter says about GitHub: every family but the exporter's own traffic and
    /// timing (requests, rate limits, durations), which a second process does not repeat, and
    /// the poll intervals, which `runOnce` (the first exporter here) does not record.
    static func published(_ poller: Poller) -> [String: Double] {
        let own = [
            "github_copilot_api_", "github_copilot_collector_duration_seconds", "github_copilot_collector_failures_total",
            "github_copilot_scrape_requests_total", "github_copilot_token_expiry", "process_",
            "github_copilot_collector_interval_seconds", "github_copilot_exporter_",
        ]
        let text = String(decoding: poller.store.publisher.snapshot.plain(.text), as: UTF8.self)
        return parseExposition(text).filter { key, _ in !own.contains { key.hasPrefix($0) } }
    }

    static func downloads(_ requests: [LoggedRequest]) -> Int {
        requests.filter { $0.target.hasPrefix("/downloads/") }.count
    }

    static func scratch() -> String { NSTemporaryDirectory() + "/restart-test-\(UUID().uuidString)" }

    @Test func aRestartWithinTheIntervalAsksGitHubNothingAndPublishesTheSameValues() async throws {
        let storage = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: storage) }
        let clock = ManualClock(now: Self.now)
        let simulator = GitHubSimulator(scenario: .demo(seats: 40, now: Self.now, seed: 7), clock: clock)
        try simulator.start()
        try await withStopping(simulator) {
            let first = try Self.poller(simulator, clock: clock, storage: storage)
            await first.runOnce()
            #expect(Self.downloads(simulator.requests) > 0)
            let before = Self.published(first)
            #expect(before.keys.contains { $0.hasPrefix("github_copilot_user_active_days_month_to_date{") })
            #expect(before.keys.contains { $0.hasPrefix("github_copilot_team_members{") })
            #expect(before.keys.contains { $0.hasPrefix("github_copilot_seats_by_team{") })

            clock.advance(by: 120)
            simulator.clearLog()
            let second = try Self.poller(simulator, clock: clock, storage: storage)
            let notBefore = await second.restore(families: true)
            #expect(simulator.requests.isEmpty, "\(simulator.requests.map(\.target))")
            let after = Self.published(second)
            #expect(after.count == before.count)
            for key in Set(before.keys).union(after.keys).sorted() where before[key] != after[key] {
                Issue.record(
                    "\(key): first \(before[key].map { "\($0)" } ?? "absent"), after the restart \(after[key].map { "\($0)" } ?? "absent")"
                )
            }
            // Ready at once, and each job is next due one interval after the first process polled it.
            #expect(second.store.publisher.snapshot.ready)
            #expect(notBefore.count == second.jobs.count)
            for job in second.jobs {
                let due = try #require(notBefore[job.key])
                #expect(abs(due - (Self.now + job.interval)) < 5, "\(job.key)")
            }

            // The restored job's first attempt waits out the rest of its interval.
            let job = try #require(second.jobs.first { $0.collector.name == .usageMetrics && $0.scope == .organization("acme-corp") })
            let sleptBefore = clock.sleeps.count
            let startedAt = clock.now()
            let task = Task { try await second.poll(job, failOnCredentialProblem: true, notBefore: notBefore[job.key]) }
            let deadline = Date().addingTimeInterval(30)
            while simulator.requests.isEmpty && Date() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
            task.cancel()
            _ = try? await task.value
            let firstSleep = try #require(clock.sleeps.dropFirst(sleptBefore).first)
            #expect(abs(firstSleep - (notBefore[job.key]! - startedAt)) < 1)
        }
    }

    @Test func aRestartAfterTheIntervalDownloadsOnlyTheDaysGitHubMayStillRevise() async throws {
        let storage = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: storage) }
        let clock = ManualClock(now: Self.now)
        let simulator = GitHubSimulator(scenario: .demo(seats: 40, now: Self.now, seed: 7), clock: clock)
        try simulator.start()
        try await withStopping(simulator) {
            try await Self.poller(simulator, clock: clock, storage: storage).runOnce()
            // Seven hours on, the same UTC day: past the report collectors' six-hour interval.
            clock.advance(by: 7 * 3_600)

            simulator.clearLog()
            let restarted = try Self.poller(simulator, clock: clock, storage: storage)
            await restarted.runOnce()
            let restartedDownloads = Self.downloads(simulator.requests)

            simulator.clearLog()
            let fresh = try Self.poller(simulator, clock: clock, storage: nil)
            await fresh.runOnce()
            let freshDownloads = Self.downloads(simulator.requests)

            // A fresh start reads the month (the 28-day report, then the days it lacks); the
            // restarted one only the revision window's days.
            #expect(restartedDownloads > 0)
            #expect(restartedDownloads < freshDownloads, "restarted \(restartedDownloads), fresh \(freshDownloads)")
            let monthly = { (values: [String: Double]) in
                values.filter { $0.key.contains("_month_to_date{") || $0.key.hasPrefix("github_copilot_team_") }
            }
            let expected = monthly(Self.published(fresh))
            #expect(!expected.isEmpty)
            #expect(monthly(Self.published(restarted)) == expected)
        }
    }

    @Test func aCorruptStateFileStartsEmptyAndThePollRepairsIt() async throws {
        let storage = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: storage) }
        let clock = ManualClock(now: Self.now)
        let simulator = GitHubSimulator(scenario: .demo(seats: 40, now: Self.now, seed: 7), clock: clock)
        try simulator.start()
        try await withStopping(simulator) {
            let first = try Self.poller(simulator, clock: clock, storage: storage)
            await first.runOnce()
            let before = Self.published(first)
            let files = try FileManager.default.contentsOfDirectory(atPath: storage + "/copilot_exporter")
            #expect(files.count > 10)
            for name in files {
                let url = URL(fileURLWithPath: storage + "/copilot_exporter/" + name)
                let bytes = try Data(contentsOf: url)
                try Data(bytes.prefix(bytes.count / 2)).write(to: url)  // truncated, as by a full disk
            }
            let second = try Self.poller(simulator, clock: clock, storage: storage)
            #expect(await second.restore(families: true).isEmpty)
            #expect(!second.store.publisher.snapshot.ready)
            await second.runOnce()
            let after = Self.published(second)
            // Projections and last-success times depend on when the poll ran.
            let timed = ["github_copilot_collector_last_success", "github_billing_projected_net_amount_usd"]
            for key in before.keys where !timed.contains(where: { key.hasPrefix($0) }) {
                #expect(after[key] == before[key], "\(key)")
            }
        }
    }
}
