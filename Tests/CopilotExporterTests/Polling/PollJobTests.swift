import Testing

@testable import CopilotExporter
@testable import GitHubAPI

@Suite struct RequestBudgetTests {
    static func key(_ collector: CollectorName, _ org: String) -> JobKey { JobKey(collector, .organization(org)) }

    @Test func cheapJobsKeepTheirIntervalAndExpensiveOnesShareWhatIsLeft() {
        let budget = RequestBudget(hourly: 2_500)
        // 100,000 seats: an organization (1,001 requests a poll) and an enterprise (~1,050).
        #expect(budget.next(Self.key(.billing, "a"), spent: 2, interval: 3600, adaptive: true) == 3600)
        #expect(budget.next(Self.key(.aiCredits, "a"), spent: 1, interval: 3600, adaptive: true) == 3600)
        // Alone beside the cheap jobs, the enterprise seats job may spend the 2,497 they leave.
        let first = budget.next(JobKey(.seats, .enterprise("e")), spent: 1_050, interval: 300, adaptive: true)
        #expect(abs(first - 1_050 * 3600 / 2_497) < 1e-9)
        let org = budget.next(Self.key(.seats, "a"), spent: 1_001, interval: 300, adaptive: true)
        // Left after the cheap jobs: 2,497 an hour, shared by the two seat jobs: 1,248.5 each.
        #expect(abs(org - 1_001 * 3600 / 1_248.5) < 1e-9)
        #expect(
            abs(budget.next(JobKey(.seats, .enterprise("e")), spent: 1_050, interval: 300, adaptive: true) - 1_050 * 3600 / 1_248.5) < 1e-9
        )
    }

    @Test func nothingStretchesWhileTheTotalFitsAndFixedIntervalsAreNeverStretched() {
        let budget = RequestBudget(hourly: 2_500)
        // 10,000 seats: 12 × (101 + 100) = 2,412 an hour.
        #expect(budget.next(Self.key(.seats, "a"), spent: 101, interval: 300, adaptive: true) == 300)
        #expect(budget.next(JobKey(.seats, .enterprise("e")), spent: 100, interval: 300, adaptive: true) == 300)
        #expect(budget.next(Self.key(.seats, "big"), spent: 5_000, interval: 60, adaptive: false) == 60)
        // The fixed job spends 300,000 an hour, more than the budget: adaptive jobs wait a day.
        #expect(budget.next(Self.key(.seats, "a"), spent: 101, interval: 300, adaptive: true) == 86_400)
    }

    @Test func allocationIsMaxMinFair() {
        let jobs: [JobKey: RequestBudget.Job] = [
            Self.key(.seats, "a"): .init(cost: 10, interval: 3600, adaptive: true),
            Self.key(.seats, "b"): .init(cost: 100, interval: 3600, adaptive: true),
            Self.key(.seats, "c"): .init(cost: 1_000, interval: 3600, adaptive: true),
            Self.key(.seats, "d"): .init(cost: 60, interval: 60, adaptive: false),
        ]
        let allowed = RequestBudget.allocate(jobs, hourly: 3_800)
        // The fixed job takes 3,600 of 3,800; the 200 left: a wants 10 and gets it, then b and c
        // share the remaining 190 equally.
        #expect(allowed[Self.key(.seats, "a")] == 10)
        #expect(allowed[Self.key(.seats, "b")] == 95)
        #expect(allowed[Self.key(.seats, "c")] == 95)
        #expect(allowed[Self.key(.seats, "d")] == nil)
    }

    @Test func defaultIntervalsAreAdaptiveAndExplicitOnesAreNot() throws {
        let all = try Configuration.parse(["--github.org=a", "--github.enterprise=e"], environment: ["GITHUB_TOKEN": "t"])
        let allJobs = ExporterApp(configuration: all, credentials: StaticToken("t"), logger: .silent).jobs()
        #expect(Set(allJobs.map(\.collector.name)) == Set(CollectorName.allCases))
        #expect(allJobs.count == 13)  // ai_usage_report has no organization job
        #expect(allJobs.allSatisfy { $0.adaptive })
        let fixed = try Configuration.parse(["--github.org=a", "--collector.seats.interval=1m"], environment: ["GITHUB_TOKEN": "t"])
        let jobs = ExporterApp(configuration: fixed, credentials: StaticToken("t"), logger: .silent).jobs()
        #expect(jobs.filter { $0.collector.name == .seats }.map(\.adaptive) == [false])
        #expect(jobs.filter { $0.collector.name == .seats }.map(\.interval) == [60])
        #expect(jobs.filter { $0.collector.name != .seats }.allSatisfy { $0.adaptive })
    }
}
