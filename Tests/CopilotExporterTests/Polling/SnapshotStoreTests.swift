import Foundation
import PrometheusExposition
import Synchronization
import Testing

@testable import CopilotExporter
@testable import GitHubAPI
@testable import WebServer

extension SnapshotStore {
    /// Records a success for each job, then the intervals, in one turn of the actor, and
    /// returns what that turn ends with: no scheduled publish can run in between (it needs the
    /// actor too), so the answer does not depend on how fast the machine is.
    func recordTogether(
        _ results: [(JobKey, [MetricFamily])],
        intervals: [(JobKey, Double)] = []
    ) -> (renders: Int, stale: Bool, published: String) {
        for (key, families) in results { recordSuccess(key, families: families, duration: 0.1, at: 1) }
        for (key, seconds) in intervals { recordInterval(key, seconds: seconds) }
        return (renders, stale, String(decoding: publisher.snapshot.plain(.text), as: UTF8.self))
    }

    /// Waits, without a timed assertion, until the scheduled publish has run (or 30 s passed).
    nonisolated func waitForScheduledPublish() async {
        for _ in 0..<3_000 where await publishScheduled {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

@Suite struct SnapshotStoreTests {
    static let keys = [JobKey(.seats, .organization("a")), JobKey(.seats, .organization("b")), JobKey(.billing, .organization("a"))]

    static func seats(_ org: String, _ value: Double) -> [MetricFamily] {
        [MetricFamily(name: "github_copilot_seats", help: "Seats.", samples: [Sample(["org": org], value)])]
    }

    static func text(_ store: SnapshotStore) -> String { String(decoding: store.publisher.snapshot.plain(.text), as: UTF8.self) }

    @Test func changesThatComeTogetherArePublishedInOneRender() async {
        let store = SnapshotStore(jobs: Self.keys, version: "t")
        let during = await store.recordTogether(
            [(Self.keys[0], Self.seats("a", 1)), (Self.keys[1], Self.seats("b", 2)), (Self.keys[2], [])],
            intervals: [(Self.keys[0], 600)]
        )
        #expect(during.renders == 0, "nothing is rendered while changes are still coming")
        #expect(during.stale)
        #expect(!during.published.contains("github_copilot_seats"))
        await store.waitForScheduledPublish()
        #expect(await store.renders == 1)
        #expect(await !store.stale)
        let text = Self.text(store)
        #expect(text.contains("github_copilot_seats{org=\"a\"} 1\n"))
        #expect(text.contains("github_copilot_seats{org=\"b\"} 2\n"))
        #expect(text.contains("github_copilot_collector_interval_seconds{collector=\"seats\",org=\"a\"} 600\n"))
        #expect(store.publisher.snapshot.ready)
    }

    @Test func anImmediatePublishLeavesTheScheduledOneNothingToDo() async {
        let store = SnapshotStore(jobs: Array(Self.keys.prefix(1)), version: "t")
        _ = await store.recordTogether([(Self.keys[0], Self.seats("a", 1))])
        await store.publishIfStale()
        #expect(await store.renders == 1)
        await store.publishIfStale()
        #expect(await store.renders == 1, "nothing changed since")
        await store.waitForScheduledPublish()
        #expect(await store.renders == 1)
        #expect(Self.text(store).contains("github_copilot_seats{org=\"a\"} 1\n"))
    }

    @Test func aChangeAfterAPublishSchedulesTheNextOne() async {
        let store = SnapshotStore(jobs: Array(Self.keys.prefix(1)), version: "t")
        _ = await store.recordTogether([(Self.keys[0], Self.seats("a", 1))])
        await store.waitForScheduledPublish()
        #expect(await store.renders == 1)
        await store.recordFailure(Self.keys[0], error: "GitHub answered 502.", duration: 0.1)
        await store.waitForScheduledPublish()
        #expect(await store.renders == 2)
        let text = Self.text(store)
        #expect(text.contains("github_copilot_collector_success{collector=\"seats\",org=\"a\"} 0\n"))
        #expect(text.contains("github_copilot_seats{org=\"a\"} 1\n"), "the last good value stays")
    }

    /// Published while an attempt runs, a snapshot's gzip waits; `compressDeferred` (what the
    /// last attempt to end calls) makes it, unless a newer publish is on its way.
    @Test func aSnapshotPublishedDuringAnAttemptIsCompressedWhenAttemptsEnd() async throws {
        let store = SnapshotStore(jobs: Array(Self.keys.prefix(1)), version: "t")
        Memory.beginAttempt()  // other suites' attempts may run too: the count stays above zero
        _ = await store.recordTogether([(Self.keys[0], Self.seats("a", 1))])
        await store.publishIfStale()
        Memory.endAttempt()
        let deferred = store.publisher.snapshot
        #expect(deferred.bodies[.text]?.plain != nil)
        #expect(deferred.bodies[.text]?.isCompressed == false)
        #expect(deferred.bodies[.openMetrics]?.isCompressed == false)
        await store.waitForScheduledPublish()
        await store.compressDeferred()
        #expect(store.publisher.snapshot.bodies[.text]?.isCompressed == true)
        #expect(store.publisher.snapshot.bodies[.openMetrics]?.isCompressed == true)
        #expect(try Gzip.decompress(store.publisher.snapshot.bodies[.text]?.gzip ?? []) == store.publisher.snapshot.plain(.text))
        #expect(await !store.compressionDeferred)
    }

    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
    }

    @Test func aRepeatedSeriesIsDroppedAndLoggedOnce() async {
        let sink = Lines()
        let logger = Logger(level: .info, clock: ManualClock(now: 0), sink: { line in sink.lines.withLock { $0.append(line) } })
        let store = SnapshotStore(jobs: Array(Self.keys.prefix(1)), version: "t", logger: logger)
        let families = [
            MetricFamily(
                name: "github_copilot_seats",
                help: "Seats.",
                samples: [Sample(["org": "a"], 1), Sample(["org": "a"], 2)]
            )
        ]
        for _ in 0..<2 { await store.recordSuccess(Self.keys[0], families: families, duration: 0.1, at: 1) }
        await store.publishIfStale()
        #expect(Self.text(store).contains("github_copilot_seats{org=\"a\"} 1\n"))
        #expect(!Self.text(store).contains("github_copilot_seats{org=\"a\"} 2\n"))
        let lines = sink.lines.withLock { $0 }
        #expect(lines.count == 1, "\(lines)")
        #expect(lines.first?.contains("level=warn msg=\"Dropped a second github_copilot_seats{org=\\\"a\\\"} sample") == true)
    }
}
