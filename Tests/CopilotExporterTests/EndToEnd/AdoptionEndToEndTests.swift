import CopilotExporter
import Foundation
import GitHubSimulator
import PrometheusExposition
import Testing

@testable import GitHubAPI

/// The adoption families and the per-user month sums against the simulator's reports: the
/// exported totals are the sums of the simulator's own per-user records, and the month filled
/// from the 28-day report equals the month read day by day.
@Suite struct AdoptionEndToEndTests {
    static let now = 1_795_176_000.0  // 2026-11-20T12:00:00Z
    static let day = "2026-11-19"

    struct Outcome {
        var values: [String: Double]
        var requests: [LoggedRequest]
        var usersRecords: [[String: Any]]
    }

    /// One poll of the demo enterprise `acme` (two organizations); also fetches the
    /// simulator's enterprise users report of `day` as raw JSON, for the test's own sums.
    static func run(faults: [FaultRule] = [], extraFlags: [String] = []) async throws -> Outcome {
        let clock = ManualClock(now: now)
        let scenario = SimulatorScenario.demo(seats: 60, now: now)
        let simulator = GitHubSimulator(scenario: scenario, clock: clock)
        try simulator.start()
        for rule in faults { simulator.inject(rule) }
        let configuration = try Configuration.parse(
            ["--github.enterprise=acme", "--github.org=acme-corp", "--github.api-url=\(simulator.baseURL)"]
                + [
                    "--no-collector.seats", "--no-collector.billing", "--no-collector.premium_requests", "--no-collector.ai_credits",
                    "--no-collector.teams",
                ]
                + extraFlags,
            environment: ["GITHUB_TOKEN": GitHubSimulator.demoToken]
        )
        let logger = Logger(level: .error, clock: clock, sink: { _ in })
        let poller = ExporterApp(
            configuration: configuration,
            credentials: StaticToken(GitHubSimulator.demoToken),
            clock: clock,
            logger: logger
        )
        .makePoller()
        await poller.runOnce()
        let text = String(decoding: poller.store.publisher.snapshot.plain(.text), as: UTF8.self)
        let requests = simulator.requests
        var records: [[String: Any]] = []
        for part in 1...2 {
            let url = simulator.baseURL + "/downloads/enterprises/acme/users-1-day/\(day)/part-\(part).ndjson?sig=SIMULATED"
            let body = try await httpGet(url).body
            for line in String(decoding: body, as: UTF8.self).split(separator: "\n") {
                records.append(try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]))
            }
        }
        await simulator.stop()
        return Outcome(values: parseExposition(text), requests: requests, usersRecords: records)
    }

    static func number(_ value: Any?) -> Double { (value as? NSNumber)?.doubleValue ?? 0 }

    @Test func exportedTotalsAreTheSumsOfTheSimulatorsPerUserRecords() async throws {
        let outcome = try await Self.run()
        let records = outcome.usersRecords
        #expect(records.count > 5, "the simulated day has users")
        let scope = "enterprise=\"acme\""
        func sum(_ field: String) -> Double { records.reduce(0) { $0 + Self.number($1[field]) } }
        let totals: [(String, String)] = [
            ("github_copilot_interactions{\(scope)}", "user_initiated_interaction_count"),
            ("github_copilot_code_generations{\(scope)}", "code_generation_activity_count"),
            ("github_copilot_code_acceptances{\(scope)}", "code_acceptance_activity_count"),
            ("github_copilot_lines_suggested{change=\"added\",\(scope)}", "loc_suggested_to_add_sum"),
            ("github_copilot_lines_suggested{change=\"deleted\",\(scope)}", "loc_suggested_to_delete_sum"),
            ("github_copilot_lines_accepted{change=\"added\",\(scope)}", "loc_added_sum"),
            ("github_copilot_lines_accepted{change=\"deleted\",\(scope)}", "loc_deleted_sum"),
        ]
        for (key, field) in totals {
            #expect(outcome.values[key] == sum(field), "\(key)")
        }
        // Per IDE and per feature: each user's breakdown entries summed.
        var byIDE: [String: Double] = [:]
        var byFeature: [String: Double] = [:]
        var versions: [String: Double] = [:]
        for record in records {
            for entry in record["totals_by_ide"] as? [[String: Any]] ?? [] {
                let ide = entry["ide"] as! String
                byIDE[ide, default: 0] += Self.number(entry["code_generation_activity_count"])
                let version = (entry["last_known_ide_version"] as! [String: Any])["ide_version"] as! String
                versions["github_copilot_users_by_ide_version{\(scope),ide=\"\(ide)\",version=\"\(version)\"}", default: 0] += 1
            }
            for entry in record["totals_by_feature"] as? [[String: Any]] ?? [] {
                byFeature[entry["feature"] as! String, default: 0] += Self.number(entry["loc_added_sum"])
            }
        }
        #expect(byIDE.count >= 2 && byFeature.count >= 2)
        for (ide, value) in byIDE { #expect(outcome.values["github_copilot_code_generations_by_ide{\(scope),ide=\"\(ide)\"}"] == value) }
        for (feature, value) in byFeature {
            #expect(outcome.values["github_copilot_lines_accepted_by_feature{change=\"added\",\(scope),feature=\"\(feature)\"}"] == value)
        }
        #expect(outcome.values.filter { $0.key.hasPrefix("github_copilot_users_by_ide_version{\(scope)") } == versions)
        // Active users and CLI: counted from the same records.
        #expect(outcome.values["github_copilot_active_users{\(scope),period=\"daily\"}"] == Double(records.count))
        let cliUsers = records.filter { $0["used_cli"] as? Bool == true }
        #expect(
            outcome.values["github_copilot_active_users_by_surface{\(scope),period=\"daily\",surface=\"cli\"}"] == Double(cliUsers.count)
        )
        let sessions = cliUsers.reduce(0) { $0 + Self.number(($1["totals_by_cli"] as? [String: Any])?["session_count"]) }
        #expect(outcome.values["github_copilot_cli_sessions{\(scope)}"] == (cliUsers.isEmpty ? nil : sessions))
        // Internal consistency the simulator promises.
        #expect(sum("code_acceptance_activity_count") <= sum("code_generation_activity_count"))
        #expect(sum("loc_added_sum") <= sum("loc_suggested_to_add_sum"))
        #expect(outcome.values["github_copilot_pull_requests{\(scope),state=\"created\"}"] != nil)
        #expect(outcome.values["github_copilot_collector_success{collector=\"usage_metrics\",\(scope)}"] == 1)
    }

    /// The month's first poll fills November 1 to 17 from one 28-day report per scope; with
    /// that report failing it reads them day by day: many more requests, the same sums.
    @Test func theTwentyEightDayFillMakesOneDownloadAndGivesTheSameMonthToDate() async throws {
        let filled = try await Self.run()
        let perDay = try await Self.run(faults: [FaultRule(.status(500), pathContains: "users-28-day/latest")])
        func dayRequests(_ outcome: Outcome) -> Int { outcome.requests.filter { $0.target.contains("/users-1-day?day=") }.count }
        func downloads(_ outcome: Outcome) -> Int {
            outcome.requests.filter { $0.target.contains("/downloads/") && $0.target.contains("users-") }.count
        }
        // Per scope: the newest day and the revision window (18, 19) against all of 1 to 19.
        #expect(dayRequests(filled) == 2 * 2)
        #expect(dayRequests(perDay) == 2 * 19)
        #expect(filled.requests.filter { $0.target.hasSuffix("/users-28-day/latest") && $0.status == 200 }.count == 2)
        #expect(downloads(filled) < downloads(perDay))
        let monthToDate = { (outcome: Outcome) in outcome.values.filter { $0.key.contains("_month_to_date{") } }
        #expect(monthToDate(filled).count > 20, "per-user month sums exist")
        #expect(monthToDate(filled) == monthToDate(perDay))
        #expect(filled.values.contains { $0.key.hasPrefix("github_copilot_user_active_days_month_to_date{") && $0.value > 5 })
    }

    @Test func perUserFamiliesFollowTheNoPerUserFlag() async throws {
        let outcome = try await Self.run(extraFlags: ["--no-metrics.per-user"])
        #expect(!outcome.values.keys.contains { $0.contains("user=\"") })
        #expect(outcome.values.keys.contains { $0.hasPrefix("github_copilot_users_by_ide_version{") })
    }
}
