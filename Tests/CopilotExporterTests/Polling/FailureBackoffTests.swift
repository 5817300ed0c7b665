import Foundation
import GitHubSimulator
import PrometheusExposition
import Testing

@testable import CopilotExporter
@testable import GitHubAPI

@Suite struct FailureBackoffTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var failures: Int
        var regular: Double
        var spent: Int
        var pollCost: Int?
        var notBefore: Double = 0
        var expected: Double
        var testDescription: String { "failure \(failures), regular \(regular), spent \(spent)/\(pollCost ?? -1) → \(expected)" }
    }

    @Test(arguments: [
        Case(failures: 1, regular: 21_600, spent: 1, pollCost: 40, expected: 60),
        Case(failures: 2, regular: 21_600, spent: 2, pollCost: 40, expected: 120),
        Case(failures: 6, regular: 21_600, spent: 6, pollCost: 40, expected: 1_800),
        Case(failures: 40, regular: 21_600, spent: 40, pollCost: 40, expected: 1_800),
        Case(failures: 3, regular: 180, spent: 3, pollCost: 40, expected: 180),
        Case(failures: 1, regular: 21_600, spent: 1, pollCost: nil, expected: 60),
        Case(failures: 4, regular: 21_600, spent: 41, pollCost: 40, expected: 21_600),
        Case(failures: 1, regular: 21_600, spent: 1, pollCost: 40, notBefore: 900, expected: 900),
        Case(failures: 5, regular: 3_600, spent: 50, pollCost: 40, notBefore: 7_200, expected: 7_200),
    ])
    func retriesBackOffWithinTheJobsInterval(_ test: Case) {
        let wait = FailureBackoff().delay(
            failures: test.failures,
            regular: test.regular,
            spentOnFailures: test.spent,
            pollCost: test.pollCost,
            notBefore: test.notBefore
        )
        #expect(wait == test.expected)
    }

    @Test func aTransientFailureOfASixHourCollectorIsRetriedAfterAMinute() async throws {
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 2))
        defer { Task { await harness.stop() } }
        let clock = ManualClock(now: 1_795_176_000)
        let job = PollJob(collector: SeatsCollector(), scope: .organization("acme"), interval: 21_600)
        let store = SnapshotStore(jobs: [job.key], version: "t")
        let context = CollectionContext(client: harness.client, clock: clock)
        let poller = Poller(jobs: [job], context: context, store: store, logger: .silent)
        harness.simulator.inject(FaultRule(.status(404), count: 1))
        let polling = Task { try await poller.poll(job, failOnCredentialProblem: false) }
        while clock.sleeps.count < 3 { try await Task.sleep(for: .milliseconds(10)) }
        polling.cancel()
        _ = try? await polling.value
        #expect(Array(clock.sleeps.prefix(3)) == [60, 21_600, 21_600])
        await store.publish()
        let values = parseExposition(String(decoding: store.publisher.snapshot.plain(.text), as: UTF8.self))
        #expect(values["github_copilot_collector_interval_seconds{collector=\"seats\",org=\"acme\"}"] == 21_600)
        #expect(values["github_copilot_collector_success{collector=\"seats\",org=\"acme\"}"] == 1)
        #expect(
            values["github_copilot_collector_failures_total{collector=\"seats\",org=\"acme\",reason=\"not_found\"}"] == 1
        )
        #expect(values["github_copilot_api_requests_total{code=\"404\",collector=\"seats\"}"] == 1)
    }
}
