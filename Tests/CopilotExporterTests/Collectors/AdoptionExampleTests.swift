import Foundation
import PrometheusExposition
import Testing

@testable import CopilotExporter
@testable import GitHubAPI
@testable import WebServer

/// GitHub's documented example records, served on 127.0.0.1 as an enterprise's reports for
/// 2025-10-01, through the usage-metrics collector: every family's value is what the record's
/// fields say, per the contract's table (field → family, labels, scale).
@Suite struct AdoptionExampleTests {
    static let now = 1_759_406_400.0  // 2025-10-02T12:00:00Z
    static let day = "2025-10-01"

    static func lines(_ name: String) throws -> [String] {
        String(decoding: try fixture(name), as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Runs the collector for enterprise `ex` against a stub answering with `usersLine` and
    /// `aggregateLine` as that day's reports; returns `name{labels}` → value.
    static func collect(usersLine: String, aggregateLine: String) async throws -> (values: [String: Double], paths: [String]) {
        let base = "/enterprises/ex/copilot/metrics/reports"
        let stub = StubServer { request in
            func links(_ file: String) -> HTTPResponse {
                HTTPResponse(
                    status: 200,
                    headers: [("Content-Type", "application/json")],
                    body: Array(
                        #"{"download_links":["http://\#(request.header("host") ?? "")/files/\#(file)?sig=x"],"report_day":"\#(day)"}"#.utf8
                    )
                )
            }
            switch request.target {
            case "\(base)/users-1-day?day=\(day)": return links("users.ndjson")
            case "\(base)/enterprise-1-day?day=\(day)": return links("aggregate.ndjson")
            case let target where target.hasPrefix("/files/users.ndjson"): return HTTPResponse(status: 200, body: Array(usersLine.utf8))
            case let target where target.hasPrefix("/files/aggregate.ndjson"):
                return HTTPResponse(status: 200, body: Array(aggregateLine.utf8))
            default:
                return HTTPResponse(
                    status: 404,
                    headers: [("Content-Type", "application/json")],
                    body: Array(#"{"message":"Not Found"}"#.utf8)
                )
            }
        }
        try stub.start()
        let clock = ManualClock(now: now)
        let client = GitHubClient(
            baseURL: stub.baseURL,
            transport: StandardTransport.make(timeout: 5),
            credentials: StaticToken("token"),
            clock: clock,
            retry: RetryPolicy(maxAttempts: 1)
        )
        let families = try await UsageMetricsCollector().collect(
            .enterprise("ex"),
            context: CollectionContext(client: client, clock: clock)
        )
        await stub.stop()
        var values: [String: Double] = [:]
        for family in families {
            for sample in family.samples {
                values[family.name + "{" + sample.labels.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",") + "}"] = sample.value
            }
        }
        return (values, stub.requests.map(\.target))
    }

    /// The contract's table, applied to one aggregate day as parsed by `JSONSerialization`.
    static func expected(_ day: [String: Any]) -> [String: Double] {
        var out: [String: Double] = [:]
        func number(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }
        func put(_ name: String, _ labels: [(String, String)], _ value: Any?, scale: Double = 1) {
            guard let value = number(value) else { return }
            let all = ([("enterprise", "ex")] + labels).sorted { $0.0 < $1.0 }
            out[name + "{" + all.map { "\($0.0)=\"\($0.1)\"" }.joined(separator: ",") + "}"] = value * scale
        }
        let measures: [(String, [(String?, String)])] = [
            ("github_copilot_interactions", [(nil, "user_initiated_interaction_count")]),
            ("github_copilot_code_generations", [(nil, "code_generation_activity_count")]),
            ("github_copilot_code_acceptances", [(nil, "code_acceptance_activity_count")]),
            ("github_copilot_lines_suggested", [("added", "loc_suggested_to_add_sum"), ("deleted", "loc_suggested_to_delete_sum")]),
            ("github_copilot_lines_accepted", [("added", "loc_added_sum"), ("deleted", "loc_deleted_sum")]),
        ]
        let breakdowns: [(String, String, [String])] = [
            ("", "", []), ("_by_ide", "totals_by_ide", ["ide"]), ("_by_feature", "totals_by_feature", ["feature"]),
            ("_by_language", "totals_by_language_feature", ["language", "feature"]),
            ("_by_model", "totals_by_model_feature", ["model", "feature"]),
        ]
        for (suffix, field, labelNames) in breakdowns {
            let entries = field.isEmpty ? [day] : (day[field] as? [[String: Any]] ?? [])
            for entry in entries {
                let labels = labelNames.map { ($0, entry[$0] as! String) }
                for (name, counters) in measures {
                    for (change, key) in counters { put(name + suffix, labels + (change.map { [("change", $0)] } ?? []), entry[key]) }
                }
            }
        }
        for (key, value) in day {
            for (surface, middle) in [
                ("chat", "active_chat"), ("agent", "active_agent"), ("cli", "active_cli"), ("cloud_agent", "active_copilot_cloud_agent"),
                ("code_review_active", "active_copilot_code_review"), ("code_review_passive", "passive_copilot_code_review"),
            ] {
                for period in ["daily", "weekly", "monthly"] where key == "\(period)_\(middle)_users" {
                    put("github_copilot_active_users_by_surface", [("period", period), ("surface", surface)], value)
                }
            }
        }
        for period in ["daily", "weekly", "monthly"] {
            put("github_copilot_active_users", [("period", period)], day["\(period)_active_users"])
        }
        let pulls = day["pull_requests"] as? [String: Any] ?? [:]
        for (state, field) in [("created", "total_created"), ("reviewed", "total_reviewed"), ("merged", "total_merged")] {
            put("github_copilot_pull_requests", [("state", state)], pulls[field])
        }
        for (state, role, field) in [
            ("created", "author", "total_created_by_copilot"), ("reviewed", "reviewer", "total_reviewed_by_copilot"),
            ("merged", "author", "total_merged_created_by_copilot"), ("merged", "reviewer", "total_merged_reviewed_by_copilot"),
        ] {
            put("github_copilot_pull_requests_with_copilot", [("role", role), ("state", state)], pulls[field])
        }
        for (copilot, field) in [
            ("none", "median_minutes_to_merge"), ("author", "median_minutes_to_merge_copilot_authored"),
            ("reviewer", "median_minutes_to_merge_copilot_reviewed"),
        ] {
            put("github_copilot_pull_request_median_time_to_merge_seconds", [("copilot", copilot)], pulls[field], scale: 60)
        }
        put("github_copilot_review_suggestions", [("source", "all")], pulls["total_suggestions"])
        put("github_copilot_review_suggestions", [("source", "copilot")], pulls["total_copilot_suggestions"])
        put("github_copilot_review_suggestions_applied", [("source", "all")], pulls["total_applied_suggestions"])
        put("github_copilot_review_suggestions_applied", [("source", "copilot")], pulls["total_copilot_applied_suggestions"])
        for entry in pulls["copilot_suggestions_by_comment_type"] as? [[String: Any]] ?? [] {
            let type = entry["comment_type"] as! String
            put("github_copilot_review_suggestions_by_comment_type", [("comment_type", type)], entry["total_copilot_suggestions"])
            put(
                "github_copilot_review_suggestions_applied_by_comment_type",
                [("comment_type", type)],
                entry["total_copilot_applied_suggestions"]
            )
        }
        if let cli = day["totals_by_cli"] as? [String: Any] {
            put("github_copilot_cli_sessions", [], cli["session_count"])
            put("github_copilot_cli_requests", [], cli["request_count"])
            put("github_copilot_cli_prompts", [], cli["prompt_count"])
            let tokens = cli["token_usage"] as? [String: Any] ?? [:]
            put("github_copilot_cli_tokens", [("kind", "prompt")], tokens["prompt_tokens_sum"])
            put("github_copilot_cli_tokens", [("kind", "output")], tokens["output_tokens_sum"])
        }
        return out
    }

    static let adoptionPrefixes = [
        "github_copilot_interactions", "github_copilot_code_", "github_copilot_lines_", "github_copilot_active_users",
        "github_copilot_pull_request", "github_copilot_review_", "github_copilot_cli_",
    ]

    @Test(arguments: [0, 1])
    func documentedEnterpriseRecordGivesExactlyTheFamiliesItsFieldsImply(record: Int) async throws {
        let line = try Self.lines("copilot-usage-metrics-enterprise-28-day-report-records.ndjson")[record]
        let users = try Self.lines("copilot-usage-metrics-users-report-record.ndjson")[0]
        let outcome = try await Self.collect(usersLine: users, aggregateLine: line)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let dayTotals = try #require((parsed["day_totals"] as? [[String: Any]])?.first)
        let expected = Self.expected(dayTotals)
        let got = outcome.values.filter { key, _ in Self.adoptionPrefixes.contains { key.hasPrefix($0) } }
        #expect(expected.count > 30, "the table finds the record's fields")
        for key in Set(got.keys).union(expected.keys).sorted() where got[key] != expected[key] {
            Issue.record("\(key): expected \(expected[key].map { "\($0)" } ?? "absent"), got \(got[key].map { "\($0)" } ?? "absent")")
        }
    }

    /// A few of the values worked out by hand from the first record, as a reader would.
    @Test func theFirstRecordByHand() async throws {
        let lines = try Self.lines("copilot-usage-metrics-enterprise-28-day-report-records.ndjson")
        let users = try Self.lines("copilot-usage-metrics-users-report-record.ndjson")[0]
        let first = try await Self.collect(usersLine: users, aggregateLine: lines[0]).values
        #expect(first["github_copilot_pull_request_median_time_to_merge_seconds{copilot=\"author\",enterprise=\"ex\"}"] == 150)
        #expect(
            first[
                "github_copilot_lines_suggested_by_language{change=\"added\",enterprise=\"ex\",feature=\"code_completion\",language=\"unknown\"}"
            ] == 35
        )
        #expect(first["github_copilot_active_users_by_surface{enterprise=\"ex\",period=\"daily\",surface=\"cli\"}"] == 2)
        #expect(first["github_copilot_cli_tokens{enterprise=\"ex\",kind=\"output\"}"] == 7000)
        #expect(
            first["github_copilot_interactions_by_language{enterprise=\"ex\",feature=\"code_completion\",language=\"unknown\"}"] == nil,
            "not in the language breakdown"
        )
        // The second record has no totals_by_cli, no daily_active_cli_users and no medians.
        let second = try await Self.collect(usersLine: users, aggregateLine: lines[1]).values
        #expect(!second.keys.contains { $0.hasPrefix("github_copilot_cli_") || $0.hasPrefix("github_copilot_pull_request_median") })
        #expect(!second.keys.contains { $0.contains("surface=\"cli\"") })
        #expect(
            second["github_copilot_pull_requests_with_copilot{enterprise=\"ex\",role=\"author\",state=\"created\"}"] == 0,
            "a reported 0 is kept"
        )
    }

    /// The users example: `ai_credits_used` 12.5, interactions 0, active (generations and
    /// `used_cli`), vscode 1.85.0, and an empty plugin (no series).
    @Test func documentedUsersRecordGivesItsPerUserAndVersionFamilies() async throws {
        let users = try Self.lines("copilot-usage-metrics-users-report-record.ndjson")[0]
        let aggregate = try Self.lines("copilot-usage-metrics-enterprise-28-day-report-records.ndjson")[0]
        let values = try await Self.collect(usersLine: users, aggregateLine: aggregate).values
        let record = try #require(try JSONSerialization.jsonObject(with: Data(users.utf8)) as? [String: Any])
        let login = try #require(record["user_login"] as? String)
        let ide = try #require((record["totals_by_ide"] as? [[String: Any]])?.first)
        let version = try #require((ide["last_known_ide_version"] as? [String: Any])?["ide_version"] as? String)
        let perUser: [String: Double] = [
            "github_copilot_user_ai_credits_used{enterprise=\"ex\",user=\"\(login)\"}": (record["ai_credits_used"] as! NSNumber)
                .doubleValue,
            "github_copilot_user_ai_credits_used_month_to_date{enterprise=\"ex\",user=\"\(login)\"}":
                (record["ai_credits_used"] as! NSNumber).doubleValue,
            "github_copilot_user_interactions_month_to_date{enterprise=\"ex\",user=\"\(login)\"}":
                (record["user_initiated_interaction_count"] as! NSNumber).doubleValue,
            "github_copilot_user_active_days_month_to_date{enterprise=\"ex\",user=\"\(login)\"}": 1,
            "github_copilot_users_by_ide_version{enterprise=\"ex\",ide=\"\(ide["ide"] as! String)\",version=\"\(version)\"}": 1,
        ]
        let got = values.filter { $0.key.hasPrefix("github_copilot_user") }
        #expect(got == perUser)
        #expect(perUser["github_copilot_users_by_ide_version{enterprise=\"ex\",ide=\"vscode\",version=\"1.85.0\"}"] == 1)
    }
}
