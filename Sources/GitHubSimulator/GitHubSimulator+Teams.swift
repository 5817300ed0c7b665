import Foundation
import WebServer

extension GitHubSimulator {
    /// `GET /orgs/{org}/copilot/metrics/reports/user-teams-1-day?day=` and the enterprise
    /// equivalent: links to NDJSON files, published on the same days as the users report.
    func userTeamsLinks(kind: String, slug: String, request: HTTPRequest, scenario: SimulatorScenario) -> HTTPResponse {
        let isOrg = kind == "orgs"
        guard isOrg ? scenario.organization(slug) != nil : scenario.enterprise(slug) != nil else { return error(404, "Not Found") }
        if scenario.reports.disabled.contains("\(isOrg ? "org" : "enterprise")/\(slug)") { return error(404, "Not Found") }
        guard let day = request.queryValue("day"), let dayStart = SimulatedCalendar.dayStart(day) else {
            return error(422, "Invalid request: day is required (YYYY-MM-DD).")
        }
        let today = (clock.now() / 86_400).rounded(.down) * 86_400
        let lag = scenario.reports.publicationLagDays + (scenario.reports.lateDays[day] ?? 0)
        guard dayStart <= today - Double(lag) * 86_400 else {
            return isOrg ? HTTPResponse(status: 204) : error(404, "Not Found")
        }
        let links = (1...max(1, scenario.reports.parts)).map { part in
            JSONText.quote(
                "\(baseURL)/downloads/\(kind)/\(slug)/user-teams-1-day/\(day)/part-\(part).ndjson?sv=2025-05-05&se=2099-01-01&sig=SIMULATED"
            )
        }
        return json(JSONText.object([("download_links", "[" + links.joined(separator: ",") + "]"), ("report_day", JSONText.quote(day))]))
    }

    /// One part of a user-teams report (`/downloads/{kind}/{slug}/user-teams-1-day/{day}/part-N.ndjson`);
    /// refuses an Authorization header, as a SAS-signed store does.
    func userTeamsDownload(_ request: HTTPRequest, scenario: SimulatorScenario) -> HTTPResponse {
        guard request.header("authorization") == nil else { return HTTPResponse(status: 400) }
        guard request.queryValue("sig") != nil else { return HTTPResponse(status: 403) }
        let parts = request.path.split(separator: "/").map(String.init)
        guard parts.count == 6, let part = Int(parts[5].dropFirst("part-".count).prefix { $0.isNumber }) else {
            return HTTPResponse(status: 404)
        }
        let (kind, slug, day) = (parts[1], parts[2], parts[4])
        let isOrg = kind == "orgs"
        let organizations = isOrg ? [slug] : scenario.enterprise(slug)?.organizations ?? []
        let scopeField = isOrg ? "organization_id" : "enterprise_id"
        let scopeID = isOrg ? String(scenario.organization(slug)?.id ?? 0) : String(FNV1a.hash(Array(slug.utf8)) % 100_000)
        let total = max(1, scenario.reports.parts)
        var body = ""
        for (index, line) in scenario.userTeams(organizations, day: day).enumerated() where index % total == part - 1 {
            body +=
                JSONText.object([
                    ("user_id", String(line.userID)), ("user_login", JSONText.quote(line.login)), ("day", JSONText.quote(day)),
                    (scopeField, JSONText.quote(scopeID)), ("team_id", String(line.teamID)), ("slug", JSONText.quote(line.slug)),
                ]) + "\n"
        }
        return HTTPResponse(status: 200, headers: [("Content-Type", "application/x-ndjson")], body: Array(body.utf8))
    }
}
