import GitHubAPI
import PrometheusExposition

extension BillingCollector {
    /// The largest page GitHub documents for budgets: 10 for organizations, 100 for enterprises.
    static func budgetsPerPage(_ scope: Scope) -> Int { scope.kind == .organization ? 10 : 100 }

    /// Stops a misbehaving `has_next_page` from paging forever (10,000 enterprise budgets).
    static let maxBudgetPages = 100

    /// Configured budgets, or nil (with a notice) where the budgets endpoint does not answer.
    ///
    /// Budgets page differently from the rest of the API: `page` and `per_page` in the query,
    /// `has_next_page` and `total_count` in the body, no `Link` header.
    func budgets(_ scope: Scope, context: CollectionContext) async -> MetricFamily? {
        let path = Self.prefix(scope) + "/settings/billing/budgets"
        var budgets: [BudgetList.Budget] = []
        do {
            for page in 1...Self.maxBudgetPages {
                let list = try await context.client.getJSON(
                    BudgetList.self,
                    path,
                    query: [("per_page", String(Self.budgetsPerPage(scope))), ("page", String(page))]
                )
                budgets += list.budgets
                let complete = list.totalCount.map { budgets.count >= $0 } ?? false
                if list.hasNextPage != true || list.budgets.isEmpty || complete { break }
                if page == Self.maxBudgetPages {
                    throw GitHubAPIError.decoding(endpoint: "GET " + path, detail: "has_next_page is still true after \(page) pages")
                }
            }
        } catch GitHubAPIError.notFound(let endpoint) {
            context.notice(
                "GitHub answered 404 for \(endpoint): the \(scope.labelName) \(scope.slug) does not offer budgets through the API, "
                    + "so no budget series are shown for it; cost and projections are still collected."
            )
            return nil
        } catch {
            context.notice(
                "Budgets are not shown for \(scope.labelName) \(scope.slug): \(error) "
                    + "Cost and projections are still collected."
            )
            return nil
        }
        return MetricFamily(
            name: "github_billing_budget_amount_usd",
            help: "Configured monthly budget in US dollars; budget_scope and budget_entity say what it covers "
                + "(an enterprise, an organization, a cost center, a repository). Refreshed on the billing collector's interval.",
            samples: budgets.map { Self.sample($0, scope: scope) }
        )
    }

    static func sample(_ budget: BudgetList.Budget, scope: Scope) -> Sample {
        Sample(
            labels: [
                Label(scope.labelName, scope.slug), Label("budget_id", budget.id), Label("budget_type", budget.budgetType ?? "unknown"),
                Label("budget_scope", budget.budgetScope ?? "unknown"), Label("budget_entity", budget.budgetEntityName ?? ""),
                Label("product_sku", budget.budgetProductSkus.joined(separator: ",")),
            ],
            value: budget.budgetAmount
        )
    }
}
