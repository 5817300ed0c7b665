import Foundation
import WebServer

extension GitHubSimulator {
    /// `GET /orgs/{org}/copilot/metrics/reports/{users-1-day|organization-1-day}?day=`, the
    /// `.../{users|organization}-28-day/latest` reports and the enterprise equivalents: links
    /// to NDJSON files on the simulator's storage path.
    func reportLinks(kind: String, slug: String, report: String, request: HTTPRequest, scenario: SimulatorScenario) -> HTTPResponse {
        let isOrg = kind == "orgs"
        let aggregate = isOrg ? "organization" : "enterprise"
        let known = ["users-1-day", "\(aggregate)-1-day", "users-28-day/latest", "\(aggregate)-28-day/latest"]
        let organizations = isOrg ? scenario.organization(slug).map { [$0.login] } : scenario.enterprise(slug)?.organizations
        guard let organizations, known.contains(report) else { return error(404, "Not Found") }
        if scenario.reports.disabled.contains("\(isOrg ? "org" : "enterprise")/\(slug)") { return error(404, "Not Found") }
        let today = (clock.now() / 86_400).rounded(.down) * 86_400
        func links(_ name: String, _ day: String) -> String {
            let links = (1...max(1, scenario.reports.parts)).map { part in
                JSONText.quote(
                    "\(baseURL)/downloads/\(kind)/\(slug)/\(name)/\(day)/part-\(part).ndjson?sv=2025-05-05&se=2099-01-01&sig=SIMULATED"
                )
            }
            return "[" + links.joined(separator: ",") + "]"
        }
        if report.hasSuffix("/latest") {
            guard let window = scenario.latestWindow(today: today), !organizations.isEmpty else { return error(404, "Not Found") }
            let name = String(report.dropLast("/latest".count))
            return json(
                JSONText.object([
                    ("download_links", links(name, window.end)), ("report_start_day", JSONText.quote(window.start)),
                    ("report_end_day", JSONText.quote(window.end)),
                ])
            )
        }
        guard let day = request.queryValue("day"), SimulatedCalendar.dayStart(day) != nil else {
            return error(422, "Invalid request: day is required (YYYY-MM-DD).")
        }
        guard scenario.isPublished(day, today: today), !organizations.isEmpty else {
            // Not published yet: organizations answer 204, enterprises 404.
            return isOrg ? HTTPResponse(status: 204) : error(404, "Not Found")
        }
        return json(JSONText.object([("download_links", links(report, day)), ("report_day", JSONText.quote(day))]))
    }

    /// The signed storage URL: refuses an Authorization header, as a SAS-signed store does.
    func download(_ request: HTTPRequest, scenario: SimulatorScenario) -> HTTPResponse {
        if request.header("authorization") != nil {
            return HTTPResponse(
                status: 400,
                headers: [("Content-Type", "application/xml")],
                body: Array(
                    "<Error><Code>InvalidAuthenticationInfo</Code><Message>Authentication information is not given in the correct format.</Message></Error>"
                        .utf8
                )
            )
        }
        guard request.queryValue("sig") != nil else { return HTTPResponse(status: 403) }
        let parts = request.path.split(separator: "/").map(String.init)
        guard parts.count == 6, let partNumber = Int(parts[5].dropFirst("part-".count).prefix { $0.isNumber }),
            let dayStart = SimulatedCalendar.dayStart(parts[4])
        else {
            return HTTPResponse(status: 404)
        }
        let (kind, slug, report, day) = (parts[1], parts[2], parts[3], parts[4])
        let isOrg = kind == "orgs"
        let scope = ReportScope(
            organizations: isOrg ? [slug] : scenario.enterprise(slug)?.organizations ?? [],
            field: isOrg ? "organization_id" : "enterprise_id",
            id: isOrg ? String(scenario.organization(slug)?.id ?? 0) : String(FNV1a.hash(Array(slug.utf8)) % 100_000),
            key: "\(kind)/\(slug)"
        )
        let total = max(1, scenario.reports.parts)
        var body = ""
        switch report {
        case "users-1-day":
            for (index, user) in scenario.userDays(scope.organizations, day: day).enumerated() where index % total == partNumber - 1 {
                body += userRecord(user, day: day, scope: scope, scenario: scenario, window: nil) + "\n"
            }
        case "users-28-day":
            let start = SimulatedCalendar.day(dayStart - 27 * 86_400)
            var index = 0
            for back in (0..<28).reversed() {
                let date = SimulatedCalendar.day(dayStart - Double(back) * 86_400)
                for user in scenario.userDays(scope.organizations, day: date) {
                    if index % total == partNumber - 1 {
                        body += userRecord(user, day: date, scope: scope, scenario: scenario, window: (start, day)) + "\n"
                    }
                    index += 1
                }
            }
        case "organization-28-day", "enterprise-28-day":
            guard partNumber == 1 else { break }
            let days = (0..<28).reversed().map {
                JSONText.object(aggregateDay(SimulatedCalendar.day(dayStart - Double($0) * 86_400), scope: scope, scenario: scenario))
            }
            body +=
                JSONText.object([
                    ("day_totals", "[" + days.joined(separator: ",") + "]"), (scope.field, JSONText.quote(scope.id)),
                    ("report_end_day", JSONText.quote(day)),
                    ("report_start_day", JSONText.quote(SimulatedCalendar.day(dayStart - 27 * 86_400))),
                    ("etl_id", JSONText.quote("simulated")), ("day_partition", JSONText.quote(day)), ("entity_id_partition", scope.id),
                ]) + "\n"
        default:
            guard partNumber == 1 else { break }
            body += JSONText.object(aggregateDay(day, scope: scope, scenario: scenario)) + "\n"
        }
        return HTTPResponse(status: 200, headers: [("Content-Type", "application/x-ndjson")], body: Array(body.utf8))
    }
}

/// The organizations a report covers, and how its records name the scope.
struct ReportScope {
    var organizations: [String]
    var field: String
    var id: String
    /// `orgs/LOGIN` or `enterprises/SLUG`, for deterministic per-scope values.
    var key: String
}
