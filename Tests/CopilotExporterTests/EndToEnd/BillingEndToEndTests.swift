import CopilotExporter
import Foundation
import GitHubSimulator
import PrometheusExposition
import Synchronization
import Testing

@testable import GitHubAPI

/// The money collectors against the simulator, on the first morning of a month, with prices
/// that are exact in binary so every sum can be compared exactly with figures worked out by hand.
@Suite struct BillingEndToEndTests {
    static let now = 1_796_104_800.0  // 2026-12-01T06:00:00Z: November's rows must not count

    /// north is billed in AI credits; south still per seat (no AI-credit rows, and its plan
    /// offers neither premium-request usage nor budgets). Two cost centers share the name
    /// "Team A"; cc-b was deleted during the month and its usage still counts. north has 23
    /// budgets (three pages of 10), the enterprise 101 (two pages of 100).
    static func scenario(
        northSummaryOffered: Bool = true,
        modelUsageDefault: SimulatedBilling.ModelUsageDefault = .allCostCenters,
        costCentersRefused: Set<String> = []
    ) -> SimulatorScenario {
        let usage = [
            SimulatedUsage(
                day: "2026-11-30",
                organization: "north",
                product: "Copilot",
                sku: "Copilot AI Credits",
                unitType: "credits",
                pricePerUnit: 0.25,
                quantity: 1000,
                discountQuantity: 400,
                model: "GPT-5",
                meter: .aiCredits,
                costCenter: "cc-a"
            ),
            SimulatedUsage(
                day: "2026-12-01",
                organization: "north",
                product: "Copilot",
                sku: "Copilot AI Credits",
                unitType: "credits",
                pricePerUnit: 0.25,
                quantity: 200,
                discountQuantity: 80,
                model: "GPT-5",
                meter: .aiCredits,
                costCenter: "cc-a"
            ),
            SimulatedUsage(
                day: "2026-12-01",
                organization: "north",
                product: "Copilot",
                sku: "Copilot AI Credits",
                unitType: "credits",
                pricePerUnit: 0.25,
                quantity: 100,
                model: "Claude Sonnet 4.5",
                meter: .aiCredits,
                costCenter: "cc-a"
            ),
            SimulatedUsage(
                day: "2026-12-01",
                organization: "north",
                product: "Copilot",
                sku: "Copilot Premium Request",
                unitType: "requests",
                pricePerUnit: 0.5,
                quantity: 10,
                model: "o3",
                meter: .premiumRequests
            ),
            SimulatedUsage(
                day: "2026-12-01",
                organization: "north",
                product: "Copilot",
                sku: "Copilot AI Credits",
                unitType: "credits",
                pricePerUnit: 0.25,
                quantity: 40,
                model: "GPT-5",
                meter: .aiCredits,
                costCenter: "cc-b"
            ),
            SimulatedUsage(
                day: "2026-12-01",
                organization: "north",
                product: "Copilot",
                sku: "Copilot Premium Request",
                unitType: "requests",
                pricePerUnit: 0.5,
                quantity: 6,
                model: "o3",
                meter: .premiumRequests,
                costCenter: "cc-b"
            ),
            SimulatedUsage(
                day: "2026-12-01",
                organization: "north",
                product: "Actions",
                sku: "actions_linux",
                unitType: "minutes",
                pricePerUnit: 0.125,
                quantity: 800
            ),
            SimulatedUsage(
                day: "2026-11-15",
                organization: "south",
                product: "Copilot",
                sku: "Copilot Business",
                unitType: "user-months",
                pricePerUnit: 2,
                quantity: 100
            ),
            SimulatedUsage(
                day: "2026-12-01",
                organization: "south",
                product: "Copilot",
                sku: "Copilot Business",
                unitType: "user-months",
                pricePerUnit: 2,
                quantity: 4
            ),
        ]
        var notOffered: Set<String> = ["org/south/premium_request/usage", "org/south/budgets"]
        if !northSummaryOffered { notOffered.insert("org/north/usage/summary") }
        return SimulatorScenario(
            organizations: [
                SimulatedOrganization(login: "north", id: 1, seats: []), SimulatedOrganization(login: "south", id: 2, seats: []),
            ],
            enterprises: [SimulatedEnterprise(slug: "globex", organizations: ["north", "south"])],
            billing: SimulatedBilling(
                usage: usage,
                costCenters: [
                    "globex": [
                        SimulatedCostCenter(id: "cc-a", name: "Team A"), SimulatedCostCenter(id: "cc-b", name: "Team A", deleted: true),
                    ]
                ],
                budgets: budgets,
                notOffered: notOffered,
                modelUsageDefault: modelUsageDefault,
                costCentersRefused: costCentersRefused
            )
        )
    }

