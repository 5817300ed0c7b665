import CopilotExporter
import Foundation
import GitHubSimulator
import PrometheusExposition
import Testing

@testable import GitHubAPI

/// The teams collector against the simulator's user-teams and users reports, checked against
/// values worked out by hand (members, active users, credits) or joined here from the
/// simulator's own users report read with `JSONSerialization` (interactions, acceptances).
@Suite struct TeamsEndToEndTests {
    static let midMonth = 1_795_176_000.0  // 2026-11-20T12:00:00Z: newest day 2026-11-19
    static let october = 1_791_000_000.0  // 2026-10-03: every seat exists before November

    /// north: `alpha` (a1-a5 by their seats, zed by his seat and dora, seated directly, as an
    /// extra member: 7), `beta` (b1-b4 and zed as an extra member: 5), `tiny` (t1-t3: under
    /// GitHub's threshold, absent). south: `alpha` s1-s3 (3: absent from south's report, but
    /// 10 with north's at the enterprise).
    static func scenario() -> SimulatorScenario {
        func seats(_ org: String, _ team: String?, _ logins: [String]) -> [SimulatedSeat] {
            logins.map { login in
                // Every login its own id, as on GitHub.
                SimulatedSeat(
                    login: login,
                    userID: 500 + everyone.firstIndex(of: login)!,
                    organization: org,
                    createdAt: october,
                    assigningTeam: team
                )
            }
        }
        let north =
            seats("north", "alpha", ["a1", "a2", "a3", "a4", "a5", "zed"]) + seats("north", "beta", ["b1", "b2", "b3", "b4"])
            + seats("north", "tiny", ["t1", "t2", "t3"]) + seats("north", nil, ["dora", "solo"])
        var scenario = SimulatorScenario(
            organizations: [
                SimulatedOrganization(login: "north", id: 1, seats: north),
                SimulatedOrganization(login: "south", id: 2, seats: seats("south", "alpha", ["s1", "s2", "s3"])),
            ],
            enterprises: [SimulatedEnterprise(slug: "globex", organizations: ["north", "south"])],
            reports: SimulatedReports(
                source: .rows([
                    SimulatedUserDay(day: "2026-10-31", organization: "north", login: "a1", credits: 100),
                    SimulatedUserDay(day: "2026-11-01", organization: "north", login: "b2", credits: 1),
                    SimulatedUserDay(day: "2026-11-10", organization: "north", login: "zed", credits: 7),
                    SimulatedUserDay(day: "2026-11-19", organization: "north", login: "a1", credits: 2),
                    SimulatedUserDay(day: "2026-11-19", organization: "north", login: "a2", credits: nil),
                    SimulatedUserDay(day: "2026-11-19", organization: "north", login: "zed", credits: 3),
                    SimulatedUserDay(day: "2026-11-19", organization: "north", login: "dora", credits: 1.5),
                    SimulatedUserDay(day: "2026-11-19", organization: "north", login: "b1", credits: 4),
                    SimulatedUserDay(day: "2026-11-19", organization: "north", login: "t1", credits: 10),
                    SimulatedUserDay(day: "2026-11-19", organization: "north", login: "solo", credits: 20),
                    SimulatedUserDay(day: "2026-11-19", organization: "south", login: "s1", credits: 5),
                ]),
                parts: 3
            )
        )
        scenario.teams = SimulatedTeams(extra: .members(["zed": ["beta"], "dora": ["alpha"]]))
        return scenario
    }

    static let everyone = alpha + beta + ["t1", "t2", "t3", "solo", "s1", "s2", "s3"]
    static let alpha = ["a1", "a2", "a3", "a4", "a5", "zed", "dora"]
    static let beta = ["b1", "b2", "b3", "b4", "zed"]

    /// Polls once and returns the team series (and the teams collector's health).
    func run(
        _ scenario: SimulatorScenario,
        flags: [String] = [],
        pseudonymizer: Pseudonymizer? = nil
    ) async throws -> (
        values: [String: Double], text: String, baseURL: String, simulator: GitHubSimulator
    ) {
        let clock = ManualClock(now: Self.midMonth)
        let simulator = GitHubSimulator(scenario: scenario, clock: clock)
        try simulator.start()
        let configuration = try Configuration.parse(
            ["--github.org=north", "--github.org=south", "--github.enterprise=globex", "--github.api-url=\(simulator.baseURL)"]
                + ["--no-collector.seats", "--no-collector.billing", "--no-collector.premium_requests", "--no-collector.ai_credits"]
                + flags,
            environment: ["GITHUB_TOKEN": GitHubSimulator.demoToken]
        )
        let poller = ExporterApp(
            configuration: configuration,
            credentials: StaticToken(GitHubSimulator.demoToken),
            clock: clock,
            logger: .silent,
            pseudonymizer: pseudonymizer
        )
        .makePoller()
        await poller.runOnce()
        let text = String(decoding: poller.store.publisher.snapshot.plain(.text), as: UTF8.self)
        return (parseExposition(text), text, simulator.baseURL, simulator)
    }

