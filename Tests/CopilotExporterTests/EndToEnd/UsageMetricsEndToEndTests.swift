import CopilotExporter
import Foundation
import GitHubSimulator
import PrometheusExposition
import Synchronization
import Testing

@testable import GitHubAPI

/// The usage-metrics collector against the simulator's reports, checked against values worked
/// out by hand.
@Suite struct UsageMetricsEndToEndTests {
    static let midMonth = 1_795_176_000.0  // 2026-11-20T12:00:00Z
    static let monthStart = 1_796_104_800.0  // 2026-12-01T06:00:00Z

    /// alice is in both organizations; carol's only day is in October; dave's record has no
    /// `ai_credits_used` (counted as active, not as credits).
    static let rows = [
        SimulatedUserDay(day: "2026-10-31", organization: "north", login: "carol", credits: 100),
        SimulatedUserDay(day: "2026-11-01", organization: "north", login: "alice", credits: 10),
        SimulatedUserDay(day: "2026-11-10", organization: "north", login: "dave", credits: nil),
        SimulatedUserDay(day: "2026-11-18", organization: "north", login: "alice", credits: 2.5),
        SimulatedUserDay(day: "2026-11-19", organization: "north", login: "alice", credits: 4),
        SimulatedUserDay(day: "2026-11-19", organization: "north", login: "bob", credits: 1.5),
        SimulatedUserDay(day: "2026-11-19", organization: "south", login: "alice", credits: 3),
        SimulatedUserDay(day: "2026-11-30", organization: "north", login: "bob", credits: 8),
    ]

