import Foundation
public import GitHubAPI
public import PrometheusExposition

/// Month-to-date cost of every product and SKU (not only Copilot) from the enhanced billing
/// platform, a month-end projection, enterprise cost centers, and configured budgets.
///
/// Sources: `usage/summary` (for organizations whose summary answers 404, `usage` summed by
/// product and SKU); enterprises also list their cost centers and query the summary once per
/// cost center and once for usage with none, and once per organization named in their usage
/// report; budgets when the budgets endpoint answers.
public struct BillingCollector: Collector {
    public let name = CollectorName.billing
    public let defaultInterval = 3600.0
    public let summary = "net cost by product and SKU, cost centers, budgets"
    public let intervalReason = "the billing platform updates a few times a day"
    public let requestsPerPoll =
        "organization: 1 summary + 1 per 10 budgets; enterprise: 1 summary + 1 cost-center list + 1 per cost center "
        + "(deleted ones too) + 1 (`none`) + 1 usage report + 1 per organization in it (at most 100) + 1 per 100 budgets"
    public var access: [CollectorAccess] { Self.billingAccess }

    static let billingAccess = [
        CollectorAccess(
            scope: .organization,
            role: "owner or billing manager",
            classicToken: "`admin:org` (GitHub names no scope; this is the likely one)",
            fineGrainedToken: "\"Administration\" organization permission (read) per GitHub's reference; its billing tutorial says "
                + "fine-grained tokens are refused",
            gitHubApp: "`administration` (read)",
            acceptsApp: true
        ),
        CollectorAccess(
            scope: .enterprise,
            role: "owner or billing manager",
            classicToken: "`manage_billing:enterprise` (included in `admin:enterprise`)",
            fineGrainedToken: "refused by GitHub",
            gitHubApp: "refused by GitHub",
            acceptsApp: false
        ),
    ]

    public init() {}

    /// `/organizations/{org}` or `/enterprises/{enterprise}`: billing lives under
    /// `/organizations`, not `/orgs`.
    static func prefix(_ scope: Scope) -> String {
        switch scope {
        case .organization(let org): "/organizations/\(GitHubClient.encode(org))"
        case .enterprise(let enterprise): "/enterprises/\(GitHubClient.encode(enterprise))"
        }
    }

    /// Amounts of one product and SKU.
    struct Totals: Equatable {
        var gross = 0.0
        var discount = 0.0
        var net = 0.0
        var quantityByUnit: [String: Double] = [:]
    }

    public func collect(_ scope: Scope, context: CollectionContext) async throws -> [MetricFamily] {
        let now = context.clock.now()
        let period = context.billingPeriod
        let totals = try await usage(scope, period: period, costCenter: nil, context: context)
        var families = Self.families(scope: scope, totals: totals, period: period, now: now)
        if case .enterprise(let enterprise) = scope {
            families += await costCenterPart(enterprise, period: period, context: context)
            families += await organizationPart(enterprise, period: period, context: context)
        }
        if let budgets = await budgets(scope, context: context) { families.append(budgets) }
        return families
    }

    /// Month-to-date totals by product and SKU.
    func usage(_ scope: Scope, period: BillingPeriod, costCenter: String?, context: CollectionContext) async throws -> [ProductSKU: Totals]
    {
        let base = Self.prefix(scope) + "/settings/billing/usage"
        var query = period.query
        if let costCenter { query.append(("cost_center_id", costCenter)) }
        do {
            let summary = try await context.client.getJSON(UsageSummaryResponse.self, base + "/summary", query: query)
            return Self.totals(summary.usageItems)
        } catch GitHubAPIError.notFound where scope.kind == .organization {
            // The organization summary is in public preview; the daily report is GA.
            let report = try await context.client.getJSON(UsageReportResponse.self, base, query: query)
            return Self.totals(report.usageItems)
        }
    }

    struct ProductSKU: Hashable, Comparable {
        var product: String
        var sku: String
        static func < (lhs: ProductSKU, rhs: ProductSKU) -> Bool { (lhs.product, lhs.sku) < (rhs.product, rhs.sku) }
    }

