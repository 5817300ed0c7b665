import CopilotExporter
import Foundation
import GitHubSimulator
import PrometheusExposition
import Testing

@testable import GitHubAPI
@testable import WebServer

/// The exporter against the simulator over loopback, scraped over HTTP, checked value by value
/// against figures worked out by hand from the scenario below (timestamps computed separately).
@Suite struct SeatsEndToEndTests {
    static let now = 1_795_176_000.0  // 2026-11-20T12:00:00Z

    /// north: alice (active), bob (idle since Sep 30), carol (new, never active), dave (never
    /// active, assigned in March: idle), erin (active, pending cancellation).
    /// south: alice again (older activity in this org), frank (active), grace (last active
    /// 2026-10-20 12:00, just over 30 days: idle), and a row whose assignee was deleted.
    /// GitHub's own breakdown for south is given as is (it need not match the list).
    static let scenario = SimulatorScenario(
        organizations: [
            SimulatedOrganization(
                login: "north",
                id: 1,
                seats: [
                    SimulatedSeat(
                        login: "alice",
                        userID: 1,
                        organization: "north",
                        createdAt: 1_768_003_200,
                        lastActivityAt: 1_795_075_200,
                        lastActivityEditor: "vscode/1.96.2/copilot-chat/0.23"
                    ),
                    SimulatedSeat(
                        login: "bob",
                        userID: 2,
                        organization: "north",
                        createdAt: 1_769_904_000,
                        lastActivityAt: 1_790_726_400,
                        lastActivityEditor: "JetBrains-IU/2024.3/copilot-intellij/1.5"
                    ),
                    SimulatedSeat(login: "carol", userID: 3, organization: "north", createdAt: 1_793_836_800),
                    SimulatedSeat(login: "dave", userID: 4, organization: "north", createdAt: 1_772_323_200),
                    SimulatedSeat(
                        login: "erin",
                        userID: 5,
                        organization: "north",
                        createdAt: 1_777_939_200,
                        lastActivityAt: 1_793_577_600,
                        lastActivityEditor: "copilot-cli/0.0.330",
                        pendingCancellationDate: "2026-12-01"
                    ),
                ],
                pendingInvitation: 1
            ),
            SimulatedOrganization(
                login: "south",
                id: 2,
                seats: [
                    SimulatedSeat(
                        login: "alice",
                        userID: 1,
                        organization: "south",
                        createdAt: 1_775_001_600,
                        lastActivityAt: 1_790_812_800,
                        lastActivityEditor: "Neovim/0.10.2/copilot.vim/1.41"
                    ),
                    SimulatedSeat(
                        login: "frank",
                        userID: 6,
                        organization: "south",
                        createdAt: 1_764_547_200,
                        lastActivityAt: 1_795_172_400,
                        lastActivityEditor: "Xcode/16.2/copilot-xcode/0.31"
                    ),
                    SimulatedSeat(
                        login: "grace",
                        userID: 7,
                        organization: "south",
                        createdAt: 1_780_272_000,
                        lastActivityAt: 1_792_497_600,
                        lastActivityEditor: "vscode/1.95.0/copilot/1.250"
                    ),
                    SimulatedSeat(login: "", userID: 8, organization: "south", createdAt: 1_767_225_600),
                ],
                breakdownOverride: [
                    "total": 4, "added_this_cycle": 0, "pending_invitation": 0, "pending_cancellation": 0, "active_this_cycle": 2,
                    "inactive_this_cycle": 2,
                ]
            ),
        ],
        enterprises: [SimulatedEnterprise(slug: "globex", organizations: ["north", "south"])]
    )