    static func scenario(
        lag: Int = 1,
        disabled: Set<String> = [],
        extraRows: [SimulatedUserDay] = [],
        lateDays: [String: Int] = [:]
    ) -> SimulatorScenario {
        SimulatorScenario(
            organizations: [
                SimulatedOrganization(login: "north", id: 1, seats: []), SimulatedOrganization(login: "south", id: 2, seats: []),
            ],
            enterprises: [SimulatedEnterprise(slug: "globex", organizations: ["north", "south"])],
            reports: SimulatedReports(source: .rows(rows + extraRows), publicationLagDays: lag, disabled: disabled, lateDays: lateDays)
        )
    }

    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
    }

    struct Outcome {
        var values: [String: Double]
        var log: [String]
        var requests: [LoggedRequest]
        var reportsPerPoll: [[LoggedRequest]]
    }

    /// Polls `polls` times with one poller (so one report cache), moving the clock on by
    /// `advance` seconds between polls.
    func run(_ scenario: SimulatorScenario, now: Double, polls: Int = 1, advance: Double = 0) async throws -> Outcome {
        let clock = ManualClock(now: now)
        let simulator = GitHubSimulator(scenario: scenario, clock: clock)
        try simulator.start()
        let configuration = try Configuration.parse(
            [
                "--github.org=north", "--github.org=south", "--github.enterprise=globex", "--github.api-url=\(simulator.baseURL)",
                "--no-collector.seats", "--no-collector.billing", "--no-collector.premium_requests", "--no-collector.ai_credits",
                "--no-collector.teams", "--no-collector.ai_usage_report",
            ],
            environment: ["GITHUB_TOKEN": GitHubSimulator.demoToken]
        )
        let sink = Lines()
        let logger = Logger(level: .info, clock: clock, sink: { line in sink.lines.withLock { $0.append(line) } })
        let poller = ExporterApp(
            configuration: configuration,
            credentials: StaticToken(GitHubSimulator.demoToken),
            clock: clock,
            logger: logger
        )
        .makePoller()
        var perPoll: [[LoggedRequest]] = []
        for poll in 0..<polls {
            if poll > 0 { clock.advance(by: advance) }
            simulator.clearLog()
            await poller.runOnce()
            perPoll.append(simulator.requests)
        }
        let text = String(decoding: poller.store.publisher.snapshot.plain(.text), as: UTF8.self)
        await simulator.stop()
        return Outcome(
            values: parseExposition(text),
            log: sink.lines.withLock { $0 },
            requests: perPoll.flatMap { $0 },
            reportsPerPoll: perPoll
        )
    }

    static func usage(_ values: [String: Double]) -> [String: Double] {
        values.filter { key, _ in
            [
                "github_copilot_user_ai_credits_used", "github_copilot_active_users", "github_copilot_usage_report_day_timestamp_seconds",
                "github_copilot_collector_success",
            ]
            .contains { key.hasPrefix($0 + "{") || key.hasPrefix($0 + "_month_to_date{") }
        }
    }

    static func compare(_ got: [String: Double], _ expected: [String: Double]) {
        for key in Set(got.keys).union(expected.keys).sorted() where got[key] != expected[key] {
            let want = expected[key].map { "\($0)" } ?? "absent"
            let have = got[key].map { "\($0)" } ?? "absent"
            Issue.record("\(key): expected \(want), got \(have)")
        }
    }

    @Test func midMonthValuesForTwoOrganizationsAndTheirEnterprise() async throws {
        let outcome = try await run(Self.scenario(), now: Self.midMonth)
        let day = 1_795_046_400.0  // 2026-11-19
        var expected: [String: Double] = [
            "github_copilot_user_ai_credits_used{org=\"north\",user=\"alice\"}": 4,
            "github_copilot_user_ai_credits_used{org=\"north\",user=\"bob\"}": 1.5,
            "github_copilot_user_ai_credits_used{org=\"south\",user=\"alice\"}": 3,
            "github_copilot_user_ai_credits_used{enterprise=\"globex\",user=\"alice\"}": 7,
            "github_copilot_user_ai_credits_used{enterprise=\"globex\",user=\"bob\"}": 1.5,
            "github_copilot_user_ai_credits_used_month_to_date{org=\"north\",user=\"alice\"}": 16.5,
            "github_copilot_user_ai_credits_used_month_to_date{org=\"north\",user=\"bob\"}": 1.5,
            "github_copilot_user_ai_credits_used_month_to_date{org=\"south\",user=\"alice\"}": 3,
            "github_copilot_user_ai_credits_used_month_to_date{enterprise=\"globex\",user=\"alice\"}": 19.5,
            "github_copilot_user_ai_credits_used_month_to_date{enterprise=\"globex\",user=\"bob\"}": 1.5,
            "github_copilot_active_users{org=\"north\",period=\"daily\"}": 2,
            "github_copilot_active_users{org=\"north\",period=\"weekly\"}": 2,
            "github_copilot_active_users{org=\"north\",period=\"monthly\"}": 4,
            "github_copilot_active_users{org=\"south\",period=\"daily\"}": 1,
            "github_copilot_active_users{org=\"south\",period=\"weekly\"}": 1,
            "github_copilot_active_users{org=\"south\",period=\"monthly\"}": 1,
            "github_copilot_active_users{enterprise=\"globex\",period=\"daily\"}": 2,
            "github_copilot_active_users{enterprise=\"globex\",period=\"weekly\"}": 2,
            "github_copilot_active_users{enterprise=\"globex\",period=\"monthly\"}": 4,
            "github_copilot_usage_report_day_timestamp_seconds{org=\"north\",report=\"users-1-day\"}": day,
            "github_copilot_usage_report_day_timestamp_seconds{org=\"north\",report=\"organization-1-day\"}": day,
            "github_copilot_usage_report_day_timestamp_seconds{org=\"south\",report=\"users-1-day\"}": day,
            "github_copilot_usage_report_day_timestamp_seconds{org=\"south\",report=\"organization-1-day\"}": day,
            "github_copilot_usage_report_day_timestamp_seconds{enterprise=\"globex\",report=\"users-1-day\"}": day,
            "github_copilot_usage_report_day_timestamp_seconds{enterprise=\"globex\",report=\"enterprise-1-day\"}": day,
        ]
        for scope in ["org=\"north\"", "org=\"south\"", "enterprise=\"globex\""] {
            expected["github_copilot_collector_success{collector=\"usage_metrics\",\(scope)}"] = 1
        }
        Self.compare(Self.usage(outcome.values), expected)
        #expect(!outcome.log.contains { $0.contains("level=error") }, "\(outcome.log)")
    }

    @Test func reportDownloadsCarryNoTokenAndFollowEveryLink() async throws {
        let outcome = try await run(Self.scenario(), now: Self.midMonth)
        let downloads = outcome.requests.filter { $0.target.hasPrefix("/downloads/") }
        #expect(!downloads.isEmpty)
        #expect(downloads.allSatisfy { $0.authorization == nil && $0.status == 200 }, "\(downloads.map { ($0.target, $0.status) })")
        #expect(downloads.contains { $0.target.contains("/part-2.ndjson") })
        let api = outcome.requests.filter { !$0.target.hasPrefix("/downloads/") }
        #expect(api.allSatisfy { $0.authorization == "Bearer \(GitHubSimulator.demoToken)" })
    }

    @Test func anUnpublishedDayFallsBackToThePreviousOneAndSaysSo() async throws {
        let outcome = try await run(Self.scenario(lag: 2), now: Self.midMonth)
        // The newest published day is November 18.
        #expect(outcome.values["github_copilot_usage_report_day_timestamp_seconds{org=\"north\",report=\"users-1-day\"}"] == 1_794_960_000)
        #expect(outcome.values["github_copilot_user_ai_credits_used{org=\"north\",user=\"alice\"}"] == 2.5)
        #expect(outcome.values["github_copilot_user_ai_credits_used{org=\"north\",user=\"bob\"}"] == nil)
        #expect(outcome.values["github_copilot_user_ai_credits_used_month_to_date{org=\"north\",user=\"alice\"}"] == 12.5)
        let notes = outcome.log.filter { $0.contains("for 2026-11-19 is not published yet") && $0.contains("showing 2026-11-18") }
        #expect(notes.count == 3, "one per scope: \(outcome.log)")
        // Organizations answered 204 for the missing day, the enterprise 404.
        let probes = outcome.requests.filter { $0.target.contains("users-1-day?day=2026-11-19") }
        #expect(Set(probes.map(\.status)) == [204, 404])
    }

    @Test func onTheFirstOfTheMonthTheNewestDayIsLastMonthsAndMonthToDateIsEmpty() async throws {
        let outcome = try await run(Self.scenario(), now: Self.monthStart)
        #expect(outcome.values["github_copilot_user_ai_credits_used{org=\"north\",user=\"bob\"}"] == 8)
        // The newest published day is November 30.
        #expect(outcome.values["github_copilot_usage_report_day_timestamp_seconds{org=\"north\",report=\"users-1-day\"}"] == 1_795_996_800)
        #expect(!outcome.values.keys.contains { $0.hasPrefix("github_copilot_user_ai_credits_used_month_to_date") })
        #expect(outcome.values["github_copilot_collector_success{collector=\"usage_metrics\",org=\"north\"}"] == 1)
    }

    @Test func acrossTheMonthBoundaryTheCacheKeepsNothingOfTheOldMonth() async throws {
        var scenario = Self.scenario()
        scenario.reports.source = .rows(
            Self.rows + [SimulatedUserDay(day: "2026-12-01", organization: "north", login: "alice", credits: 5)]
        )
        // November 30th at noon (newest day the 29th, November's final days cached), then
        // December 2nd at noon (newest day the 1st; November's last day published only now).
        let outcome = try await run(scenario, now: 1_796_040_000, polls: 2, advance: 2 * 86_400)
        let credits = outcome.values.filter { $0.key.hasPrefix("github_copilot_user_ai_credits_used") }
        Self.compare(
            credits,
            [
                "github_copilot_user_ai_credits_used{org=\"north\",user=\"alice\"}": 5,
                "github_copilot_user_ai_credits_used{enterprise=\"globex\",user=\"alice\"}": 5,
                "github_copilot_user_ai_credits_used_month_to_date{org=\"north\",user=\"alice\"}": 5,
                "github_copilot_user_ai_credits_used_month_to_date{enterprise=\"globex\",user=\"alice\"}": 5,
            ]
        )
        #expect(outcome.values["github_copilot_usage_report_day_timestamp_seconds{org=\"north\",report=\"users-1-day\"}"] == 1_796_083_200)
    }

    @Test func finalDaysAreDownloadedOnceAndOnlyTheRevisionWindowAgain() async throws {
        let outcome = try await run(Self.scenario(), now: Self.midMonth, polls: 2)
        func days(_ requests: [LoggedRequest]) -> Set<String> {
            Set(requests.filter { $0.target.contains("/users-1-day?day=") }.map { String($0.target.suffix(10)) })
        }
        // November 1 to 17 come from the 28-day report; the revision window day by day.
        #expect(days(outcome.reportsPerPoll[0]) == ["2026-11-18", "2026-11-19"])
        #expect(outcome.reportsPerPoll[0].filter { $0.target.hasSuffix("/users-28-day/latest") }.count == 3, "once per scope")
        #expect(days(outcome.reportsPerPoll[1]) == ["2026-11-18", "2026-11-19"])
        #expect(!outcome.reportsPerPoll[1].contains { $0.target.contains("28-day") })
        #expect(outcome.values["github_copilot_user_ai_credits_used_month_to_date{enterprise=\"globex\",user=\"alice\"}"] == 19.5)
    }

    @Test func aDisabledPolicyIsAFailureThatSaysWhatToDo() async throws {
        let outcome = try await run(Self.scenario(disabled: ["org/south"]), now: Self.midMonth)
        #expect(outcome.values["github_copilot_collector_success{collector=\"usage_metrics\",org=\"south\"}"] == 0)
        #expect(outcome.values["github_copilot_collector_success{collector=\"usage_metrics\",org=\"north\"}"] == 1)
        #expect(outcome.log.contains { $0.contains("level=error") && $0.contains("Copilot usage metrics policy is probably disabled") })
    }
}

