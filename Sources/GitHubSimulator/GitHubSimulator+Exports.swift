import Foundation
import Synchronization
import WebServer

extension GitHubSimulator {
    /// Changes how usage report exports behave from now on.
    public func setExportBehaviour(_ change: (inout SimulatedExportBehaviour) -> Void) {
        state.withLock { change(&$0.exports.behaviour) }
    }

    /// Adds an export as if asked for earlier (by another client): `completedAt` set means
    /// completed then, its links expiring `linkLifetime` later.
    public func seedExport(
        enterprise: String,
        reportType: String,
        startDate: String,
        endDate: String,
        createdAt: Double,
        completedAt: Double?
    ) {
        state.withLock { state in
            state.exports.created += 1
            var export = SimulatedExport(
                id: Self.exportID(state.exports.created),
                enterprise: enterprise,
                reportType: reportType,
                startDate: startDate,
                endDate: endDate,
                createdAt: createdAt
            )
            if let completedAt {
                export.status = "completed"
                export.completedAt = completedAt
            }
            state.exports.exports.append(export)
        }
    }

    static func exportID(_ number: Int) -> String {
        String(format: "00000000-0000-4000-8000-%012d", number)
    }

    /// `GET|POST /enterprises/{e}/settings/billing/reports` and `GET .../reports/{id}`; nil for
    /// any other path.
    func exportRoute(_ request: HTTPRequest, path: String, scopes: [String], kind: SimulatedToken.Kind) -> HTTPResponse? {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count == 5 || parts.count == 6, parts[0] == "enterprises", parts[2] == "settings", parts[3] == "billing",
            parts[4] == "reports"
        else { return nil }
        let scenario = state.withLock { $0.scenario }
        guard let enterprise = scenario.enterprise(parts[1]) else { return error(404, "Not Found") }
        let granted = kind == .classic ? scopes : GitHubSimulator.allScopes
        guard !Set(granted).isDisjoint(with: ["manage_billing:enterprise", "admin:enterprise"]) else {
            return scopeError(accepted: "admin:enterprise, manage_billing:enterprise")
        }
        switch (request.method, parts.count) {
        case ("POST", 5):
            return createExport(enterprise.slug, body: request.body)
        case ("GET", 5), ("HEAD", 5):
            let exports = state.withLock { state in state.exports.exports.filter { $0.enterprise == enterprise.slug } }
            let listed = exports.map { exportJSON($0, now: clock.now()) }
            return json(JSONText.object([("usage_report_exports", "[" + listed.joined(separator: ",") + "]")]))
        case ("GET", 6), ("HEAD", 6):
            return checkExport(enterprise.slug, id: parts[5])
        default:
            return error(404, "Not Found")
        }
    }

    func createExport(_ enterprise: String, body: [UInt8]) -> HTTPResponse {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let type = object["report_type"] as? String, let start = object["start_date"] as? String
        else {
            return error(422, "Invalid request: report_type and start_date are required.")
        }
        guard ["detailed", "summarized", "premium_request", "ai_credit"].contains(type) else {
            return error(422, "Invalid request: report_type must be one of detailed, summarized, premium_request, ai_credit.")
        }
        let now = clock.now()
        let end = object["end_date"] as? String ?? SimulatedCalendar.day(now)
        guard let startDay = SimulatedCalendar.dayStart(start), let endDay = SimulatedCalendar.dayStart(end), startDay <= endDay else {
            return error(422, "Invalid request: start_date and end_date must be days (YYYY-MM-DD), start first.")
        }
        let export = state.withLock { state -> SimulatedExport in
            state.exports.created += 1
            let export = SimulatedExport(
                id: Self.exportID(state.exports.created),
                enterprise: enterprise,
                reportType: type,
                startDate: start,
                endDate: end,
                createdAt: now
            )
            state.exports.exports.append(export)
            return export
        }
        var response = json(exportJSON(export, now: now))
        response.status = 202
        return response
    }

    /// One status check: `processing` for the first `processingChecks`, then done.
    func checkExport(_ enterprise: String, id: String) -> HTTPResponse {
        let now = clock.now()
        let found = state.withLock { state -> SimulatedExport? in
            guard let index = state.exports.exports.firstIndex(where: { $0.id == id && $0.enterprise == enterprise }) else { return nil }
            var export = state.exports.exports[index]
            if export.status == "processing" {
                export.checks += 1
                if export.checks > state.exports.behaviour.processingChecks {
                    if state.exports.behaviour.failing > 0 {
                        state.exports.behaviour.failing -= 1
                        export.status = "failed"
                    } else {
                        export.status = "completed"
                        export.completedAt = now
                    }
                }
            }
            state.exports.exports[index] = export
            return export
        }
        guard let found else { return error(404, "Not Found") }
        return json(exportJSON(found, now: now))
    }

    /// The export object as GitHub writes it (not to be called with `state` locked).
    func exportJSON(_ export: SimulatedExport, now: Double) -> String {
        var pairs = [
            ("id", JSONText.quote(export.id)), ("report_type", JSONText.quote(export.reportType)),
            ("start_date", JSONText.quote(export.startDate)), ("end_date", JSONText.quote(export.endDate)),
            ("status", JSONText.quote(export.status)),
        ]
        if export.status == "completed", let completedAt = export.completedAt {
            let (parts, lifetime) = state.withLock { ($0.exports.behaviour.parts, $0.exports.behaviour.linkLifetime) }
            let expiry = Int(completedAt + lifetime)
            let links = (1...max(1, parts)).map { part in
                JSONText.quote("\(baseURL)/export-downloads/\(export.id)/part-\(part).csv?se=\(expiry)&sp=r&sig=SIMULATED")
            }
            pairs.append(("download_urls", "[" + links.joined(separator: ",") + "]"))
        }
        pairs += [("created_at", JSONText.quote(SimulatedCalendar.timestamp(export.createdAt))), ("actor", "\"simulated-admin\"")]
        return JSONText.object(pairs)
    }
}
