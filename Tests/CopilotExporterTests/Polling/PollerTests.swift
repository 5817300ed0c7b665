import Foundation
import GitHubSimulator
import Synchronization
import Testing

@testable import CopilotExporter

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