    static func teams(_ values: [String: Double]) -> [String: Double] {
        values.filter {
            $0.key.hasPrefix("github_copilot_team_") || $0.key.hasPrefix("github_copilot_collector_success{collector=\"teams\"")
        }
    }

    /// Per-login `[field: value]` of one day's users report, read straight from the simulator.
    static func usersReport(_ baseURL: String, scope: String, day: String) async throws -> [String: [String: Any]] {
        let auth = ["Authorization": "Bearer " + GitHubSimulator.demoToken]
        let answer = try await httpGet("\(baseURL)/\(scope)/copilot/metrics/reports/users-1-day?day=\(day)", headers: auth)
        let links = try #require(JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])["download_links"] as? [String]
        var out: [String: [String: Any]] = [:]
        for link in try #require(links) {
            let body = try await httpGet(link).body
            for line in String(decoding: body, as: UTF8.self).split(separator: "\n") {
                let record = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                out[try #require(record["user_login"] as? String)] = record
            }
        }
        return out
    }

    static func sum(_ report: [String: [String: Any]], _ members: [String], _ field: String) -> Double {
        members.compactMap { report[$0]?[field] as? Double }.reduce(0, +)
    }

    @Test func exactValuesForTwoOrganizationsAndTheirEnterprise() async throws {
        let (values, _, baseURL, simulator) = try await run(Self.scenario())
        let north = try await Self.usersReport(baseURL, scope: "orgs/north", day: "2026-11-19")
        let globex = try await Self.usersReport(baseURL, scope: "enterprises/globex", day: "2026-11-19")
        await simulator.stop()
        #expect(north.count == 7 && globex.count == 8)  // the rows of 2026-11-19
        let alphaAtGlobex = Self.alpha + ["s1", "s2", "s3"]
        var expected: [String: Double] = [
            "github_copilot_collector_success{collector=\"teams\",org=\"north\"}": 1,
            "github_copilot_collector_success{collector=\"teams\",org=\"south\"}": 1,
            "github_copilot_collector_success{collector=\"teams\",enterprise=\"globex\"}": 1,
            // zed is in alpha and beta: counted in both. tiny (3) is absent; so is south's alpha (3).
            "github_copilot_team_members{org=\"north\",team=\"alpha\"}": 7,
            "github_copilot_team_members{org=\"north\",team=\"beta\"}": 5,
            "github_copilot_team_active_users{org=\"north\",team=\"alpha\"}": 4,  // a1, a2 (no credits field), zed, dora
            "github_copilot_team_active_users{org=\"north\",team=\"beta\"}": 2,  // zed, b1
            "github_copilot_team_ai_credits_used{org=\"north\",team=\"alpha\"}": 6.5,  // 2 + 3 + 1.5
            "github_copilot_team_ai_credits_used{org=\"north\",team=\"beta\"}": 7,  // 3 + 4
            // + zed's 7 on 11-10 (a final day) in both; + b2's 1 on 11-01 in beta; a1's October 100 not.
            "github_copilot_team_ai_credits_used_month_to_date{org=\"north\",team=\"alpha\"}": 13.5,
            "github_copilot_team_ai_credits_used_month_to_date{org=\"north\",team=\"beta\"}": 15,
            "github_copilot_team_members{enterprise=\"globex\",team=\"alpha\"}": 10,
            "github_copilot_team_members{enterprise=\"globex\",team=\"beta\"}": 5,
            "github_copilot_team_active_users{enterprise=\"globex\",team=\"alpha\"}": 5,  // and s1
            "github_copilot_team_active_users{enterprise=\"globex\",team=\"beta\"}": 2,
            "github_copilot_team_ai_credits_used{enterprise=\"globex\",team=\"alpha\"}": 11.5,
            "github_copilot_team_ai_credits_used{enterprise=\"globex\",team=\"beta\"}": 7,
            "github_copilot_team_ai_credits_used_month_to_date{enterprise=\"globex\",team=\"alpha\"}": 18.5,
            "github_copilot_team_ai_credits_used_month_to_date{enterprise=\"globex\",team=\"beta\"}": 15,
        ]
        for (scope, report, teams) in [
            ("org=\"north\"", north, [("alpha", Self.alpha), ("beta", Self.beta)]),
            ("enterprise=\"globex\"", globex, [("alpha", alphaAtGlobex), ("beta", Self.beta)]),
        ] {
            for (team, members) in teams {
                expected["github_copilot_team_interactions{\(scope),team=\"\(team)\"}"] =
                    Self.sum(report, members, "user_initiated_interaction_count")
                expected["github_copilot_team_code_acceptances{\(scope),team=\"\(team)\"}"] =
                    Self.sum(report, members, "code_acceptance_activity_count")
            }
        }
        UsageMetricsEndToEndTests.compare(Self.teams(values), expected)
    }

