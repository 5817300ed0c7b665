import Foundation
import WebServer

extension GitHubSimulator {
    /// `/organizations/{org}/settings/billing/...` and `/enterprises/{e}/settings/billing/...`.
    func billing(kind: String, slug: String, endpoint: String, request: HTTPRequest, scenario: SimulatorScenario) -> HTTPResponse {
        let organizations: [String]
        let scopeKey: String
        if kind == "organizations" {
            guard let org = scenario.organization(slug) else { return error(404, "Not Found") }
            organizations = [org.login]
            scopeKey = "org/\(org.login)"
        } else {
            guard let enterprise = scenario.enterprise(slug) else { return error(404, "Not Found") }
            organizations = enterprise.organizations
            scopeKey = "enterprise/\(enterprise.slug)"
        }
        if scenario.billing.notOffered.contains("\(scopeKey)/\(endpoint)") { return error(404, "Not Found") }
        let (year, month) = SimulatedCalendar.yearMonth(clock.now())
        let wantYear = Int(request.queryValue("year") ?? "") ?? year
        let wantMonth = Int(request.queryValue("month") ?? "") ?? month
        let wantDay = request.queryValue("day").flatMap { Int($0) }
        let prefix = String(wantYear) + "-" + (wantMonth < 10 ? "0" : "") + String(wantMonth) + "-"
        let costCenter = request.queryValue("cost_center_id")
        // The enterprise summary and model endpoints take `organization`; the daily report does not.
        let wantOrganization = kind == "enterprises" && endpoint != "usage" ? request.queryValue("organization")?.lowercased() : nil
        let rows = scenario.billing.usage.filter { row in
            guard organizations.contains(row.organization), row.day.hasPrefix(prefix) else { return false }
            if let wantDay, Int(row.day.suffix(2)) != wantDay { return false }
            if let wantOrganization, row.organization.lowercased() != wantOrganization { return false }
            if kind == "enterprises" {
                switch costCenter {
                case "none": return row.costCenter == nil
                case .some(let id): return row.costCenter == id
                case nil:
                    switch endpoint {
                    case "usage": return row.costCenter == nil
                    case "premium_request/usage", "ai_credit/usage":
                        return scenario.billing.modelUsageDefault == .allCostCenters || row.costCenter == nil
                    default: return true
                    }
                }
            }
            return true
        }
        let header = kind == "organizations" ? ("organization", JSONText.quote(slug)) : ("enterprise", JSONText.quote(slug))
        let period = ("timePeriod", "{\"year\":\(wantYear),\"month\":\(wantMonth)}")
        switch endpoint {
        case "usage/summary":
            let items = grouped(rows, by: { [$0.product, $0.sku, $0.unitType, String($0.pricePerUnit)] }).map { key, group in
                Self.amounts(
                    group,
                    pairs: [
                        ("product", JSONText.quote(key[0])), ("sku", JSONText.quote(key[1])), ("unitType", JSONText.quote(key[2])),
                        ("pricePerUnit", key[3]),
                    ]
                )
            }
            return json(JSONText.object([period, header, ("usageItems", "[" + items.joined(separator: ",") + "]")]))
        case "usage":
            let items = grouped(rows, by: { [$0.day, $0.product, $0.sku, $0.unitType, String($0.pricePerUnit), $0.organization] }).map {
                key,
                group in
                JSONText.object([
                    ("date", JSONText.quote(key[0])), ("product", JSONText.quote(key[1])), ("sku", JSONText.quote(key[2])),
                    ("quantity", Self.number(group.reduce(0) { $0 + $1.quantity })), ("unitType", JSONText.quote(key[3])),
                    ("pricePerUnit", key[4]), ("grossAmount", Self.number(group.reduce(0) { $0 + $1.grossAmount })),
                    ("discountAmount", Self.number(group.reduce(0) { $0 + $1.discountAmount })),
                    ("netAmount", Self.number(group.reduce(0) { $0 + $1.netAmount })), ("organizationName", JSONText.quote(key[5])),
                ])
            }
            return json(JSONText.object([("usageItems", "[" + items.joined(separator: ",") + "]")]))
        case "premium_request/usage", "ai_credit/usage":
            let meter: SimulatedUsage.Meter = endpoint.hasPrefix("premium") ? .premiumRequests : .aiCredits
            let metered = rows.filter { $0.meter == meter }
            let items = grouped(metered, by: { [$0.product, $0.sku, $0.model ?? "", $0.unitType, String($0.pricePerUnit)] }).map {
                key,
                group in
                Self.amounts(
                    group,
                    pairs: [
                        ("product", JSONText.quote(key[0])), ("sku", JSONText.quote(key[1])), ("model", JSONText.quote(key[2])),
                        ("unitType", JSONText.quote(key[3])), ("pricePerUnit", key[4]),
                    ]
                )
            }
            return json(JSONText.object([period, header, ("usageItems", "[" + items.joined(separator: ",") + "]")]))
        case "cost-centers" where kind == "enterprises":
            return costCenters(slug, request: request, scenario: scenario)
        case "budgets":
            return budgets(kind: kind, scopeKey: scopeKey, request: request, scenario: scenario)
        default:
            return error(404, "Not Found")
        }
    }

