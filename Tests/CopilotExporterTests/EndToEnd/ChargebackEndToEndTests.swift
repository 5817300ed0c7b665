import CopilotExporter
import Foundation
import GitHubSimulator
import PrometheusExposition
import Testing

@testable import GitHubAPI

/// Seats by team, plan and organization, the idle seats' cost, and the enterprise's cost per
/// organization, against the simulator over loopback, compared with figures worked out by hand.
@Suite struct ChargebackEndToEndTests {
    static let now = 1_795_176_000.0  // 2026-11-20T12:00:00Z; idle means last seen before 2026-10-21T12:00Z

    /// north (Business): alice (platform, active), bob (platform, idle), carol (direct grant,
    /// never active since March: idle), dave (mobile, active, no plan_type).
    /// south (Enterprise): alice again (data, active more recently than in north), erin (data,
    /// new, never active), frank (mobile, idle), carol again (data, never active, newer).
    /// globex grants gina a seat itself (enterprise team ai-pilots, no organization; idle).
    static func seat(
        _ login: String,
        _ id: Int,
        _ org: String,
        created: Double,
        active: Double? = nil,
        plan: String? = "business",
        team: String?
    ) -> SimulatedSeat {
        SimulatedSeat(
            login: login,
            userID: id,
            organization: org,
            createdAt: created,
            lastActivityAt: active,
            lastActivityEditor: active == nil ? nil : "vscode/1.96.2/copilot-chat/0.23",
            planType: plan,
            assigningTeam: team
        )
    }

    static let scenario = SimulatorScenario(
        organizations: [
            SimulatedOrganization(
                login: "north",
                id: 1,
                seats: [
                    seat("alice", 1, "north", created: 1_768_003_200, active: 1_795_089_600, team: "platform"),
                    seat("bob", 2, "north", created: 1_769_904_000, active: 1_790_726_400, team: "platform"),
                    seat("carol", 3, "north", created: 1_772_323_200, team: nil),
                    seat("dave", 4, "north", created: 1_769_904_000, active: 1_795_000_000, plan: nil, team: "mobile"),
                ]
            ),
            SimulatedOrganization(
                login: "south",
                id: 2,
                seats: [
                    seat("alice", 1, "south", created: 1_775_001_600, active: 1_795_154_400, plan: "enterprise", team: "data"),
                    seat("erin", 5, "south", created: 1_794_268_800, plan: "enterprise", team: "data"),
                    seat("frank", 6, "south", created: 1_764_547_200, active: 1_790_812_800, plan: "enterprise", team: "mobile"),
                    seat("carol", 3, "south", created: 1_793_491_200, plan: "enterprise", team: "data"),
                ]
            ),
        ],
        enterprises: [
            SimulatedEnterprise(
                slug: "globex",
                organizations: ["north", "south"],
                grants: [seat("gina", 7, "", created: 1_764_547_200, active: 1_785_542_400, plan: "enterprise", team: "ai-pilots")]
            )
        ],
        billing: SimulatedBilling(usage: [
            SimulatedUsage(
                day: "2026-11-05",
                organization: "north",
                product: "Copilot",
                sku: "Copilot Business",
                unitType: "user-months",
                pricePerUnit: 19,
                quantity: 3
            ),
            SimulatedUsage(
                day: "2026-11-06",
                organization: "north",
                product: "Actions",
                sku: "actions_linux",
                unitType: "minutes",
                pricePerUnit: 0.5,
                quantity: 12,
                discountQuantity: 4
            ),
            // Last month: not in November's figures.
            SimulatedUsage(
                day: "2026-10-30",
                organization: "north",
                product: "Actions",
                sku: "actions_linux",
                unitType: "minutes",
                pricePerUnit: 0.5,
                quantity: 1000
            ),
            // Charged to a cost center: absent from the default daily report, present in the summary.
            SimulatedUsage(
                day: "2026-11-07",
                organization: "south",
                product: "Copilot",
                sku: "Copilot Enterprise",
                unitType: "user-months",
                pricePerUnit: 39,
                quantity: 2,
                costCenter: "cc-1"
            ),
            SimulatedUsage(
                day: "2026-11-08",
                organization: "south",
                product: "Actions",
                sku: "actions_linux",
                unitType: "minutes",
                pricePerUnit: 0.5,
                quantity: 8
            ),
        ])
    )

