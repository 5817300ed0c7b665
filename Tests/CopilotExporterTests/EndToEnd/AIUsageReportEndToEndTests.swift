import CopilotExporter
import Foundation
import GitHubSimulator
import PrometheusExposition
import Synchronization
import Testing

@testable import GitHubAPI

/// The `ai_usage_report` collector against the simulator's export lifecycle, on the third
/// morning of a month, with a price exact in binary so sums compare exactly with hand figures.
@Suite struct AIUsageReportEndToEndTests {
    static let now = 1_796_277_600.0  // 2026-12-03T06:00:00Z

    /// ana: 8 credits on Dec 1 (odd day: Claude Sonnet 4.5), 12.5 on Dec 2 (GPT-5); bo: 30 on
    /// Dec 2; dee: 4 today (Dec 3); cy used 100 in November only; eve's record has no credits.
    /// At $0.25 a credit with 10 credits included a month: ana 20.5 credits, net (20.5 - 10) ×
    /// 0.25 = 2.625; bo 30, net 5; dee 4, net 0.
    static func scenario() -> SimulatorScenario {
        let days = [
            SimulatedUserDay(day: "2026-11-30", organization: "north", login: "cy", credits: 100),
            SimulatedUserDay(day: "2026-12-01", organization: "north", login: "ana", credits: 8),
            SimulatedUserDay(day: "2026-12-02", organization: "north", login: "ana", credits: 12.5),
            SimulatedUserDay(day: "2026-12-02", organization: "north", login: "bo", credits: 30),
            SimulatedUserDay(day: "2026-12-02", organization: "north", login: "eve", credits: nil),
            SimulatedUserDay(day: "2026-12-03", organization: "north", login: "dee", credits: 4),
        ]
        return SimulatorScenario(
            organizations: [SimulatedOrganization(login: "north", id: 1, seats: [])],
            enterprises: [SimulatedEnterprise(slug: "globex", organizations: ["north"])],
            reports: SimulatedReports(source: .rows(days))
        )
    }

