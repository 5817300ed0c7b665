import GitHubAPI
import PrometheusExposition

extension BillingCollector {
    /// The per-organization breakdown's name in `github_copilot_collector_part_success`.
    static let organizationPart = "organizations"
    static let organizationFamily = "github_billing_org_net_amount_usd"
    /// Most organizations queried in one poll: each costs a request.
    static let maxOrganizations = 100

    /// The enterprise's net cost per organization, with its own health series: when it fails
    /// the totals are unaffected and the breakdown keeps its last good values.
    func organizationPart(_ enterprise: String, period: BillingPeriod, context: CollectionContext) async -> [MetricFamily] {
        await part(
            Self.organizationPart,
            describedAs: "per-organization",
            families: [Self.organizationFamily],
            enterprise: enterprise,
            context: context
        ) {
            [try await organizations(enterprise, period: period, context: context)]
        }
    }

    /// Net amount by organization, product and SKU: one `usage/summary?organization=LOGIN` per
    /// organization. GitHub has no REST list of an enterprise's organizations, so they are the
    /// ones named (`organizationName`) in the enterprise's usage report for the month; at most
    /// `maxOrganizations`, the costliest first, with a notice when some are left out.
    func organizations(_ enterprise: String, period: BillingPeriod, context: CollectionContext) async throws -> MetricFamily {
        let scope = Scope.enterprise(enterprise)
        let report = try await context.client.getJSON(
            UsageReportResponse.self,
            Self.prefix(scope) + "/settings/billing/usage",
            query: period.query
        )
        let ranked = Self.rankedOrganizations(report.usageItems)
        if ranked.count > Self.maxOrganizations {
            context.notice(
                "Enterprise \(enterprise) has usage in \(ranked.count) organizations this month; the cost of the "
                    + "\(Self.maxOrganizations) costliest is broken down by organization, the other \(ranked.count - Self.maxOrganizations) "
                    + "only in the enterprise totals."
            )
        }
        var samples: [Sample] = []
        for org in ranked.prefix(Self.maxOrganizations) {
            let summary = try await context.client.getJSON(
                UsageSummaryResponse.self,
                Self.prefix(scope) + "/settings/billing/usage/summary",
                query: period.query + [("organization", org)]
            )
            let totals = Self.totals(summary.usageItems)
            for key in totals.keys.sorted() {
                samples.append(
                    Sample(
                        labels: [Label("enterprise", enterprise), Label("org", org), Label("product", key.product), Label("sku", key.sku)],
                        value: totals[key]!.net
                    )
                )
            }
        }
        return MetricFamily(
            name: Self.organizationFamily,
            help: "Net amount in US dollars by organization of the enterprise (organizations with usage this month)." + Self.cached,
            samples: samples
        )
    }

    /// The distinct non-empty organization names of usage rows, by descending net amount (then
    /// by name), so a cut keeps the organizations that cost the most.
    static func rankedOrganizations(_ items: [UsageReportResponse.Item]) -> [String] {
        var net: [String: Double] = [:]
        for item in items {
            guard let name = item.organizationName, !name.isEmpty else { continue }
            net[name, default: 0] += item.netAmount ?? 0
        }
        return net.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
    }

    /// Runs one part of an enterprise's billing that fails on its own: its families, then
    /// `github_copilot_collector_part_success` for it. On failure the part's families are left
    /// out, the store keeps their last good values, and a notice says why.
    func part(
        _ part: String,
        describedAs description: String,
        families names: [String],
        enterprise: String,
        context: CollectionContext,
        _ body: () async throws -> [MetricFamily]
    ) async -> [MetricFamily] {
        var families: [MetricFamily] = []
        var success = 1.0
        do {
            families = try await body()
        } catch {
            success = 0
            context.keepLastGood(names)
            context.notice(
                "The \(description) breakdown of enterprise \(enterprise) could not be read: \(error) "
                    + "Its last good values stay; the totals are still collected."
            )
        }
        families.append(
            MetricFamily(
                name: "github_copilot_collector_part_success",
                help: "1 if the last attempt at this part of a collector succeeded; the collector's other series do not depend on it.",
                samples: [
                    Sample(
                        labels: [Label("collector", name.rawValue), Label("part", part), Label("enterprise", enterprise)],
                        value: success
                    )
                ]
            )
        )
        return families
    }
}
