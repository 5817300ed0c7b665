import GitHubAPI
import PrometheusExposition

extension BillingCollector {
    /// The cost-center breakdown's name in `github_copilot_collector_part_success`.
    static let costCenterPart = "cost_centers"
    static let costCenterFamily = "github_billing_cost_center_net_amount_usd"

    /// Every cost center of the enterprise, deleted ones included: usage charged to a cost
    /// center deleted during the month still belongs to the month (GitHub lists both states
    /// when `state` is left out).
    static func listCostCenters(_ enterprise: String, context: CollectionContext) async throws -> [CostCenterList.CostCenter] {
        try await context.client.getJSON(
            CostCenterList.self,
            "/enterprises/\(GitHubClient.encode(enterprise))/settings/billing/cost-centers"
        ).costCenters
    }

    /// The cost-center breakdown and its own health series. When it fails (a token that may
    /// read the enterprise's usage but not its cost centers, an error on one cost center) the
    /// totals are unaffected: the part reports 0, says why in a notice, and the store keeps the
    /// breakdown's last good values.
    func costCenterPart(_ enterprise: String, period: BillingPeriod, context: CollectionContext) async -> [MetricFamily] {
        await part(
            Self.costCenterPart,
            describedAs: "cost-center",
            families: [Self.costCenterFamily],
            enterprise: enterprise,
            context: context
        ) {
            [try await costCenters(enterprise, period: period, context: context)]
        }
    }

    /// Net amount by cost center, product and SKU, with `cost_center="none"` for usage that
    /// has no cost center, so the family sums to the enterprise total. Cost centers are told
    /// apart by id: two may share a name.
    func costCenters(_ enterprise: String, period: BillingPeriod, context: CollectionContext) async throws -> MetricFamily {
        let scope = Scope.enterprise(enterprise)
        let list = try await Self.listCostCenters(enterprise, context: context)
        var samples: [Sample] = []
        let centers = list.map { ($0.id, $0.name ?? $0.id) } + [("none", "none")]
        for (id, name) in centers {
            let totals = try await usage(scope, period: period, costCenter: id, context: context)
            for (key, value) in totals {
                samples.append(
                    Sample(
                        labels: [
                            Label("enterprise", enterprise), Label("cost_center", name), Label("cost_center_id", id),
                            Label("product", key.product), Label("sku", key.sku),
                        ],
                        value: value.net
                    )
                )
            }
        }
        return MetricFamily(
            name: Self.costCenterFamily,
            help: "Net amount in US dollars by enterprise cost center (deleted ones included)." + Self.cached,
            samples: samples
        )
    }
}
