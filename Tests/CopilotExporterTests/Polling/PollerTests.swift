import Foundation
import GitHubSimulator
import PrometheusExposition
import Synchronization
import Testing

@testable import CopilotExporter
@testable import GitHubAPI
@testable import WebServer

@Suite struct PollerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
    }

    @Test func aRepeatedFailureIsLoggedOnceAndItsRecoveryOnce() async throws {
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 2))
        try await withStopping(harness) {
            let sink = Lines()
            let logger = Logger(level: .info, clock: harness.clock, sink: { line in sink.lines.withLock { $0.append(line) } })
            let job = PollJob(collector: SeatsCollector(), scope: .organization("acme"), interval: 300)
            let store = SnapshotStore(jobs: [job.key], version: "t")
            let poller = Poller(
                jobs: [job],
                context: CollectionContext(client: harness.client, clock: harness.clock),
                store: store,
                logger: logger
            )
            harness.simulator.inject(FaultRule(.status(404), count: 2))
            await poller.runOnce()
            await poller.runOnce()
            #expect(await store.isReady)
            #expect(await store.failures().count == 1)
            await poller.runOnce()
            #expect(await store.failures().isEmpty)
            let lines = sink.lines.withLock { $0 }
            #expect(lines.count == 2, "\(lines)")
            #expect(lines.first?.contains("level=error msg=\"GitHub answered 404 for GET /orgs/acme/copilot/billing") == true)
            #expect(lines.last?.contains("msg=\"Collection recovered.\" collector=seats org=acme") == true)
        }
    }

    @Test func readinessWaitsForEveryJob() async throws {
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 2))
        try await withStopping(harness) {
            let jobs = [
                PollJob(collector: SeatsCollector(), scope: .organization("acme"), interval: 300),
                PollJob(collector: SeatsCollector(), scope: .enterprise("ent"), interval: 300),
            ]
            let store = SnapshotStore(jobs: jobs.map(\.key), version: "t")
            #expect(!store.publisher.snapshot.ready)
            let first = Poller(
                jobs: [jobs[0]],
                context: CollectionContext(client: harness.client, clock: harness.clock),
                store: store,
                logger: .silent
            )
            await first.runOnce()
            #expect(!store.publisher.snapshot.ready)
            let both = Poller(
                jobs: jobs,
                context: CollectionContext(client: harness.client, clock: harness.clock),
                store: store,
                logger: .silent
            )
            await both.runOnce()
            #expect(store.publisher.snapshot.ready)
        }
    }
}

@Suite struct TokenExpiryWarningTests {
    @Test func warnsOnceADayFromFourteenDaysBeforeExpiry() async {
        let store = SnapshotStore(jobs: [], version: "t")
        let now = 1_795_176_000.0
        #expect(await store.tokenExpiryWarning(now: now) == nil)
        await store.observe(APIObservation(code: "200", tokenExpiry: now + 20 * 86_400))
        #expect(await store.tokenExpiryWarning(now: now) == nil)
        await store.observe(APIObservation(code: "200", tokenExpiry: now + 10 * 86_400))
        let warning = await store.tokenExpiryWarning(now: now)
        #expect(warning?.contains("(in 10 days)") == true)
        #expect(await store.tokenExpiryWarning(now: now + 3600) == nil)
        #expect(await store.tokenExpiryWarning(now: now + 86_400) != nil)
    }
}

@Suite struct NoticeMemoryTests {
    @Test func noticesAreLoggedOnceAndTheirMemoryIsBounded() async {
        let key = JobKey(.usageMetrics, .organization("acme"))
        let store = SnapshotStore(jobs: [key], version: "t")
        #expect(await store.recordNotices(key, ["a", "b", "a"]) == ["a", "b"])
        #expect(await store.recordNotices(key, ["a", "c"]) == ["c"])
        for index in 0..<1000 { _ = await store.recordNotices(key, ["skipped \(index) lines"]) }
        #expect(await store.noticesSeen[key]?.count == SnapshotStore.noticesKept)
    }
}

/// The poller spaces a job's polls by what the request budget allows, measured on its real
/// requests: a stub GitHub answers at once, and a clock records each wait instead of sleeping.
@Suite struct PollerBudgetTests {
    /// Spends `requests` GitHub requests a poll.
    struct SpendingCollector: Collector {
        let name = CollectorName.seats
        let requests: Int
        let defaultInterval = 300.0
        let summary = "a stub that spends requests"
        let intervalReason = "a test"
        var requestsPerPoll: String { String(requests) }
        let access: [CollectorAccess] = []