    static let expected: [String: [String: Double]] = [
        "github_copilot_seats": ["{org=\"north\"}": 5, "{org=\"south\"}": 4, "{enterprise=\"globex\"}": 8],
        "github_copilot_seats_by_state": [
            "{org=\"north\",state=\"active_this_cycle\"}": 2, "{org=\"north\",state=\"inactive_this_cycle\"}": 3,
            "{org=\"north\",state=\"pending_invitation\"}": 1, "{org=\"north\",state=\"pending_cancellation\"}": 1,
            "{org=\"north\",state=\"added_this_cycle\"}": 1,
            "{org=\"south\",state=\"active_this_cycle\"}": 2, "{org=\"south\",state=\"inactive_this_cycle\"}": 2,
            "{org=\"south\",state=\"pending_invitation\"}": 0, "{org=\"south\",state=\"pending_cancellation\"}": 0,
            "{org=\"south\",state=\"added_this_cycle\"}": 0,
        ],
        "github_copilot_seats_idle": ["{org=\"north\"}": 2, "{org=\"south\"}": 3, "{enterprise=\"globex\"}": 4],
        "github_copilot_seats_never_active": ["{org=\"north\"}": 2, "{org=\"south\"}": 1, "{enterprise=\"globex\"}": 3],
        "github_copilot_seats_by_editor": [
            "{editor=\"vscode\",org=\"north\"}": 1, "{editor=\"JetBrains-IU\",org=\"north\"}": 1, "{editor=\"none\",org=\"north\"}": 2,
            "{editor=\"copilot-cli\",org=\"north\"}": 1,
            "{editor=\"Neovim\",org=\"south\"}": 1, "{editor=\"Xcode\",org=\"south\"}": 1, "{editor=\"vscode\",org=\"south\"}": 1,
            "{editor=\"none\",org=\"south\"}": 1,
            "{editor=\"vscode\",enterprise=\"globex\"}": 2, "{editor=\"JetBrains-IU\",enterprise=\"globex\"}": 1,
            "{editor=\"none\",enterprise=\"globex\"}": 3, "{editor=\"copilot-cli\",enterprise=\"globex\"}": 1,
            "{editor=\"Xcode\",enterprise=\"globex\"}": 1,
        ],
        "github_copilot_seat_last_activity_timestamp_seconds": [
            "{org=\"north\",user=\"alice\"}": 1_795_075_200, "{org=\"north\",user=\"bob\"}": 1_790_726_400,
            "{org=\"north\",user=\"erin\"}": 1_793_577_600,
            "{org=\"south\",user=\"alice\"}": 1_790_812_800, "{org=\"south\",user=\"frank\"}": 1_795_172_400,
            "{org=\"south\",user=\"grace\"}": 1_792_497_600,
            "{enterprise=\"globex\",user=\"alice\"}": 1_795_075_200, "{enterprise=\"globex\",user=\"bob\"}": 1_790_726_400,
            "{enterprise=\"globex\",user=\"erin\"}": 1_793_577_600, "{enterprise=\"globex\",user=\"frank\"}": 1_795_172_400,
            "{enterprise=\"globex\",user=\"grace\"}": 1_792_497_600,
        ],
        "github_copilot_seat_assigned_timestamp_seconds": [
            "{org=\"north\",user=\"alice\"}": 1_768_003_200, "{org=\"north\",user=\"bob\"}": 1_769_904_000,
            "{org=\"north\",user=\"carol\"}": 1_793_836_800, "{org=\"north\",user=\"dave\"}": 1_772_323_200,
            "{org=\"north\",user=\"erin\"}": 1_777_939_200,
            "{org=\"south\",user=\"alice\"}": 1_775_001_600, "{org=\"south\",user=\"frank\"}": 1_764_547_200,
            "{org=\"south\",user=\"grace\"}": 1_780_272_000,
            "{enterprise=\"globex\",user=\"alice\"}": 1_768_003_200, "{enterprise=\"globex\",user=\"bob\"}": 1_769_904_000,
            "{enterprise=\"globex\",user=\"carol\"}": 1_793_836_800, "{enterprise=\"globex\",user=\"dave\"}": 1_772_323_200,
            "{enterprise=\"globex\",user=\"erin\"}": 1_777_939_200, "{enterprise=\"globex\",user=\"frank\"}": 1_764_547_200,
            "{enterprise=\"globex\",user=\"grace\"}": 1_780_272_000,
        ],
        "github_copilot_collector_success": [
            "{collector=\"seats\",org=\"north\"}": 1, "{collector=\"seats\",org=\"south\"}": 1,
            "{collector=\"seats\",enterprise=\"globex\"}": 1,
        ],
    ]

