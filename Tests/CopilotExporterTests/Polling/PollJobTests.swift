import Testing

@testable import CopilotExporter

@Suite struct PollJobTests {
    @Test func defaultIntervalsStretchToStayWithinTheHourlyBudget() {
        let job = PollJob(collector: SeatsCollector(), scope: .enterprise("e"), interval: 300, hourlyBudget: 833)
        #expect(job.nextInterval(afterSpending: 11) == 300)  // 1,000 seats: 11 requests a poll
        #expect(job.nextInterval(afterSpending: 1_050) == 1_050.0 * 3600 / 833)  // 100,000 seats: about 76 min
        let explicit = PollJob(collector: SeatsCollector(), scope: .enterprise("e"), interval: 300)
        #expect(explicit.nextInterval(afterSpending: 1_050) == 300)
    }

    @Test func budgetIsSharedAmongJobsAndExplicitIntervalsAreKept() throws {
        let onlySeats = [
            "--no-collector.billing", "--no-collector.premium_requests", "--no-collector.ai_credits", "--no-collector.usage_metrics",
        ]
        let config = try Configuration.parse(
            ["--github.org=a", "--github.org=b", "--github.enterprise=e"] + onlySeats,
            environment: ["GITHUB_TOKEN": "t"]
        )
        let jobs = ExporterApp(configuration: config, credentials: StaticToken("t"), logger: .silent).jobs()
        #expect(jobs.count == 3)
        #expect(jobs.allSatisfy { $0.hourlyBudget == 2_500.0 / 3 && $0.interval == 300 })
        let fixed = try Configuration.parse(
            ["--github.org=a", "--collector.seats.interval=1m"] + onlySeats,
            environment: ["GITHUB_TOKEN": "t"]
        )
        let fixedJobs = ExporterApp(configuration: fixed, credentials: StaticToken("t"), logger: .silent).jobs()
        #expect(fixedJobs.map(\.hourlyBudget) == [nil])
        #expect(fixedJobs.map(\.interval) == [60])
        let all = try Configuration.parse(["--github.org=a", "--github.enterprise=e"], environment: ["GITHUB_TOKEN": "t"])
        let allJobs = ExporterApp(configuration: all, credentials: StaticToken("t"), logger: .silent).jobs()
        #expect(Set(allJobs.map(\.collector.name)) == Set(CollectorName.allCases))
        #expect(allJobs.count == 10)
        #expect(allJobs.allSatisfy { $0.hourlyBudget == 2_500.0 / 10 })
    }
}