        func probe(_ scope: Scope, context: ProbeContext) async -> CollectorProbe { CollectorProbe() }

        func collect(_ scope: Scope, context: CollectionContext) async throws -> [MetricFamily] {
            for page in 1...requests {
                _ = try await context.client.get("/orgs/acme/copilot/billing/seats", query: [("page", String(page))])
            }
            return [MetricFamily(name: "github_copilot_seats", help: "Seats.", samples: [Sample(["org": "acme"], 1)])]
        }
    }

    /// Records each wait and returns at once, `limit` times; the next wait tells `reached` and
    /// parks until its task is cancelled, so the poller under test stops there instead of
    /// spinning (a spinning poller would hold one of the few threads every test shares).
    final class StoppingClock: WallClock, Sendable {
        let state: Mutex<(now: Double, sleeps: [Double])>
        let limit: Int
        let reached: AsyncStream<Void>.Continuation

        init(now: Double, limit: Int, reached: AsyncStream<Void>.Continuation) {
            state = Mutex((now, []))
            self.limit = limit
            self.reached = reached
        }

        func now() -> Double { state.withLock { $0.now } }

        var sleeps: [Double] { state.withLock { $0.sleeps } }

        func sleep(seconds: Double) async throws {
            try Task.checkCancellation()
            let count = state.withLock { state in
                guard state.sleeps.count < limit else { return state.sleeps.count }
                state.sleeps.append(seconds)
                state.now += seconds
                return state.sleeps.count - 1
            }
            guard count >= limit else { return }
            reached.yield()
            try await Task.sleep(for: .seconds(86_400))  // until the test cancels the poller
        }
    }

    struct Outcome {
        var sleeps: [Double]
        var log: [String]
        var exposition: String
    }

    /// Runs one job of 50 requests a poll every 300 s under a budget of 100 requests an hour
    /// for three waits, then cancels the poller and waits for it to end.
    func pollThreeTimes(adaptive: Bool) async throws -> Outcome {
        let (reached, continuation) = AsyncStream<Void>.makeStream()
        let clock = StoppingClock(now: 1_795_176_000, limit: 3, reached: continuation)
        let client = GitHubClient(
            baseURL: "https://api.github.com",
            transport: StubTransport { _ in TransportResponse(status: 200, body: Array("{}".utf8)) },
            credentials: StaticToken("t"),
            clock: clock
        )
        let job = PollJob(collector: SpendingCollector(requests: 50), scope: .organization("acme"), interval: 300, adaptive: adaptive)
        let store = SnapshotStore(jobs: [job.key], version: "t")
        let sink = PollerTests.Lines()
        let poller = Poller(
            jobs: [job],
            context: CollectionContext(client: client, clock: clock),
            store: store,
            logger: Logger(level: .info, clock: clock, sink: { line in sink.lines.withLock { $0.append(line) } }),
            budget: RequestBudget(hourly: 100)
        )
        let running = Task { try await poller.run(failOnCredentialProblem: false) }
        for await _ in reached { break }
        running.cancel()
        _ = await running.result
        await store.publishIfStale()
        return Outcome(
            sleeps: clock.sleeps,
            log: sink.lines.withLock { $0 },
            exposition: String(decoding: store.publisher.snapshot.plain(.text), as: UTF8.self)
        )
    }

    @Test func aDefaultIntervalStretchesToFitTheHourlyBudgetAndSaysSoOnce() async throws {
        let outcome = try await pollThreeTimes(adaptive: true)
        // 50 requests every 300 s is 600 an hour; 100 are allowed: one poll every 1,800 s.
        #expect(outcome.sleeps == [1_800, 1_800, 1_800])
        #expect(outcome.exposition.contains("github_copilot_collector_interval_seconds{collector=\"seats\",org=\"acme\"} 1800\n"))
        let stretched = outcome.log.filter { $0.contains("Polling less often to stay within the hourly request budget.") }
        #expect(stretched.count == 1, "\(outcome.log)")
        #expect(stretched.first?.contains("requests_per_poll=50 interval_seconds=1800") == true)
    }

    @Test func anIntervalTheUserSetIsKeptEvenOverBudget() async throws {
        let outcome = try await pollThreeTimes(adaptive: false)
        #expect(outcome.sleeps == [300, 300, 300])
        #expect(outcome.exposition.contains("github_copilot_collector_interval_seconds{collector=\"seats\",org=\"acme\"} 300\n"))
        #expect(!outcome.log.contains { $0.contains("Polling less often") })
    }
}