    struct Running {
        let simulator: GitHubSimulator
        let poller: Poller
        let server: HTTPServer
        let port: Int
    }

    static func start(perUser: Bool = true) throws -> Running {
        let clock = ManualClock(now: now)
        let simulator = GitHubSimulator(scenario: scenario, maxPerPage: 2, clock: clock)
        try simulator.start()
        var configuration = try Configuration.parse(
            [
                "--github.org=north", "--github.org=south", "--github.enterprise=globex", "--github.api-url=\(simulator.baseURL)",
                "--no-collector.billing", "--no-collector.premium_requests", "--no-collector.ai_credits", "--no-collector.usage_metrics",
                "--no-collector.teams", "--no-collector.ai_usage_report",
            ]
                + (perUser ? [] : ["--no-metrics.per-user"]),
            environment: ["GITHUB_TOKEN": GitHubSimulator.demoToken]
        )
        configuration.listenHost = "127.0.0.1"
        configuration.listenPort = 0
        let app = ExporterApp(
            configuration: configuration,
            credentials: StaticToken(GitHubSimulator.demoToken),
            clock: clock,
            logger: .silent
        )
        let poller = app.makePoller()
        let server = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0),
            handler: ExporterRouter(telemetryPath: "/metrics", publisher: poller.store.publisher, version: ExporterApp.version)
        )
        return Running(simulator: simulator, poller: poller, server: server, port: try server.start())
    }

    @Test func everySeatFamilyHasExactlyTheExpectedValues() async throws {
        let running = try Self.start()
        let base = "http://127.0.0.1:\(running.port)"
        #expect(try await httpGet(base + "/-/ready").status == 503, "not ready before the first poll")
        #expect(try await httpGet(base + "/-/healthy").status == 200)
        await running.poller.runOnce()
        #expect(try await httpGet(base + "/-/ready").status == 200)

        let response = try await httpGet(base + "/metrics")
        #expect(response.status == 200)
        let values = parseExposition(String(decoding: response.body, as: UTF8.self))
        for (family, samples) in Self.expected {
            let got = values.filter { $0.key.hasPrefix(family + "{") }
            let gotSamples = Dictionary(uniqueKeysWithValues: got.map { (String($0.key.dropFirst(family.count)), $0.value) })
            #expect(gotSamples == samples, "\(family)")
        }
        #expect(
            values[
                "github_copilot_exporter_build_info{revision=\"\(BuildInfo.revision)\",swift_version=\"\(BuildInfo.swiftVersion)\",version=\"\(ExporterApp.version)\"}"
            ] == 1
        )
        #expect(values["github_copilot_api_rate_limit_limit{credential=\"token\",resource=\"core\"}"] == 5000)
        #expect(values["github_copilot_collector_last_success_timestamp_seconds{collector=\"seats\",org=\"north\"}"] == Self.now)

        // Pagination was followed: 2 seats a page, so north took 3 pages and the enterprise 5.
        let targets = running.simulator.requests.map(\.target)
        #expect(targets.filter { $0.hasPrefix("/orgs/north/copilot/billing/seats") }.count == 3)
        #expect(targets.filter { $0.hasPrefix("/enterprises/globex/copilot/billing/seats") }.count == 5)
        #expect(values["github_copilot_api_requests_total{code=\"200\",collector=\"seats\"}"] == Double(targets.count))
        await running.server.shutdown(grace: 1)
        await running.simulator.stop()
    }

    @Test func aFailureMidPaginationKeepsTheLastGoodValues() async throws {
        let running = try Self.start()
        await running.poller.runOnce()
        let before = parseExposition(String(decoding: try await httpGet("http://127.0.0.1:\(running.port)/metrics").body, as: UTF8.self))
        // The data changes, but page 2 of the enterprise list now fails every time (page 1 works).
        running.simulator.update { $0.organizations[0].seats.removeAll { $0.login == "bob" } }
        running.simulator.clearLog()
        running.simulator.inject(FaultRule(.status(500), pathContains: "/enterprises/globex/copilot/billing/seats?per_page=2&page=2"))
        await running.poller.runOnce()
        let after = parseExposition(String(decoding: try await httpGet("http://127.0.0.1:\(running.port)/metrics").body, as: UTF8.self))
        #expect(after["github_copilot_seats{enterprise=\"globex\"}"] == 8)
        #expect(after["github_copilot_seats_idle{enterprise=\"globex\"}"] == before["github_copilot_seats_idle{enterprise=\"globex\"}"])
        #expect(after["github_copilot_collector_success{collector=\"seats\",enterprise=\"globex\"}"] == 0)
        #expect(after["github_copilot_collector_last_success_timestamp_seconds{collector=\"seats\",enterprise=\"globex\"}"] == Self.now)
        #expect(after["github_copilot_api_requests_total{code=\"500\",collector=\"seats\"}"] == 4)
        let enterpriseRequests = running.simulator.requests.filter { $0.target.hasPrefix("/enterprises/globex") }
        #expect(enterpriseRequests.map(\.status) == [200, 500, 500, 500, 500], "page 1 succeeded, page 2 failed on every retry")
        // The organization that did not fail shows the new data.
        #expect(after["github_copilot_seats{org=\"north\"}"] == 4)
        #expect(after["github_copilot_collector_success{collector=\"seats\",org=\"north\"}"] == 1)
        await running.server.shutdown(grace: 1)
        await running.simulator.stop()
    }

    @Test func noPerUserDropsEveryUserSeries() async throws {
        let running = try Self.start(perUser: false)
        await running.poller.runOnce()
        let text = String(decoding: try await httpGet("http://127.0.0.1:\(running.port)/metrics").body, as: UTF8.self)
        #expect(!text.contains("user=\""))
        #expect(parseExposition(text)["github_copilot_seats{enterprise=\"globex\"}"] == 8)
        await running.server.shutdown(grace: 1)
        await running.simulator.stop()
    }
}