    static let expected: [String: [String: Double]] = [
        "github_copilot_seats_by_team": [
            "{org=\"north\",team=\"platform\"}": 2, "{org=\"north\",team=\"none\"}": 1, "{org=\"north\",team=\"mobile\"}": 1,
            "{org=\"south\",team=\"data\"}": 3, "{org=\"south\",team=\"mobile\"}": 1,
            // alice counts under her south row (newest activity), carol under her first row (never active).
            "{enterprise=\"globex\",team=\"data\"}": 2, "{enterprise=\"globex\",team=\"platform\"}": 1,
            "{enterprise=\"globex\",team=\"none\"}": 1, "{enterprise=\"globex\",team=\"mobile\"}": 2,
            "{enterprise=\"globex\",team=\"ai-pilots\"}": 1,
        ],
        "github_copilot_seats_idle_by_team": [
            "{org=\"north\",team=\"platform\"}": 1, "{org=\"north\",team=\"none\"}": 1, "{org=\"north\",team=\"mobile\"}": 0,
            "{org=\"south\",team=\"data\"}": 0, "{org=\"south\",team=\"mobile\"}": 1,
            "{enterprise=\"globex\",team=\"data\"}": 0, "{enterprise=\"globex\",team=\"platform\"}": 1,
            "{enterprise=\"globex\",team=\"none\"}": 1, "{enterprise=\"globex\",team=\"mobile\"}": 1,
            "{enterprise=\"globex\",team=\"ai-pilots\"}": 1,
        ],
        "github_copilot_seats_idle": ["{org=\"north\"}": 2, "{org=\"south\"}": 1, "{enterprise=\"globex\"}": 4],
        "github_copilot_seats_by_plan": [
            "{org=\"north\",plan=\"business\"}": 3, "{org=\"north\",plan=\"unknown\"}": 1, "{org=\"south\",plan=\"enterprise\"}": 4,
            "{enterprise=\"globex\",plan=\"enterprise\"}": 4, "{enterprise=\"globex\",plan=\"business\"}": 2,
            "{enterprise=\"globex\",plan=\"unknown\"}": 1,
        ],
        "github_copilot_seats_by_org": [
            "{enterprise=\"globex\",org=\"north\"}": 3, "{enterprise=\"globex\",org=\"south\"}": 3,
            "{enterprise=\"globex\",org=\"none\"}": 1,
        ],
        "github_copilot_seats": ["{org=\"north\"}": 4, "{org=\"south\"}": 4, "{enterprise=\"globex\"}": 7],
        "github_billing_org_net_amount_usd": [
            "{enterprise=\"globex\",org=\"north\",product=\"Copilot\",sku=\"Copilot Business\"}": 57,
            "{enterprise=\"globex\",org=\"north\",product=\"Actions\",sku=\"actions_linux\"}": 4,
            "{enterprise=\"globex\",org=\"south\",product=\"Copilot\",sku=\"Copilot Enterprise\"}": 78,
            "{enterprise=\"globex\",org=\"south\",product=\"Actions\",sku=\"actions_linux\"}": 4,
        ],
    ]

    /// Collects once with `arguments` added and returns the scraped values and the simulator's log.
    static func collect(
        _ arguments: [String] = [],
        polls: Int = 1,
        beforePoll: (Int, GitHubSimulator) -> Void = { _, _ in }
    ) async throws -> (values: [String: Double], targets: [String]) {
        let clock = ManualClock(now: now)
        let simulator = GitHubSimulator(scenario: scenario, maxPerPage: 3, clock: clock)
        try simulator.start()
        let configuration = try Configuration.parse(
            ["--github.org=north", "--github.org=south", "--github.enterprise=globex", "--github.api-url=\(simulator.baseURL)"]
                + CollectorName.allCases.filter { $0 != .seats && $0 != .billing }.map { "--no-collector.\($0)" } + arguments,
            environment: ["GITHUB_TOKEN": GitHubSimulator.demoToken]
        )
        let app = ExporterApp(
            configuration: configuration,
            credentials: StaticToken(GitHubSimulator.demoToken),
            clock: clock,
            logger: .silent
        )
        let poller = app.makePoller()
        for poll in 0..<polls {
            beforePoll(poll, simulator)
            await poller.runOnce()
        }
        var text = ""
        poller.store.publisher.snapshot.exposition.write(.text) { text += String(decoding: $0, as: UTF8.self) }
        let targets = simulator.requests.map(\.target)
        await simulator.stop()
        return (parseExposition(text), targets)
    }

