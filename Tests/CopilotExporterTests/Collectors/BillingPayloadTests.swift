import Foundation
import Testing

@testable import CopilotExporter
@testable import GitHubAPI

@Suite struct BillingPayloadTests {
    func decode<T: Decodable>(_ type: T.Type, _ file: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(try fixture(file)))
    }

    @Test(arguments: ["organizations-settings-billing-usage-summary.json", "enterprises-settings-billing-usage-summary.json"])
    func summaryExamplesGiveTotalsByProductAndSKU(file: String) throws {
        let totals = BillingCollector.totals(try decode(UsageSummaryResponse.self, file).usageItems)
        let key = BillingCollector.ProductSKU(product: "Actions", sku: "actions_linux")
        #expect(totals == [key: BillingCollector.Totals(gross: 8, discount: 0, net: 8, quantityByUnit: ["minutes": 1000])])
    }

    @Test(arguments: ["organizations-settings-billing-usage.json", "enterprises-settings-billing-usage.json"])
    func dailyUsageExamplesGiveTotalsByProductAndSKU(file: String) throws {
        let totals = BillingCollector.totals(try decode(UsageReportResponse.self, file).usageItems)
        let key = BillingCollector.ProductSKU(product: "Actions", sku: "Actions Linux")
        #expect(totals == [key: BillingCollector.Totals(gross: 0.8, discount: 0, net: 0.8, quantityByUnit: ["minutes": 100])])
    }

    /// GitHub's examples disagree on product, SKU and unit strings; the model is what counts.
    @Test(arguments: [
        ("organizations-settings-billing-premium-request-usage.json", "Copilot Premium Request", 4.0),
        ("enterprises-settings-billing-premium-request-usage.json", "Copilot Premium Request", 4.0),
        ("organizations-settings-billing-ai-credit-usage.json", "Copilot AI Credits", 1.0),
        ("enterprises-settings-billing-ai-credit-usage.json", "Copilot AI Credits", 1.0),
        ("users-settings-billing-ai-credit-usage.json", "AI Credit", 1.0),
    ])
    func modelUsageExamplesDecode(file: String, sku: String, net: Double) throws {
        let items = try decode(ModelUsageResponse.self, file).usageItems
        #expect(items.count == 1)
        #expect(items[0].model == "GPT-5")
        #expect(items[0].sku == sku)
        #expect(items[0].grossQuantity == 100)
        #expect(items[0].netAmount == net)
    }

    @Test func budgetsAcceptBothSKUSpellingsAndCostCentersBothKeyStyles() throws {
        let budgets = try JSONDecoder().decode(
            BudgetList.self,
            from: Data(
                #"{"budgets":[{"id":"a","budget_type":"ProductPricing","budget_product_skus":["actions"],"budget_scope":"enterprise","budget_amount":1000,"prevent_further_usage":true},{"id":"b","budget_type":"BundlePricing","budget_product_sku":"ai_credits","budget_scope":"user","budget_entity_name":"","budget_amount":30}]}"#
                    .utf8
            )
        )
        #expect(budgets.budgets.map(\.budgetProductSkus) == [["actions"], ["ai_credits"]])
        #expect(budgets.budgets.map(\.budgetAmount) == [1000, 30])
        let camel = try JSONDecoder().decode(
            CostCenterList.self,
            from: Data(#"{"costCenters":[{"id":"1","name":"A","state":"active"}]}"#.utf8)
        )
        let snake = try JSONDecoder().decode(CostCenterList.self, from: Data(#"{"cost_centers":[{"id":"1","name":"A"}]}"#.utf8))
        #expect(camel.costCenters.map(\.id) == ["1"])
        #expect(snake.costCenters.map(\.name) == ["A"])
    }
}

@Suite struct BillingPeriodTests {
    @Test func monthBoundsInUTCIncludingYearEnd() {
        let november = BillingPeriod(containing: 1_795_176_000)  // 2026-11-20T12:00:00Z
        #expect(november.year == 2026 && november.month == 11)
        #expect(november.start == 1_793_491_200)  // 2026-11-01
        #expect(november.end == 1_796_083_200)  // 2026-12-01
        let december = BillingPeriod(containing: 1_798_761_599)  // 2026-12-31T23:59:59Z
        #expect(december.month == 12 && december.end == 1_798_761_600)  // 2027-01-01
        #expect(BillingPeriod(containing: 1_798_761_600).year == 2027)
        #expect(november.query.map(\.1) == ["2026", "11"])
    }

    @Test func projectionScalesByElapsedShareWithAtLeastOneDay() {
        let november = BillingPeriod(containing: 1_795_176_000)
        #expect(november.project(100, now: november.start + 15 * 86_400) == 200)  // half of 30 days
        #expect(november.project(10, now: november.start + 3600) == 300)  // one hour in counts as a day
        #expect(november.project(7, now: november.end) == 7)
    }
}