    /// Sums usage lines of either endpoint by product and SKU (and quantity by unit).
    static func totals<Line: UsageLine>(_ items: [Line]) -> [ProductSKU: Totals] {
        var totals: [ProductSKU: Totals] = [:]
        for item in items {
            let key = ProductSKU(product: item.product, sku: item.sku)
            var entry = totals[key] ?? Totals()
            entry.gross += item.grossAmount ?? 0
            entry.discount += item.discountAmount ?? 0
            entry.net += item.netAmount ?? 0
            entry.quantityByUnit[item.unitType ?? "unknown", default: 0] += item.usedQuantity ?? 0
            totals[key] = entry
        }
        return totals
    }

    static let cached =
        " Current UTC month to date; refreshed on the billing collector's interval, not per scrape, because of GitHub's rate limits."

    static func families(scope: Scope, totals: [ProductSKU: Totals], period: BillingPeriod, now: Double) -> [MetricFamily] {
        let scopeLabel = Label(scope.labelName, scope.slug)
        func by(_ value: (Totals) -> Double) -> [Sample] {
            totals.keys.sorted().map { key in
                Sample(labels: [scopeLabel, Label("product", key.product), Label("sku", key.sku)], value: value(totals[key]!))
            }
        }
        let quantities = totals.keys.sorted().flatMap { key in
            totals[key]!.quantityByUnit.map { unit, quantity in
                Sample(
                    labels: [scopeLabel, Label("product", key.product), Label("sku", key.sku), Label("unit_type", unit)],
                    value: quantity
                )
            }
        }
        return [
            MetricFamily(name: "github_billing_net_amount_usd", help: "Net amount billed in US dollars." + cached, samples: by(\.net)),
            MetricFamily(
                name: "github_billing_gross_amount_usd",
                help: "Gross amount in US dollars, before discounts." + cached,
                samples: by(\.gross)
            ),
            MetricFamily(
                name: "github_billing_discount_amount_usd",
                help: "Discounts (included allotments) in US dollars." + cached,
                samples: by(\.discount)
            ),
            MetricFamily(name: "github_billing_quantity", help: "Gross quantity used, in unit_type units." + cached, samples: quantities),
            MetricFamily(
                name: "github_billing_projected_net_amount_usd",
                help: "Month-end projection of the net amount in US dollars, at the month-to-date rate (at least one day elapsed)."
                    + " Refreshed on the billing collector's interval.",
                samples: by { period.project($0.net, now: now) }
            ),
        ]
    }

}

extension CollectorName {
    public static let billing = CollectorName(declaring: "billing")
}

extension BillingCollector {
    public func probe(_ scope: Scope, context: ProbeContext) async -> CollectorProbe {
        var probe = CollectorProbe()
        let billing = Self.prefix(scope) + "/settings/billing"
        let summary = await context.get(billing + "/usage/summary", context.period.query)
        if case .failure(GitHubAPIError.notFound) = summary, case .organization = scope {
            probe.record("GET \(billing)/usage", await context.get(billing + "/usage", context.period.query))
        } else {
            probe.record("GET \(billing)/usage/summary", summary)
        }
        probe.cost = 2
        if case .enterprise = scope {
            let centers = await context.get(billing + "/cost-centers", [])
            if let response = probe.record("GET \(billing)/cost-centers", centers),
                let list = try? JSONDecoder().decode(CostCenterList.self, from: Data(response.body))
            {
                probe.cost += list.costCenters.count + 2
            }
            let report = await context.get(billing + "/usage", context.period.query)
            if let response = probe.record("GET \(billing)/usage", report),
                let rows = try? JSONDecoder().decode(UsageReportResponse.self, from: Data(response.body))
            {
                probe.cost += 1 + min(Self.maxOrganizations, Self.rankedOrganizations(rows.usageItems).count)
            }
        }
        probe.record(
            "GET \(billing)/budgets",
            await context.get(billing + "/budgets", [("per_page", String(Self.budgetsPerPage(scope)))]),
            notOffered: "no budgets API for this \(scope.labelName) (plan); budgets are simply not shown"
        )
        return probe
    }
}
