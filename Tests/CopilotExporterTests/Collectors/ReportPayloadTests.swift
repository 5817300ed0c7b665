import Foundation
import Testing

@testable import CopilotExporter
@testable import GitHubAPI

@Suite struct ReportPayloadTests {
    @Test func linkExamplesDecode() throws {
        let one = try JSONDecoder().decode(ReportLinks.self, from: Data(try fixture("copilot-metrics-report-links-1-day.json")))
        #expect(one.downloadLinks.count == 2)
        #expect(one.downloadLinks.allSatisfy { $0.hasPrefix("https://") })
        let many = try JSONDecoder().decode(ReportLinks.self, from: Data(try fixture("copilot-metrics-report-links-28-day.json")))
        #expect(!many.downloadLinks.isEmpty)
    }

    @Test func usersRecordExampleGivesLoginDayAndCredits() throws {
        var records: [UserDayRecord] = []
        var splitter = LineSplitter()
        splitter.feed(try fixture("copilot-usage-metrics-users-report-record.ndjson")) { line in
            if let record = try? JSONDecoder().decode(UserDayRecord.self, from: Data(line)) { records.append(record) }
        }
        splitter.finish { line in
            if let record = try? JSONDecoder().decode(UserDayRecord.self, from: Data(line)) { records.append(record) }
        }
        #expect(records.count == 1)
        #expect(records[0].aiCreditsUsed == 12.5)
        #expect(records[0].day == "2025-10-01")
        #expect(records[0].userLogin != nil)
    }

    @Test func enterprise28DayRecordsGiveActiveUsersForTheDay() throws {
        let text = String(decoding: try fixture("copilot-usage-metrics-enterprise-28-day-report-records.ndjson"), as: UTF8.self)
        let records = try text.split(separator: "\n").map { try JSONDecoder().decode(AggregateRecord.self, from: Data($0.utf8)) }
        #expect(records.count == 2)
        let totals = try #require(records[0].totals(for: "2025-10-01"))
        #expect(totals.dailyActiveUsers == 2 && totals.weeklyActiveUsers == 2 && totals.monthlyActiveUsers == 2)
    }

    @Test func flatOneDayRecordsAreReadAsIs() throws {
        let record = try JSONDecoder().decode(
            AggregateRecord.self,
            from: Data(#"{"day":"2026-11-19","daily_active_users":5,"weekly_active_users":9,"monthly_active_users":12}"#.utf8)
        )
        #expect(
            record.totals(for: "2026-11-19")
                == AggregateRecord.DayTotals(day: "2026-11-19", dailyActiveUsers: 5, weeklyActiveUsers: 9, monthlyActiveUsers: 12)
        )
        let empty = try JSONDecoder().decode(AggregateRecord.self, from: Data(#"{"day":"2026-11-19"}"#.utf8))
        #expect(empty.totals(for: "2026-11-19") == nil)
    }
}
