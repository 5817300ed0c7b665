import CopilotExporter
import Foundation
import GitHubSimulator
import PrometheusExposition
import Testing

@testable import GitHubAPI

/// `copilot_exporter backfill`: its flags, its files, and exact month-to-date billing per past
/// day against the simulator.
@Suite struct BackfillTests {
    static let today = Int(RFC3339.parse("2026-12-02T06:00:00Z")! / 86_400)

    @Test(arguments: [
        (["backfill"], "needs --from"),
        (["backfill", "--from=2026-13-01"], "is not a date"),
        (["backfill", "--from=2026-02-30"], "is not a date"),
        (["backfill", "--from=yesterday"], "is not a date"),
        (["backfill", "--from=2026-11-20", "--to=2026-11-10"], "is after --to"),
        (["backfill", "--from=2026-11-20", "--to=2026-12-02"], "is not past yet"),
        (["backfill", "--from=2025-11-01"], "more than a year back"),
        (["backfill", "--from"], "needs a value"),
    ])
    func badDaysAreOneSentence(_ arguments: [String], _ expected: String) {
        #expect {
            _ = try BackfillOptions.parse(arguments, today: Self.today)
        } throws: { error in
            let text = "\(error)"
            return text.contains(expected) && text.filter { $0 == "\n" }.isEmpty
        }
    }

    @Test func daysDefaultToYesterdayAndOtherFlagsAreLeftForTheServer() throws {
        let (options, rest) = try BackfillOptions.parse(
            ["backfill", "--from", "2026-11-30", "--github.org=north", "--output=/tmp/x"],
            today: Self.today
        )
        #expect(RFC3339.day(Double(options.from) * 86_400) == "2026-11-30")
        #expect(RFC3339.day(Double(options.to) * 86_400) == "2026-12-01")
        #expect(options.output == "/tmp/x")
        #expect(rest == ["--github.org=north"])
    }

    @Test func theDayFileIsOneOpenMetricsDocumentWithEverySampleStamped() {
        let families = [
            MetricFamily(name: "b_family", help: "B.", samples: [Sample(["org": "x"], 2), Sample(["org": "y"], 3)]),
            MetricFamily(name: "a_family", help: "A, with a\nbreak.", samples: [Sample(["user": "line\nbreak"], 1)]),
            MetricFamily(name: "b_family", help: "B.", samples: [Sample(["org": "z"], 4)]),
        ]
        let text = String(decoding: BackfillCommand.openMetrics(families, timestamp: 1_795_996_800), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(lines.last == "# EOF")
        #expect(text.hasSuffix("# EOF\n"))
        let samples = lines.filter { !$0.hasPrefix("#") }
        #expect(samples.count == 4)
        #expect(samples.allSatisfy { $0.hasSuffix(" 1795996800") })
        // Each family once, its samples together.
        var seen: [String] = []
        for line in samples {
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            if seen.last != name {
                #expect(!seen.contains(name))
                seen.append(name)
            }
        }
        #expect(lines.filter { $0.hasPrefix("# TYPE b_family ") }.count == 1)
    }

    /// Billing for north on 2026-11-30 and 2026-12-01, seen from 2026-12-02: each day's file
    /// holds the month to date as of that day (November's rows do not count in December).
    @Test func billingIsTheMonthToDateOfEachPastDayAndARunResumes() async throws {
        let scenario = BillingEndToEndTests.scenario()
        let clock = ManualClock(now: RFC3339.parse("2026-12-02T06:00:00Z")!)
        let simulator = GitHubSimulator(scenario: scenario, clock: clock)
        try simulator.start()
        let output = NSTemporaryDirectory() + "backfill-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let (options, rest) = try BackfillOptions.parse(
            [
                "backfill", "--from=2026-11-30", "--output=\(output)", "--github.org=north", "--github.api-url=\(simulator.baseURL)",
                "--no-collector.seats", "--no-collector.usage_metrics", "--no-collector.teams", "--no-collector.ai_usage_report",
            ],
            today: Self.today
        )
        let configuration = try Configuration.parse(rest, environment: ["GITHUB_TOKEN": GitHubSimulator.demoToken])
        let command = BackfillCommand(
            configuration: configuration,
            options: options,
            credentials: StaticToken(GitHubSimulator.demoToken),
            transport: StandardTransport.make(timeout: 10)
        )
        let first = await command.run()
        #expect(first == .completed(written: 2, skipped: 0))
        for day in ["2026-11-30", "2026-12-01"] {
            let text = try String(contentsOfFile: output + "/\(day).om", encoding: .utf8)
            let stamp = " " + String(Int(RFC3339.parse(day + "T00:00:00Z")!))
            var expected: [String: Double] = [:]
            for row in scenario.billing.usage where row.organization == "north" && row.day.prefix(7) == day.prefix(7) && row.day <= day {
                expected[row.sku, default: 0] += row.netAmount
            }
            #expect(!expected.isEmpty)
            var found: [String: Double] = [:]
            for line in text.split(separator: "\n") where line.hasPrefix("github_billing_net_amount_usd{") {
                #expect(line.hasSuffix(stamp))
                let sku = line.split(separator: "sku=\"")[1].prefix { $0 != "\"" }
                found[String(sku)] = Double(line.split(separator: " ").dropLast().last!)
            }
            #expect(found == expected, "\(day)")
            #expect(!text.contains("github_billing_projected_net_amount_usd"))
            #expect(!text.contains("github_billing_budget_amount_usd"))
            #expect(!text.contains("github_copilot_collector_"))
        }
        // Every billing request asked for one day; November's days 1 to 29 were asked for (not
        // written) to make the month to date, each once.
        let billing = simulator.requests.map(\.target).filter { $0.contains("/settings/billing/usage") }
        #expect(billing.allSatisfy { $0.contains("day=") })
        #expect(billing.filter { $0.contains("month=11") }.count == 30)
        let again = await command.run()
        #expect(again == .completed(written: 0, skipped: 2))
        try FileManager.default.removeItem(atPath: output + "/2026-12-01.om")
        let resumed = await command.run()
        #expect(resumed == .completed(written: 1, skipped: 1))
        #expect(FileManager.default.fileExists(atPath: output + "/2026-12-01.om"))
        await simulator.stop()
    }
}