@Suite struct PseudonymizationTests {
    @Test func loginsBecomeStableKeyedPseudonyms() throws {
        let pseudonymizer = Pseudonymizer(key: Array("0123456789abcdef0123456789abcdef".utf8))
        let families = pseudonymizer.apply([
            MetricFamily(
                name: "m",
                help: "h",
                samples: [Sample(["org": "acme", "user": "alice"], 1), Sample(["org": "acme", "user": "bob"], 2)]
            ),
            MetricFamily(name: "n", help: "h", samples: [Sample(["org": "acme"], 3)]),
        ])
        let users = families[0].samples.compactMap { $0.label("user") }
        #expect(users.allSatisfy { $0.hasPrefix("u_") && $0.count == 18 })
        #expect(!users.contains("alice") && !users.contains("bob"))
        #expect(Set(users).count == 2)
        #expect(pseudonymizer.pseudonym("alice") == users[0], "stable")
        #expect(Pseudonymizer(key: Array("another key, also 16+ bytes".utf8)).pseudonym("alice") != users[0], "keyed")
        #expect(families[1] == MetricFamily(name: "n", help: "h", samples: [Sample(["org": "acme"], 3)]))
        // HMAC-SHA256 checked against Python's hmac module for this key and message.
        #expect(pseudonymizer.pseudonym("alice") == "u_" + PseudonymizationTests.reference)
    }

    static let reference = "433deb45467e4e53"
}