    @Test func teamFamiliesCarryNoUserSoPerUserSwitchesLeaveThemAndLeakNoLogin() async throws {
        let plain = try await run(Self.scenario())
        await plain.simulator.stop()
        let key = Pseudonymizer(key: Array("a key of at least sixteen bytes".utf8))
        let hidden = try await run(Self.scenario(), pseudonymizer: key)
        await hidden.simulator.stop()
        let noUsers = try await run(Self.scenario(), flags: ["--no-metrics.per-user"])
        await noUsers.simulator.stop()
        let teams = Self.teams(plain.values)
        #expect(teams.count == 27)
        #expect(Self.teams(hidden.values) == teams)
        #expect(Self.teams(noUsers.values) == teams)
        for text in [plain.text, hidden.text] {
            for line in text.split(separator: "\n") where line.hasPrefix("github_copilot_team_") {
                #expect(!line.contains("user="))
                for login in Self.everyone { #expect(!line.contains("\"\(login)\"")) }
            }
        }
        // Per-user series exist without the switches (so the check above is not vacuous) and
        // carry pseudonyms with the key.
        #expect(plain.text.contains("github_copilot_user_ai_credits_used{org=\"north\",user=\"zed\"}"))
        #expect(hidden.text.contains("user=\"\(key.pseudonym("zed"))\""))
        #expect(!hidden.text.contains("user=\"zed\""))
    }

    /// A second poll an hour later asks only for the revision window's days (final days were
    /// folded into the team cache) and shows the same month-to-date sums.
    @Test func finalDaysAreJoinedOnceAndStayInTheMonthToDate() async throws {
        let clock = ManualClock(now: Self.midMonth)
        let simulator = GitHubSimulator(scenario: Self.scenario(), clock: clock)
        try simulator.start()
        let configuration = try Configuration.parse(
            ["--github.org=north", "--github.api-url=\(simulator.baseURL)"]
                + ["--no-collector.seats", "--no-collector.billing", "--no-collector.premium_requests", "--no-collector.ai_credits"]
                + ["--no-collector.usage_metrics"],
            environment: ["GITHUB_TOKEN": GitHubSimulator.demoToken]
        )
        let poller = ExporterApp(
            configuration: configuration,
            credentials: StaticToken(GitHubSimulator.demoToken),
            clock: clock,
            logger: .silent
        )
        .makePoller()
        var teamDays: [[String]] = []
        var values: [[String: Double]] = []
        for poll in 0..<2 {
            if poll > 0 { clock.advance(by: 3_600) }
            simulator.clearLog()
            await poller.runOnce()
            teamDays.append(
                simulator.requests.map(\.target).filter { $0.contains("/reports/user-teams-1-day?") }.compactMap {
                    $0.split(separator: "=").last.map(String.init)
                }
                .sorted()
            )
            values.append(Self.teams(parseExposition(String(decoding: poller.store.publisher.snapshot.plain(.text), as: UTF8.self))))
        }
        await simulator.stop()
        #expect(teamDays[0] == (1...19).map { String(format: "2026-11-%02d", $0) })
        #expect(teamDays[1] == ["2026-11-18", "2026-11-19"])
        #expect(values[0]["github_copilot_team_ai_credits_used_month_to_date{org=\"north\",team=\"beta\"}"] == 15)
        #expect(values[1] == values[0])
    }
}
