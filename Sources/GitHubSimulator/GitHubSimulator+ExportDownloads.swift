import Foundation
import Synchronization
import WebServer

extension GitHubSimulator {
    /// The header of the AI usage report CSV, in the order a live export was seen to use.
    static let aiUsageColumns = [
        "date", "username", "product", "sku", "model", "quantity", "unit_type", "applied_cost_per_quantity", "gross_amount",
        "discount_amount", "net_amount", "total_monthly_quota", "organization", "repository", "cost_center_name", "aic_quantity",
        "aic_gross_amount", "input", "output", "cache_read", "cache_write",
    ]

    /// `GET /export-downloads/{id}/part-N.csv?se=EXPIRY&sig=...`: a signed storage URL, refusing
    /// an Authorization header (as a SAS-signed store does) and answering 403 once expired or
    /// used up.
    func exportDownload(_ request: HTTPRequest) -> HTTPResponse {
        if request.header("authorization") != nil {
            return HTTPResponse(
                status: 400,
                headers: [("Content-Type", "application/xml")],
                body: Array("<Error><Code>InvalidAuthenticationInfo</Code></Error>".utf8)
            )
        }
        let parts = request.path.split(separator: "/").map(String.init)
        guard parts.count == 3, let part = Int(parts[2].dropFirst("part-".count).prefix { $0.isNumber }),
            let expiry = request.queryValue("se").flatMap(Double.init), request.queryValue("sig") != nil
        else { return HTTPResponse(status: 404) }
        let now = clock.now()
        let answer = state.withLock { state -> (SimulatedExport, SimulatedExportBehaviour)? in
            guard let index = state.exports.exports.firstIndex(where: { $0.id == parts[1] && $0.status == "completed" }) else { return nil }
            state.exports.exports[index].downloads += 1
            return (state.exports.exports[index], state.exports.behaviour)
        }
        guard let (export, behaviour) = answer else { return HTTPResponse(status: 404) }
        let expired =
            now > expiry || now > (export.completedAt ?? 0) + behaviour.linkLifetime
            || behaviour.linkUses.map { export.downloads > $0 } == true
        if expired {
            let body = "<Error><Code>AuthenticationFailed</Code><Message>Signed expiry time has passed.</Message></Error>"
            return HTTPResponse(status: 403, headers: [("Content-Type", "application/xml")], body: Array(body.utf8))
        }
        let scenario = state.withLock { $0.scenario }
        let csv = aiUsageCSV(export, part: part, of: max(1, behaviour.parts), behaviour: behaviour, scenario: scenario)
        return HTTPResponse(status: 200, headers: [("Content-Type", "text/csv; charset=utf-8")], body: Array(csv.utf8))
    }

    /// The AI usage report of an export: one row per user and day of the users reports
    /// (`ai_credits_used`), so its per-user credits equal the usage-metrics month-to-date sums.
    /// Even days of the month go to `GPT-5`, odd ones to `Claude Sonnet 4.5`; each user's first
    /// `includedCredits` of the month are discounted. Rows are dealt to the parts in turn.
    func aiUsageCSV(
        _ export: SimulatedExport,
        part: Int,
        of parts: Int,
        behaviour: SimulatedExportBehaviour,
        scenario: SimulatorScenario
    )
        -> String
    {
        var out = Self.aiUsageColumns.joined(separator: ",") + "\r\n"
        guard export.reportType == "ai_credit", let enterprise = scenario.enterprise(export.enterprise),
            var day = SimulatedCalendar.dayStart(export.startDate), let end = SimulatedCalendar.dayStart(export.endDate)
        else { return out }
        var used: [String: Double] = [:]
        var row = 0
        let price = behaviour.pricePerCredit
        while day <= min(end, clock.now()) {
            let date = SimulatedCalendar.day(day)
            let model = Int(date.suffix(2))! % 2 == 0 ? "GPT-5" : "Claude Sonnet 4.5"
            for user in scenario.userDays(enterprise.organizations, day: date) {
                guard let credits = user.credits, credits > 0 else { continue }
                let free = max(0, min(credits, behaviour.includedCredits - used[user.login, default: 0]))
                used[user.login, default: 0] += credits
                defer { row += 1 }
                guard row % parts == part - 1 else { continue }
                let hash = Int(FNV1a.hash(Array("\(user.login)/\(date)".utf8)) % 1_000)
                let fields = [
                    date, user.login, "copilot", "copilot_ai_credit", model, Self.number(credits), "ai-credits", Self.number(price),
                    Self.number(credits * price), Self.number(free * price), Self.number((credits - free) * price),
                    Self.number(behaviour.includedCredits), enterprise.organizations.first ?? "", "",
                    hash % 3 == 0 ? "Platform, \"Core\" team" : "", Self.number(credits), Self.number(credits * price),
                    String(hash * 100), String(hash * 10), String(hash * 50), "0",
                ]
                out += fields.map(Self.csvField).joined(separator: ",") + "\r\n"
            }
            day += 86_400
        }
        return out
    }

    /// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