    static let budgets: [String: [SimulatedBudget]] = [
        "enterprise/globex": [
            SimulatedBudget(id: "b1", type: "BundlePricing", skus: ["ai_credits"], scope: "enterprise", entity: "globex", amount: 1000)
        ]
            + (1...100).map { index in
                SimulatedBudget(
                    id: "c\(index)",
                    type: "ProductPricing",
                    skus: ["actions"],
                    scope: "cost_center",
                    entity: "Team A",
                    amount: Double(index)
                )
            },
        "org/north": (1...23).map { index in
            SimulatedBudget(
                id: "n\(index)",
                type: "ProductPricing",
                skus: ["actions"],
                scope: "organization",
                entity: "north",
                amount: Double(index * 10)
            )
        },
    ]

    static func money(_ scope: String) -> [String: Double] {
        let ai = "product=\"Copilot\",sku=\"Copilot AI Credits\""
        let pr = "product=\"Copilot\",sku=\"Copilot Premium Request\""
        let actions = "product=\"Actions\",sku=\"actions_linux\""
        let business = "product=\"Copilot\",sku=\"Copilot Business\""
        var lines: [String: Double] = [:]
        func add(_ labels: String, net: Double, gross: Double, discount: Double, unit: String, quantity: Double) {
            let sorted = Self.sortedLabels(scope + "," + labels)
            lines["github_billing_net_amount_usd{\(sorted)}"] = net
            lines["github_billing_gross_amount_usd{\(sorted)}"] = gross
            lines["github_billing_discount_amount_usd{\(sorted)}"] = discount
            lines["github_billing_projected_net_amount_usd{\(sorted)}"] = net * 31
            lines["github_billing_quantity{\(Self.sortedLabels(scope + "," + labels + ",unit_type=\"\(unit)\""))}"] = quantity
        }
        if scope != "org=\"south\"" {
            add(ai, net: 65, gross: 85, discount: 20, unit: "credits", quantity: 340)
            add(pr, net: 8, gross: 8, discount: 0, unit: "requests", quantity: 16)
            add(actions, net: 100, gross: 100, discount: 0, unit: "minutes", quantity: 800)
        }
        if scope != "org=\"north\"" {
            add(business, net: 8, gross: 8, discount: 0, unit: "user-months", quantity: 4)
        }
        return lines
    }

    /// Labels in name order, as the encoder writes them.
    static func sortedLabels(_ text: String) -> String {
        text.split(separator: ",").sorted { $0.prefix { $0 != "=" } < $1.prefix { $0 != "=" } }.joined(separator: ",")
    }

    static var expected: [String: Double] {
        var lines = money("org=\"north\"").merging(money("org=\"south\"")) { $1 }.merging(money("enterprise=\"globex\"")) { $1 }
        let cc = "github_billing_cost_center_net_amount_usd"
        let ai = "product=\"Copilot\",sku=\"Copilot AI Credits\""
        let pr = "product=\"Copilot\",sku=\"Copilot Premium Request\""
        lines["\(cc){cost_center=\"Team A\",cost_center_id=\"cc-a\",enterprise=\"globex\",\(ai)}"] = 55
        lines["\(cc){cost_center=\"Team A\",cost_center_id=\"cc-b\",enterprise=\"globex\",\(ai)}"] = 10
        lines["\(cc){cost_center=\"Team A\",cost_center_id=\"cc-b\",enterprise=\"globex\",\(pr)}"] = 3
        lines["\(cc){cost_center=\"none\",cost_center_id=\"none\",enterprise=\"globex\",\(pr)}"] = 5
        lines["\(cc){cost_center=\"none\",cost_center_id=\"none\",enterprise=\"globex\",product=\"Actions\",sku=\"actions_linux\"}"] = 100
        lines["\(cc){cost_center=\"none\",cost_center_id=\"none\",enterprise=\"globex\",product=\"Copilot\",sku=\"Copilot Business\"}"] = 8
        lines["github_copilot_collector_part_success{collector=\"billing\",enterprise=\"globex\",part=\"cost_centers\"}"] = 1
        // Per organization: both are named in the daily report (north by its usage without a
        // cost center), and each one's summary covers every cost center.
        let byOrg = "github_billing_org_net_amount_usd"
        lines["\(byOrg){enterprise=\"globex\",org=\"north\",\(ai)}"] = 65
        lines["\(byOrg){enterprise=\"globex\",org=\"north\",\(pr)}"] = 8
        lines["\(byOrg){enterprise=\"globex\",org=\"north\",product=\"Actions\",sku=\"actions_linux\"}"] = 100
        lines["\(byOrg){enterprise=\"globex\",org=\"south\",product=\"Copilot\",sku=\"Copilot Business\"}"] = 8
        lines["github_copilot_collector_part_success{collector=\"billing\",enterprise=\"globex\",part=\"organizations\"}"] = 1
        for scope in ["org=\"north\"", "enterprise=\"globex\""] {
            lines["github_copilot_premium_requests{\(sortedLabels(scope + ",model=\"o3\""))}"] = 16
            lines["github_copilot_premium_requests_net_amount_usd{\(sortedLabels(scope + ",model=\"o3\""))}"] = 8
            lines["github_copilot_ai_credits{\(sortedLabels(scope + ",model=\"GPT-5\""))}"] = 240
            lines["github_copilot_ai_credits_net_amount_usd{\(sortedLabels(scope + ",model=\"GPT-5\""))}"] = 40
            lines["github_copilot_ai_credits{\(sortedLabels(scope + ",model=\"Claude Sonnet 4.5\""))}"] = 100
            lines["github_copilot_ai_credits_net_amount_usd{\(sortedLabels(scope + ",model=\"Claude Sonnet 4.5\""))}"] = 25
        }
        for (key, budgets) in budgets {
            let scope = key.hasPrefix("org/") ? "org=\"\(key.dropFirst(4))\"" : "enterprise=\"\(key.dropFirst(11))\""
            for budget in budgets {
                let labels =
                    "budget_entity=\"\(budget.entity)\",budget_id=\"\(budget.id)\",budget_scope=\"\(budget.scope)\","
                    + "budget_type=\"\(budget.type)\",\(scope),product_sku=\"\(budget.skus.joined(separator: ","))\""
                lines["github_billing_budget_amount_usd{\(labels)}"] = budget.amount
            }
        }
        for collector in ["billing", "premium_requests", "ai_credits"] {
            for scope in ["org=\"north\"", "org=\"south\"", "enterprise=\"globex\""] {
                lines["github_copilot_collector_success{\(sortedLabels("collector=\"\(collector)\"," + scope))}"] = 1
            }
        }
        return lines
    }

    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
    }

    func run(
        _ scenario: SimulatorScenario,
        polls: Int = 1,
        beforePoll: (Int, GitHubSimulator) -> Void = { _, _ in }
    ) async throws -> (values: [String: Double], log: [String], requests: [LoggedRequest]) {
        let clock = ManualClock(now: Self.now)
        let simulator = GitHubSimulator(scenario: scenario, clock: clock)
        try simulator.start()
        let configuration = try Configuration.parse(
            [
                "--github.org=north", "--github.org=south", "--github.enterprise=globex", "--github.api-url=\(simulator.baseURL)",
                "--no-collector.seats", "--no-collector.usage_metrics", "--no-collector.teams", "--no-collector.ai_usage_report",
            ],
            environment: ["GITHUB_TOKEN": GitHubSimulator.demoToken]
        )
        let sink = Lines()
        let logger = Logger(level: .info, clock: clock, sink: { line in sink.lines.withLock { $0.append(line) } })
        let app = ExporterApp(
            configuration: configuration,
            credentials: StaticToken(GitHubSimulator.demoToken),
            clock: clock,
            logger: logger
        )
        let poller = app.makePoller()
        for poll in 0..<polls {
            beforePoll(poll, simulator)
            await poller.runOnce()
        }
        let text = String(decoding: poller.store.publisher.snapshot.plain(.text), as: UTF8.self)
        let requests = simulator.requests
        await simulator.stop()
        return (parseExposition(text), sink.lines.withLock { $0 }, requests)
    }

    static let moneyPrefixes = [
        "github_billing_", "github_copilot_premium_requests", "github_copilot_ai_credits", "github_copilot_collector_success",
        "github_copilot_collector_part_success",
    ]

    static func compare(_ values: [String: Double], _ expected: [String: Double]) {
        let got = values.filter { key, _ in Self.moneyPrefixes.contains { key.hasPrefix($0) } }
        for key in Set(got.keys).union(expected.keys).sorted() where got[key] != expected[key] {
            let want = expected[key].map { "\($0)" } ?? "absent"
            let have = got[key].map { "\($0)" } ?? "absent"
            Issue.record("\(key): expected \(want), got \(have)")
        }
    }

    @Test func everyMoneyFamilyHasExactlyTheExpectedValuesForBothPricingModels() async throws {
        let (values, log, _) = try await run(Self.scenario(), polls: 2)
        Self.compare(values, Self.expected)
        // Neither the missing endpoints nor the per-seat organization are failures, and each
        // missing endpoint is reported once over two polls.
        #expect(!log.contains { $0.contains("level=error") }, "\(log)")
        #expect(log.filter { $0.contains("premium_request/usage") }.count == 1, "\(log)")
        #expect(log.filter { $0.contains("/organizations/south/settings/billing/budgets") }.count == 1, "\(log)")
    }

    @Test func anOrganizationWithoutTheSummaryFallsBackToDailyUsage() async throws {
        let (values, _, requests) = try await run(Self.scenario(northSummaryOffered: false))
        for (key, value) in Self.money("org=\"north\"") {
            #expect(values[key] == value, "\(key)")
        }
        #expect(requests.contains { $0.target.hasPrefix("/organizations/north/settings/billing/usage?year=2026&month=12") })
    }

    @Test func theRequestedPeriodIsTheCurrentUTCMonth() async throws {
        let (_, _, requests) = try await run(Self.scenario())
        let billing = requests.filter {
            $0.target.contains("/settings/billing/") && !$0.target.contains("budgets") && !$0.target.contains("cost-centers")
        }
        #expect(!billing.isEmpty)
        #expect(billing.allSatisfy { $0.target.contains("year=2026&month=12") }, "\(billing.map(\.target))")
        let costCenterQueries = requests.map(\.target).filter { $0.contains("usage/summary") && $0.contains("cost_center_id=") }
        #expect(
            costCenterQueries.sorted() == [
                "/enterprises/globex/settings/billing/usage/summary?year=2026&month=12&cost_center_id=cc-a",
                "/enterprises/globex/settings/billing/usage/summary?year=2026&month=12&cost_center_id=cc-b",
                "/enterprises/globex/settings/billing/usage/summary?year=2026&month=12&cost_center_id=none",
            ]
        )
    }

    @Test func twoCostCentersWithOneNameAreTwoSeriesToldApartByTheirID() async throws {
        // The scenario's globex has two cost centers called Team A (cc-a and cc-b).
        var scenario = Self.scenario()
        #expect(scenario.billing.costCenters["globex"]?.filter { $0.name == "Team A" }.count == 2)
        for index in scenario.billing.usage.indices where scenario.billing.usage[index].product == "Actions" {
            scenario.billing.usage[index].costCenter = "cc-b"
        }
        let (values, log, _) = try await run(scenario)
        let cc = "github_billing_cost_center_net_amount_usd"
        let teamA = values.filter { $0.key.hasPrefix(cc) && $0.key.contains("cost_center=\"Team A\"") }
        let copilot = "enterprise=\"globex\",product=\"Copilot\""
        #expect(
            teamA == [
                "\(cc){cost_center=\"Team A\",cost_center_id=\"cc-a\",\(copilot),sku=\"Copilot AI Credits\"}": 55,
                "\(cc){cost_center=\"Team A\",cost_center_id=\"cc-b\",\(copilot),sku=\"Copilot AI Credits\"}": 10,
                "\(cc){cost_center=\"Team A\",cost_center_id=\"cc-b\",\(copilot),sku=\"Copilot Premium Request\"}": 3,
                "\(cc){cost_center=\"Team A\",cost_center_id=\"cc-b\",enterprise=\"globex\",product=\"Actions\",sku=\"actions_linux\"}":
                    100,
            ]
        )
        #expect(!log.contains { $0.contains("Dropped") }, "\(log)")
    }
}

