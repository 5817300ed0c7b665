import CopilotExporter
import Foundation
import GitHubSimulator
import PrometheusExposition
import Synchronization
import Testing

@testable import GitHubAPI

/// Every GitHub failure, end to end through the poller: the last good values stay, the health
/// families say what happened, the log says it once, the request log shows no hammering, and
/// the next poll after the fault recovers by itself.
@Suite struct FaultToleranceTests {
    enum Fault: String, CaseIterable, Sendable {
        case serverErrorBurst, hangPastTimeout, truncatedBody, malformedJSON, primaryRateLimit, secondaryRateLimit, samlSSO, revokedToken
    }

    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
    }

    @Test(arguments: Fault.allCases)
    func lastGoodValuesStayAndRecoveryIsAutomatic(fault: Fault) async throws {
        let clock = ManualClock(now: Date().timeIntervalSince1970)
        let simulator = GitHubSimulator(scenario: smallScenario(seats: 3))
        try simulator.start()
        try await withStopping(simulator) {
            let sink = Lines()
            let logger = Logger(level: .info, clock: clock, sink: { line in sink.lines.withLock { $0.append(line) } })
            let client = GitHubClient(
                baseURL: simulator.baseURL,
                transport: StandardTransport.make(timeout: 1),
                credentials: StaticToken(GitHubSimulator.demoToken),
                clock: clock,
                retry: RetryPolicy(maxAttempts: 4, baseDelay: 1, maxDelay: 30, maxInlineWait: 60)
            )
            let job = PollJob(collector: SeatsCollector(), scope: .organization("acme"), interval: 300)
            let store = SnapshotStore(jobs: [job.key], version: "t")
            let poller = Poller(jobs: [job], context: CollectionContext(client: client, clock: clock), store: store, logger: logger)
            func values() -> [String: Double] {
                parseExposition(String(decoding: store.publisher.snapshot.plain(.text), as: UTF8.self))
            }
            let seats = "github_copilot_seats{org=\"acme\"}"
            let success = "github_copilot_collector_success{collector=\"seats\",org=\"acme\"}"
            let lastSuccess = "github_copilot_collector_last_success_timestamp_seconds{collector=\"seats\",org=\"acme\"}"

            await poller.runOnce()
            let good = values()
            #expect(good[seats] == 3 && good[success] == 1)

            // The data changes while GitHub fails: the exporter must keep showing the last good 3.
            simulator.update { $0.organizations[0].seats.removeLast() }
            switch fault {
            case .serverErrorBurst: simulator.inject(FaultRule(.status(502)))
            case .hangPastTimeout: simulator.inject(FaultRule(.delay(2)))
            case .truncatedBody: simulator.inject(FaultRule(.truncatedBody))
            case .malformedJSON: simulator.inject(FaultRule(.malformedJSON))
            case .primaryRateLimit: simulator.inject(FaultRule(.primaryRateLimit(resetIn: 900), count: 1))
            case .secondaryRateLimit: simulator.inject(FaultRule(.secondaryRateLimit(retryAfter: 300)))
            case .samlSSO: simulator.inject(FaultRule(.samlSSO))
            case .revokedToken: simulator.addToken(GitHubSimulator.demoToken, SimulatedToken(kind: .classic, scopes: [], expires: 0))
            }
            simulator.clearLog()
            await poller.runOnce()
            clock.advance(by: 200)  // the next poll, before either rate limit's wait is over
            await poller.runOnce()
            let during = values()
            #expect(during[seats] == 3, "last good value kept")
            #expect(during[success] == 0)
            #expect(during[lastSuccess] == good[lastSuccess])
            let errors = sink.lines.withLock { $0.filter { $0.contains("level=error") } }
            #expect(errors.count == 1, "logged once over two failing polls: \(errors)")
            let sent = simulator.received
            switch fault {
            case .serverErrorBurst, .hangPastTimeout, .truncatedBody:
                #expect(sent == 8, "4 attempts a poll, two polls: \(sent)")
            case .malformedJSON, .samlSSO, .revokedToken:
                #expect(sent == 2, "not retried: one request a poll: \(sent)")
            case .primaryRateLimit, .secondaryRateLimit:
                #expect(sent == 1, "no request until the limit resets: \(sent)")
            }

            simulator.clearFaults()
            simulator.setRateLimit(remaining: 5000, resetIn: 3600)
            simulator.addToken(GitHubSimulator.demoToken, SimulatedToken(kind: .classic, scopes: GitHubSimulator.allScopes))
            clock.advance(by: 1000)
            await poller.runOnce()
            let after = values()
            #expect(after[seats] == 2, "the new data arrives after recovery")
            #expect(after[success] == 1)
            #expect(sink.lines.withLock { $0.last?.contains("Collection recovered.") } == true)
        }
    }
}
