import Foundation
public import GitHubAPI
public import PrometheusExposition

/// Month-to-date usage by model from one of the billing platform's model endpoints: premium
/// requests (`premium_request/usage`) or AI credits (`ai_credit/usage`).
///
/// Quantities and amounts are summed by model, whatever product, SKU and unit strings GitHub
/// uses (its own examples disagree on them). An organization or enterprise whose plan does not
/// offer the endpoint (404) gets no series and a notice, not a failure.
///
/// An enterprise is asked once per cost center (deleted ones too) and once with
/// `cost_center_id=none`, and the answers are added up: GitHub documents no default for these
/// endpoints (for `usage` the default is "no cost center" only), and the sum is the total
/// under either reading. If the cost centers cannot be listed, one unfiltered request is used,
/// with a notice that it may leave out usage charged to cost centers.
public struct ModelUsageCollector: Collector {
    public let name: CollectorName
    public let defaultInterval = 3600.0
    public let summary: String
    public let intervalReason = "the billing platform updates a few times a day"
    public let requestsPerPoll = "organization: 1; enterprise: 1 cost-center list + 1 per cost center (deleted ones too) + 1 (`none`)"
    public var access: [CollectorAccess] { BillingCollector.billingAccess }
    let endpoint: String
    let quantityFamily: String
    let quantityHelp: String
    let amountFamily: String

    /// The `premium_requests` collector.
    public static let premiumRequests = ModelUsageCollector(
        name: .premiumRequests,
        summary: "premium requests and their net amount by model",
        endpoint: "premium_request/usage",
        quantityFamily: "github_copilot_premium_requests",
        quantityHelp: "Copilot premium requests this UTC month to date, by model (gross quantity).",
        amountFamily: "github_copilot_premium_requests_net_amount_usd"
    )

    /// The `ai_credits` collector.
    public static let aiCredits = ModelUsageCollector(
        name: .aiCredits,
        summary: "AI credits and their net amount by model",
        endpoint: "ai_credit/usage",
        quantityFamily: "github_copilot_ai_credits",
        quantityHelp: "Copilot AI credits used this UTC month to date, by model (gross quantity).",
        amountFamily: "github_copilot_ai_credits_net_amount_usd"
    )

    public func collect(_ scope: Scope, context: CollectionContext) async throws -> [MetricFamily] {
        let period = context.billingPeriod
        let items: [ModelUsageResponse.Item]
        do {
            items = try await usageItems(scope, period: period, context: context)
        } catch GitHubAPIError.notFound(let endpoint) {
            context.notice(
                "GitHub answered 404 for \(endpoint): the \(scope.labelName) \(scope.slug) does not offer this usage "
                    + "(plan or billing platform), so the \(name.rawValue) collector reports nothing for it; "
                    + "disable it with --no-collector.\(name.rawValue) to stop asking."
            )
            return []
        }
        var quantity: [String: Double] = [:]
        var amount: [String: Double] = [:]
        for item in items {
            let model = item.model ?? "unknown"
            quantity[model, default: 0] += item.grossQuantity ?? 0
            amount[model, default: 0] += item.netAmount ?? 0
        }
        let scopeLabel = Label(scope.labelName, scope.slug)
        let cached = " Month to date (UTC); refreshed on the collector's interval, not per scrape, because of GitHub's rate limits."
        return [
            MetricFamily(
                name: quantityFamily,
                help: quantityHelp + cached,
                samples: quantity.map { Sample(labels: [scopeLabel, Label("model", $0.key)], value: $0.value) }
            ),
            MetricFamily(
                name: amountFamily,
                help: "Net amount in US dollars, by model." + cached,
                samples: amount.map { Sample(labels: [scopeLabel, Label("model", $0.key)], value: $0.value) }
            ),
        ]
    }
}

extension ModelUsageCollector {
    /// The month's usage lines: for an enterprise, those of every cost center and of none.
    func usageItems(_ scope: Scope, period: BillingPeriod, context: CollectionContext) async throws -> [ModelUsageResponse.Item] {
        let path = BillingCollector.prefix(scope) + "/settings/billing/" + endpoint
        guard case .enterprise(let enterprise) = scope else {
            return try await context.client.getJSON(ModelUsageResponse.self, path, query: period.query).usageItems
        }
        let centers: [String]
        do {
            centers = try await BillingCollector.listCostCenters(enterprise, context: context).map(\.id)
        } catch let error as GitHubAPIError where error.status == "403" || error.status == "404" {
            context.notice(
                "The cost centers of enterprise \(enterprise) cannot be read (\(error)), so \(name.rawValue) is read without a "
                    + "cost-center filter; GitHub does not document whether that includes usage charged to cost centers."
            )
            return try await context.client.getJSON(ModelUsageResponse.self, path, query: period.query).usageItems
        }
        var items: [ModelUsageResponse.Item] = []
        for id in centers + ["none"] {
            let query = period.query + [("cost_center_id", id)]
            items += try await context.client.getJSON(ModelUsageResponse.self, path, query: query).usageItems
        }
        return items
    }
}

extension CollectorName {
    public static let premiumRequests = CollectorName(declaring: "premium_requests")
    public static let aiCredits = CollectorName(declaring: "ai_credits")
}

extension ModelUsageCollector {
    public func probe(_ scope: Scope, context: ProbeContext) async -> CollectorProbe {
        var probe = CollectorProbe()
        let path = BillingCollector.prefix(scope) + "/settings/billing/" + endpoint
        probe.record(
            "GET " + path,
            await context.get(path, context.period.query),
            notOffered: "the plan does not offer this usage (for example still billed per seat); the collector shows nothing for it"
        )
        probe.cost = 1
        if case .enterprise = scope {
            let centers = await context.get(BillingCollector.prefix(scope) + "/settings/billing/cost-centers", [])
            if case .success(let response) = centers, let list = try? JSONDecoder().decode(CostCenterList.self, from: Data(response.body)) {
                probe.cost = list.costCenters.count + 2
            }
        }
        return probe
    }
}