    static let credits = "github_copilot_user_ai_credits_month_to_date"
    static let net = "github_copilot_user_ai_credits_net_amount_usd_month_to_date"
    static let expected: [String: Double] = [
        "\(credits){enterprise=\"globex\",user=\"ana\"}": 20.5, "\(net){enterprise=\"globex\",user=\"ana\"}": 2.625,
        "\(credits){enterprise=\"globex\",user=\"bo\"}": 30, "\(net){enterprise=\"globex\",user=\"bo\"}": 5,
        "\(credits){enterprise=\"globex\",user=\"dee\"}": 4, "\(net){enterprise=\"globex\",user=\"dee\"}": 0,
    ]
    static let success = "github_copilot_collector_success{collector=\"ai_usage_report\",enterprise=\"globex\"}"

    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
    }

    struct Poll {
        var values: [String: Double]
        var requests: [LoggedRequest]
    }

    /// Polls `polls` times; `beforePoll` may change the simulator or move the clock. Returns each
    /// poll's values (the `user_ai_credits` families and the success gauge) and requests, and the log.
    func run(
        polls: Int,
        extraFlags: [String] = [],
        pseudonymizer: Pseudonymizer? = nil,
        behaviour: (inout SimulatedExportBehaviour) -> Void,
        beforePoll: (Int, GitHubSimulator, ManualClock) -> Void = { _, _, _ in }
    ) async throws -> (polls: [Poll], log: [String]) {
        let clock = ManualClock(now: Self.now)
        let simulator = GitHubSimulator(scenario: Self.scenario(), clock: clock)
        simulator.setExportBehaviour {
            $0.pricePerCredit = 0.25
            $0.includedCredits = 10
            behaviour(&$0)
        }
        try simulator.start()
        let configuration = try Configuration.parse(
            [
                "--github.enterprise=globex", "--github.org=north", "--github.api-url=\(simulator.baseURL)", "--no-collector.seats",
                "--no-collector.usage_metrics", "--no-collector.billing", "--no-collector.premium_requests", "--no-collector.ai_credits",
                "--no-collector.teams",
            ] + extraFlags,
            environment: ["GITHUB_TOKEN": GitHubSimulator.demoToken]
        )
        let sink = Lines()
        let logger = Logger(level: .info, clock: clock, sink: { line in sink.lines.withLock { $0.append(line) } })
        let app = ExporterApp(
            configuration: configuration,
            credentials: StaticToken(GitHubSimulator.demoToken),
            clock: clock,
            logger: logger,
            pseudonymizer: pseudonymizer
        )
        let poller = app.makePoller()
        var results: [Poll] = []
        for poll in 0..<polls {
            beforePoll(poll, simulator, clock)
            simulator.clearLog()
            await poller.runOnce()
            let text = String(decoding: poller.store.publisher.snapshot.plain(.text), as: UTF8.self)
            let values = parseExposition(text).filter {
                $0.key.hasPrefix("github_copilot_user_ai_credits")
                    || $0.key.contains("collector=\"ai_usage_report\"")
                        && $0.key.hasPrefix("github_copilot_collector_success")
            }
            results.append(Poll(values: values, requests: simulator.requests))
        }
        await simulator.stop()
        return (results, sink.lines.withLock { $0 })
    }

    static func perUser(_ values: [String: Double]) -> [String: Double] {
        values.filter { $0.key.hasPrefix("github_copilot_user_ai_credits") }
    }

    /// `fault` on the next `count` requests for a new export (the POST alone, not the list).
    static func onPOST(_ fault: SimulatorFault, count: Int) -> FaultRule {
        FaultRule(fault, pathContains: "/settings/billing/reports", method: "POST", count: count)
    }

    static func targets(_ poll: Poll) -> [String] { poll.requests.map { "\($0.method) \($0.target.split(separator: "?")[0])" } }

    @Test func anExportStillProcessingShowsNothingThenItsExactValuesOnceCompleted() async throws {
        let (polls, log) = try await run(
            polls: 4,
            behaviour: { $0.processingChecks = 3 },
            beforePoll: { poll, _, clock in if poll == 3 { clock.advance(by: 86_400) } }
        )
        let base = "/enterprises/globex/settings/billing/reports"
        let first = "00000000-0000-4000-8000-000000000001"
        // Poll 1: nothing listed, one export asked for, three checks within the poll: still
        // processing. A success with no series: nothing is wrong, there is just nothing yet.
        #expect(Self.targets(polls[0]) == ["GET \(base)", "POST \(base)"] + Array(repeating: "GET \(base)/\(first)", count: 3))
        #expect(Self.perUser(polls[0].values).isEmpty)
        #expect(polls[0].values[Self.success] == 1)
        #expect(log.contains { $0.contains("still being prepared") }, "\(log)")
        // Poll 2: the fourth check finds it completed; the CSV is downloaded without the token.
        #expect(Self.targets(polls[1]) == ["GET \(base)/\(first)", "GET /export-downloads/\(first)/part-1.csv"])
        #expect(polls[1].requests.last?.authorization == nil)
        #expect(Self.perUser(polls[1].values) == Self.expected)
        #expect(polls[1].values[Self.success] == 1)
        // Poll 3, same day: no request at all, the same values.
        #expect(polls[2].requests.isEmpty)
        #expect(Self.perUser(polls[2].values) == Self.expected)
        // Poll 4, the next day: a new export (the second POST in two days); meanwhile the last values stay.
        #expect(Self.targets(polls[3]).filter { $0.hasPrefix("POST") } == ["POST \(base)"])
        #expect(Self.perUser(polls[3].values) == Self.expected)
        // The organization gets no job: nothing asked, no health series.
        #expect(!polls.flatMap(\.requests).contains { $0.target.contains("/orgs/") || $0.target.contains("/organizations/") })
        #expect(polls[0].values.keys.filter { $0.contains("org=\"north\"") }.isEmpty)
    }

    @Test func aFailedExportIsLoggedOnceAndANewOneIsAskedForOnTheNextAttempt() async throws {
        let (polls, log) = try await run(polls: 3, behaviour: { ($0.processingChecks, $0.failing) = (0, 1) })
        #expect(polls[0].values[Self.success] == 0)
        #expect(Self.perUser(polls[0].values).isEmpty)
        #expect(polls[1].requests.filter { $0.method == "POST" }.count == 1)
        #expect(Self.perUser(polls[1].values) == Self.expected)
        #expect(polls[1].values[Self.success] == 1)
        #expect(polls[2].requests.isEmpty)
        #expect(log.filter { $0.contains("as failed") }.count == 1, "\(log)")
        #expect(log.contains { $0.contains("00000000-0000-4000-8000-000000000001") && $0.contains("as failed") })
    }

    /// GitHub's 502 to the POST: no export was made (the simulator answers before acting). The
    /// POST is not repeated within the poll; the next poll lists the exports, finds none covering
    /// today and asks again, rather than waiting for tomorrow.
    @Test func aFailedRequestForAnExportIsAskedAgainOnTheNextPoll() async throws {
        let (polls, _) = try await run(
            polls: 2,
            behaviour: { $0.processingChecks = 0 },
            beforePoll: { poll, simulator, _ in
                if poll == 0 {
                    simulator.inject(Self.onPOST(.status(502), count: 1))
                }
            }
        )
        let base = "/enterprises/globex/settings/billing/reports"
        #expect(Self.targets(polls[0]) == ["GET \(base)", "POST \(base)"])
        #expect(polls[0].requests.last?.status == 502)
        #expect(polls[0].values[Self.success] == 0)
        #expect(Self.targets(polls[1]).prefix(2) == ["GET \(base)", "POST \(base)"])
        #expect(Self.perUser(polls[1].values) == Self.expected)
        #expect(polls[1].values[Self.success] == 1)
    }

    /// Failed requests are bounded: three a day, then none until the next UTC day, which starts
    /// the count afresh.
    @Test func failedRequestsForAnExportStopAtThreeADay() async throws {
        let (polls, log) = try await run(
            polls: 8,
            behaviour: { $0.processingChecks = 0 },
            beforePoll: { poll, simulator, clock in
                if poll == 0 {
                    simulator.inject(Self.onPOST(.status(502), count: 6))
                }
                if poll == 4 { clock.advance(by: 86_400) }
            }
        )
        let posts = polls.map { $0.requests.filter { $0.method == "POST" }.count }
        #expect(posts == [1, 1, 1, 0, 1, 1, 1, 0], "\(posts)")
        #expect(polls[3].requests.map(\.method) == ["GET"], "the fourth poll of a day only lists")
        #expect(polls[7].requests.map(\.method) == ["GET"])
        #expect(log.contains { $0.contains("asks for a new one tomorrow") }, "\(log)")
        #expect(polls.allSatisfy { $0.values[Self.success] == 0 })
    }

    /// GitHub made the export but its answer never came (the POST outlived the request timeout):
    /// the next poll finds it in the list and asks for no second one.
    @Test func anExportMadeDespiteAFailedRequestIsFoundNotAskedForTwice() async throws {
        let (polls, _) = try await run(
            polls: 2,
            extraFlags: ["--github.request-timeout=1s"],
            behaviour: { $0.processingChecks = 0 },
            beforePoll: { poll, simulator, _ in
                if poll == 0 {
                    simulator.inject(Self.onPOST(.delay(2), count: 1))
                }
                // The simulator makes the export once its delay ends, a second after the timeout.
                if poll == 1 { Thread.sleep(forTimeInterval: 1.5) }
            }
        )
        let base = "/enterprises/globex/settings/billing/reports"
        #expect(polls[0].values[Self.success] == 0)
        #expect(polls[1].requests.filter { $0.method == "POST" }.isEmpty, "\(Self.targets(polls[1]))")
        #expect(Self.targets(polls[1]).first == "GET \(base)")
        #expect(Self.perUser(polls[1].values) == Self.expected)
        #expect(polls[1].values[Self.success] == 1)
    }

    @Test func anExpiredLinkAsksForANewExportAtOnce() async throws {
        let (polls, log) = try await run(
            polls: 1,
            behaviour: { ($0.processingChecks, $0.linkLifetime) = (0, 3_600) },
            beforePoll: { _, simulator, _ in
                // Asked for at 00:10 today by someone else, completed at 00:15: its links expired at 01:15.
                simulator.seedExport(
                    enterprise: "globex",
                    reportType: "ai_credit",
                    startDate: "2026-12-01",
                    endDate: "2026-12-03",
                    createdAt: Self.now - 5.8 * 3_600,
                    completedAt: Self.now - 5.75 * 3_600
                )
            }
        )
        let downloads = polls[0].requests.filter { $0.target.hasPrefix("/export-downloads/") }
        #expect(downloads.map(\.status) == [403, 200])
        #expect(downloads.first?.target.contains("000000000001") == true)
        #expect(polls[0].requests.filter { $0.method == "POST" }.count == 1)
        #expect(Self.perUser(polls[0].values) == Self.expected)
        #expect(log.contains { $0.contains("probably expired") }, "\(log)")
    }

    @Test func perModelSeriesAreOnlyThereWithTheFlag() async throws {
        let (polls, _) = try await run(
            polls: 1,
            extraFlags: ["--collector.ai_usage_report.per-model"],
            behaviour: { $0.processingChecks = 0 }
        )
        let byModel = polls[0].values.filter { $0.key.contains("_by_model") }
        let c = Self.credits + "_by_model"
        let n = Self.net + "_by_model"
        #expect(
            byModel == [
                "\(c){enterprise=\"globex\",model=\"Claude Sonnet 4.5\",user=\"ana\"}": 8,
                "\(n){enterprise=\"globex\",model=\"Claude Sonnet 4.5\",user=\"ana\"}": 0,
                "\(c){enterprise=\"globex\",model=\"GPT-5\",user=\"ana\"}": 12.5,
                "\(n){enterprise=\"globex\",model=\"GPT-5\",user=\"ana\"}": 2.625,
                "\(c){enterprise=\"globex\",model=\"GPT-5\",user=\"bo\"}": 30,
                "\(n){enterprise=\"globex\",model=\"GPT-5\",user=\"bo\"}": 5,
                "\(c){enterprise=\"globex\",model=\"Claude Sonnet 4.5\",user=\"dee\"}": 4,
                "\(n){enterprise=\"globex\",model=\"Claude Sonnet 4.5\",user=\"dee\"}": 0,
            ]
        )
        let (plain, _) = try await run(polls: 1, behaviour: { $0.processingChecks = 0 })
        #expect(!plain[0].values.keys.contains { $0.contains("_by_model") })
        #expect(Self.perUser(plain[0].values) == Self.expected)
    }

    @Test func perUserSwitchAndPseudonymsApply() async throws {
        let (dropped, _) = try await run(polls: 1, extraFlags: ["--no-metrics.per-user"], behaviour: { $0.processingChecks = 0 })
        #expect(Self.perUser(dropped[0].values).isEmpty)
        #expect(dropped[0].values[Self.success] == 1)
        let pseudonymizer = Pseudonymizer(key: Array("test-key".utf8))
        let (hidden, _) = try await run(polls: 1, pseudonymizer: pseudonymizer, behaviour: { $0.processingChecks = 0 })
        let alias = pseudonymizer.pseudonym("bo")
        #expect(alias != "bo")
        #expect(hidden[0].values["\(Self.credits){enterprise=\"globex\",user=\"\(alias)\"}"] == 30)
        #expect(!hidden[0].values.keys.contains { $0.contains("user=\"bo\"") })
    }
}