    /// The enterprise's cost centers; without `state`, active and deleted ones alike (GitHub:
    /// "Set to active or deleted to only list cost centers in a specific state").
    func costCenters(_ slug: String, request: HTTPRequest, scenario: SimulatorScenario) -> HTTPResponse {
        if scenario.billing.costCentersRefused.contains(slug) {
            return error(403, "You must be an enterprise owner or billing manager to view cost centers.")
        }
        let state = request.queryValue("state")
        guard state == nil || state == "active" || state == "deleted" else {
            return error(422, "Invalid request: state must be one of active, deleted.")
        }
        let centers = (scenario.billing.costCenters[slug] ?? []).filter { center in
            state == nil || (state == "deleted") == center.deleted
        }
        let items = centers.map { center in
            JSONText.object([
                ("id", JSONText.quote(center.id)), ("name", JSONText.quote(center.name)),
                ("state", center.deleted ? "\"deleted\"" : "\"active\""), ("resources", "[]"),
            ])
        }
        return json(JSONText.object([("costCenters", "[" + items.joined(separator: ",") + "]")]))
    }

    /// Budgets, paged by `page` and `per_page` with `has_next_page` and `total_count` in the
    /// body and no `Link` header: organizations at most 10 a page (default 10), enterprises at
    /// most 100 (default 30). A larger `per_page` is cut to the maximum.
    func budgets(kind: String, scopeKey: String, request: HTTPRequest, scenario: SimulatorScenario) -> HTTPResponse {
        let all = scenario.billing.budgets[scopeKey] ?? []
        let (maximum, standard) = kind == "organizations" ? (10, 10) : (100, 30)
        let perPage = min(maximum, max(1, Int(request.queryValue("per_page") ?? "") ?? standard))
        let page = max(1, Int(request.queryValue("page") ?? "") ?? 1)
        let start = min(all.count, (page - 1) * perPage)
        let end = min(all.count, start + perPage)
        let items = all[start..<end].map { budget in
            JSONText.object([
                ("id", JSONText.quote(budget.id)), ("budget_type", JSONText.quote(budget.type)),
                ("budget_product_skus", "[" + budget.skus.map(JSONText.quote).joined(separator: ",") + "]"),
                ("budget_scope", JSONText.quote(budget.scope)), ("budget_entity_name", JSONText.quote(budget.entity)),
                ("budget_amount", Self.number(budget.amount)), ("prevent_further_usage", "false"),
                ("budget_alerting", "{\"will_alert\":true,\"alert_recipients\":[]}"),
            ])
        }
        return json(
            JSONText.object([
                ("budgets", "[" + items.joined(separator: ",") + "]"), ("has_next_page", end < all.count ? "true" : "false"),
                ("total_count", String(all.count)),
            ])
        )
    }

    /// Groups rows by a key, in first-seen order.
    func grouped(_ rows: [SimulatedUsage], by key: (SimulatedUsage) -> [String]) -> [([String], [SimulatedUsage])] {
        var order: [[String]] = []
        var groups: [[String]: [SimulatedUsage]] = [:]
        for row in rows {
            let k = key(row)
            if groups[k] == nil { order.append(k) }
            groups[k, default: []].append(row)
        }
        return order.map { ($0, groups[$0]!) }
    }

    static func amounts(_ group: [SimulatedUsage], pairs: [(String, String)]) -> String {
        let gross = group.reduce(0) { $0 + $1.quantity }
        let discount = group.reduce(0) { $0 + $1.discountQuantity }
        return JSONText.object(
            pairs + [
                ("grossQuantity", number(gross)), ("grossAmount", number(group.reduce(0) { $0 + $1.grossAmount })),
                ("discountQuantity", number(discount)), ("discountAmount", number(group.reduce(0) { $0 + $1.discountAmount })),
                ("netQuantity", number(gross - discount)), ("netAmount", number(group.reduce(0) { $0 + $1.netAmount })),
            ]
        )
    }

    /// A JSON number: integers without a fraction, others in Swift's shortest round-trip form.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