extension UsageMetricsEndToEndTests {
    /// November 12 appears three days late (on the 16th, not the 13th): by the first poll it is
    /// already older than the revision window, yet unpublished. It must be asked for again
    /// and counted once it appears, then never asked for again.
    @Test func aDayPublishedThreeDaysLateCountsOnceItAppears() async throws {
        let late = SimulatedUserDay(day: "2026-11-12", organization: "north", login: "alice", credits: 6)
        let outcome = try await run(
            Self.scenario(extraRows: [late], lateDays: ["2026-11-12": 3]),
            now: 1_794_744_000,  // 2026-11-15T12:00:00Z
            polls: 3,
            advance: 86_400
        )
        func asked(_ poll: Int) -> Bool {
            outcome.reportsPerPoll[poll].contains { $0.target.hasSuffix("/users-1-day?day=2026-11-12") && $0.status == 200 }
        }
        func askedAtAll(_ poll: Int) -> Bool {
            outcome.reportsPerPoll[poll].contains { $0.target.hasSuffix("/users-1-day?day=2026-11-12") }
        }
        #expect(askedAtAll(0) && !asked(0), "unpublished on the 15th")
        #expect(asked(1), "published on the 16th and read")
        #expect(!askedAtAll(2), "final once read")
        // alice: 10 on November 1 and 6 on November 12; her other days are after the 16th.
        #expect(outcome.values["github_copilot_user_ai_credits_used_month_to_date{org=\"north\",user=\"alice\"}"] == 16)
        #expect(outcome.values["github_copilot_user_ai_credits_used_month_to_date{enterprise=\"globex\",user=\"alice\"}"] == 16)
        #expect(outcome.values["github_copilot_user_ai_credits_used_month_to_date{org=\"south\",user=\"alice\"}"] == nil)
        #expect(outcome.log.contains { $0.contains("report for 2026-11-12 is not published yet") }, "\(outcome.log)")
    }

    @Test func beforeTheLateDayAppearsTheSumLeavesItOut() async throws {
        let late = SimulatedUserDay(day: "2026-11-12", organization: "north", login: "alice", credits: 6)
        let outcome = try await run(Self.scenario(extraRows: [late], lateDays: ["2026-11-12": 3]), now: 1_794_744_000)
        #expect(outcome.values["github_copilot_user_ai_credits_used_month_to_date{org=\"north\",user=\"alice\"}"] == 10)
    }
}