    static func samples(_ family: String, in values: [String: Double]) -> [String: Double] {
        Dictionary(
            uniqueKeysWithValues: values.filter { $0.key.hasPrefix(family + "{") }.map {
                (String($0.key.dropFirst(family.count)), $0.value)
            }
        )
    }

    @Test func seatsByTeamPlanAndOrganizationAndCostPerOrganizationHaveExactlyTheExpectedValues() async throws {
        let (values, targets) = try await Self.collect()
        for (family, expected) in Self.expected {
            #expect(Self.samples(family, in: values) == expected, "\(family)")
        }
        // The enterprise's organization costs add up to its total.
        let total = Self.samples("github_billing_net_amount_usd", in: values).filter { $0.key.contains("enterprise=\"globex\"") }
        #expect(total.values.reduce(0, +) == 143)
        #expect(values["github_copilot_collector_part_success{collector=\"billing\",enterprise=\"globex\",part=\"organizations\"}"] == 1)
        // One daily report for the organization names, then one summary per organization.
        #expect(targets.filter { $0.hasPrefix("/enterprises/globex/settings/billing/usage?") }.count == 1)
        let perOrganization = targets.filter {
            $0.hasPrefix("/enterprises/globex/settings/billing/usage/summary?") && $0.contains("organization=")
        }
        #expect(perOrganization.count == 2)
        #expect(
            perOrganization.contains { $0.contains("organization=north") } && perOrganization.contains { $0.contains("organization=south") }
        )
    }

    /// Idle seats: north bob and carol (Business), south frank (Enterprise); the enterprise
    /// bob and carol (Business), frank and gina (Enterprise). dave's unknown plan is active.
    @Test(arguments: [
        ([] as [String], 38.0, 39.0, 116.0),
        (["--collector.seats.price.business=21.5", "--collector.seats.price.enterprise", "45"], 43.0, 45.0, 133.0),
    ])
    func idleSeatsArePricedByPlan(arguments: [String], north: Double, south: Double, globex: Double) async throws {
        let (values, _) = try await Self.collect(arguments)
        #expect(
            Self.samples("github_copilot_seats_idle_monthly_cost_usd", in: values)
                == ["{org=\"north\"}": north, "{org=\"south\"}": south, "{enterprise=\"globex\"}": globex]
        )
    }

    /// An idle seat without a plan is priced as Business.
    @Test func anIdleSeatOfUnknownPlanCostsTheBusinessPrice() async throws {
        let (values, _) = try await Self.collect(["--collector.seats.idle-days=0", "--collector.seats.price.business=10"])
        // idle-days 0: every seat with any past activity or assignment is idle; north: 3 Business + dave (unknown).
        #expect(values["github_copilot_seats_idle{org=\"north\"}"] == 4)
        #expect(values["github_copilot_seats_idle_monthly_cost_usd{org=\"north\"}"] == 40)
    }

    /// When one organization's summary fails, the breakdown keeps its last good values and says
    /// so, while the enterprise totals move on.
    @Test func aFailingOrganizationSummaryKeepsTheLastGoodBreakdownAndFreshTotals() async throws {
        let (values, _) = try await Self.collect(polls: 2) { poll, simulator in
            guard poll == 1 else { return }
            simulator.update { $0.billing.usage[0].quantity = 4 }  // north's Business seats: 57 → 76
            simulator.inject(FaultRule(.status(403), pathContains: "organization=south"))
        }
        #expect(values["github_copilot_collector_part_success{collector=\"billing\",enterprise=\"globex\",part=\"organizations\"}"] == 0)
        #expect(Self.samples("github_billing_org_net_amount_usd", in: values) == Self.expected["github_billing_org_net_amount_usd"])
        #expect(values["github_billing_net_amount_usd{enterprise=\"globex\",product=\"Copilot\",sku=\"Copilot Business\"}"] == 76)
        #expect(values["github_copilot_collector_success{collector=\"billing\",enterprise=\"globex\"}"] == 1)
    }
}