extension BillingEndToEndTests {
    @Test func budgetsAreReadPageByPageAsTheBodySays() async throws {
        let (values, _, requests) = try await run(Self.scenario())
        let budgets = values.filter { $0.key.hasPrefix("github_billing_budget_amount_usd{") }
        #expect(budgets.filter { $0.key.contains("org=\"north\"") }.count == 23)
        #expect(budgets.filter { $0.key.contains("org=\"north\"") }.values.reduce(0, +) == 2760)
        #expect(budgets.filter { $0.key.contains("enterprise=\"globex\"") }.count == 101)
        #expect(budgets.filter { $0.key.contains("enterprise=\"globex\"") }.values.reduce(0, +) == 6050)
        let targets = requests.map(\.target).filter { $0.contains("/budgets") && !$0.contains("/south/") }
        #expect(
            targets.sorted() == [
                "/enterprises/globex/settings/billing/budgets?per_page=100&page=1",
                "/enterprises/globex/settings/billing/budgets?per_page=100&page=2",
                "/organizations/north/settings/billing/budgets?per_page=10&page=1",
                "/organizations/north/settings/billing/budgets?per_page=10&page=2",
                "/organizations/north/settings/billing/budgets?per_page=10&page=3",
            ],
            "\(targets)"
        )
    }

    @Test func aRefusedCostCenterListKeepsTheTotalsAndTheLastGoodBreakdown() async throws {
        let (values, log, _) = try await run(Self.scenario(), polls: 2) { poll, simulator in
            if poll == 1 { simulator.update { $0.billing.costCentersRefused = ["globex"] } }
        }
        var expected = Self.expected
        expected["github_copilot_collector_part_success{collector=\"billing\",enterprise=\"globex\",part=\"cost_centers\"}"] = 0
        Self.compare(values, expected)
        #expect(log.contains { $0.contains("cost-center breakdown of enterprise globex could not be read") }, "\(log)")
    }

    @Test func aCostCenterListRefusedFromTheStartShowsNoBreakdownButEveryTotal() async throws {
        let (values, _, _) = try await run(Self.scenario(costCentersRefused: ["globex"]))
        var expected = Self.expected.filter { !$0.key.hasPrefix("github_billing_cost_center_net_amount_usd") }
        expected["github_copilot_collector_part_success{collector=\"billing\",enterprise=\"globex\",part=\"cost_centers\"}"] = 0
        Self.compare(values, expected)
    }
}

extension BillingEndToEndTests {
    /// GitHub documents no default `cost_center_id` for the enterprise model endpoints: the
    /// totals are exact whether it means every cost center or none.
    @Test(arguments: [SimulatedBilling.ModelUsageDefault.allCostCenters, .noCostCenter])
    func enterpriseModelUsageIsExactWhateverTheDefaultCostCenterFilter(_ behaviour: SimulatedBilling.ModelUsageDefault) async throws {
        let (values, _, requests) = try await run(Self.scenario(modelUsageDefault: behaviour))
        Self.compare(values, Self.expected)
        #expect(values["github_copilot_ai_credits{enterprise=\"globex\",model=\"GPT-5\"}"] == 240)
        #expect(values["github_copilot_premium_requests_net_amount_usd{enterprise=\"globex\",model=\"o3\"}"] == 8)
        let asked = requests.map(\.target).filter { $0.hasPrefix("/enterprises/globex/settings/billing/ai_credit/usage") }
        #expect(
            asked.sorted()
                == ["cc-a", "cc-b", "none"].map {
                    "/enterprises/globex/settings/billing/ai_credit/usage?year=2026&month=12&cost_center_id=\($0)"
                }
        )
    }
}
