import Foundation
import WebServer

extension GitHubSimulator {
    /// `GET /orgs/{org}/copilot/metrics/reports/{users-1-day|organization-1-day}?day=` and the
    /// enterprise equivalents: links to NDJSON files on the simulator's storage path.
    func reportLinks(kind: String, slug: String, report: String, request: HTTPRequest, scenario: SimulatorScenario) -> HTTPResponse {
        let isOrg = kind == "orgs"
        let organizations: [String]
        if isOrg {
            guard let org = scenario.organization(slug), report == "users-1-day" || report == "organization-1-day" else {
                return error(404, "Not Found")
            }
            organizations = [org.login]
        } else {
            guard let enterprise = scenario.enterprise(slug), report == "users-1-day" || report == "enterprise-1-day" else {
                return error(404, "Not Found")
            }
            organizations = enterprise.organizations
        }
        if scenario.reports.disabled.contains("\(isOrg ? "org" : "enterprise")/\(slug)") { return error(404, "Not Found") }
        guard let day = request.queryValue("day"), let dayStart = SimulatedCalendar.dayStart(day) else {
            return error(422, "Invalid request: day is required (YYYY-MM-DD).")
        }
        let today = (clock.now() / 86_400).rounded(.down) * 86_400
        let lag = scenario.reports.publicationLagDays + (scenario.reports.lateDays[day] ?? 0)
        guard dayStart <= today - Double(lag) * 86_400, !organizations.isEmpty else {
            // Not published yet: organizations answer 204, enterprises 404.
            return isOrg ? HTTPResponse(status: 204) : error(404, "Not Found")
        }
        let parts = max(1, scenario.reports.parts)
        let links = (1...parts).map { part in
            JSONText.quote(
                "\(baseURL)/downloads/\(kind)/\(slug)/\(report)/\(day)/part-\(part).ndjson?sv=2025-05-05&se=2099-01-01&sig=SIMULATED"
            )
        }
        return json(JSONText.object([("download_links", "[" + links.joined(separator: ",") + "]"), ("report_day", JSONText.quote(day))]))
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
        guard parts.count == 6, let partNumber = Int(parts[5].dropFirst("part-".count).prefix { $0.isNumber }) else {
            return HTTPResponse(status: 404)
        }
        let (kind, slug, report, day) = (parts[1], parts[2], parts[3], parts[4])
        let isOrg = kind == "orgs"
        let organizations = isOrg ? [slug] : scenario.enterprise(slug)?.organizations ?? []
        let scopeField = isOrg ? "organization_id" : "enterprise_id"
        let scopeID = isOrg ? String(scenario.organization(slug)?.id ?? 0) : String(FNV1a.hash(Array(slug.utf8)) % 100_000)
        let total = max(1, scenario.reports.parts)
        var body = ""
        if report == "users-1-day" {
            for (index, user) in scenario.userDays(organizations, day: day).enumerated() where index % total == partNumber - 1 {
                appendUserRecord(user, day: day, scopeField: scopeField, scopeID: scopeID, to: &body)
            }
        } else if partNumber == 1 {
            guard let dayStart = SimulatedCalendar.dayStart(day) else { return HTTPResponse(status: 404) }
            func distinct(_ days: Int) -> Int {
                var users = Set<String>()
                for back in 0..<days {
                    for user in scenario.userDays(organizations, day: SimulatedCalendar.day(dayStart - Double(back) * 86_400)) {
                        users.insert(user.login)
                    }
                }
                return users.count
            }
            let daily = distinct(1)
            body +=
                JSONText.object([
                    ("day", JSONText.quote(day)), (scopeField, JSONText.quote(scopeID)), ("daily_active_users", String(daily)),
                    ("weekly_active_users", String(distinct(7))), ("monthly_active_users", String(distinct(28))),
                    ("monthly_active_chat_users", String(daily / 2)), ("monthly_active_agent_users", String(daily / 3)),
                    ("user_initiated_interaction_count", String(daily * 14)), ("code_generation_activity_count", String(daily * 40)),
                    ("code_acceptance_activity_count", String(daily * 12)), ("totals_by_ide", "[]"), ("totals_by_feature", "[]"),
                ]) + "\n"
        }
        return HTTPResponse(status: 200, headers: [("Content-Type", "application/x-ndjson")], body: Array(body.utf8))
    }

    /// One users-report line in the documented shape, `ai_credits_used` first.
    func appendUserRecord(_ user: UserDayValue, day: String, scopeField: String, scopeID: String, to out: inout String) {
        let activity = Int(FNV1a.hash(Array("\(user.login)\(day)".utf8)) % 40) + 1
        out += "{"
        if let credits = user.credits { out += "\"ai_credits_used\":\(Self.number(credits))," }
        out += "\"code_acceptance_activity_count\":\(activity / 3),\"code_generation_activity_count\":\(activity),"
        out += "\"day\":\"\(day)\",\"\(scopeField)\":\"\(scopeID)\",\"loc_added_sum\":\(activity * 4),\"loc_deleted_sum\":\(activity / 2),"
        out += "\"loc_suggested_to_add_sum\":\(activity * 6),\"loc_suggested_to_delete_sum\":0,"
        out += "\"totals_by_feature\":[{\"feature\":\"code_completion\",\"code_generation_activity_count\":\(activity),"
        out += "\"code_acceptance_activity_count\":\(activity / 3),\"user_initiated_interaction_count\":0}],"
        out += "\"totals_by_ide\":[{\"ide\":\"vscode\",\"code_generation_activity_count\":\(activity),"
        out += "\"last_known_ide_version\":{\"ide_version\":\"1.96.2\",\"sampled_at\":\"\(day)T09:00:00.000Z\"}}],"
        out += "\"used_agent\":\(activity % 3 == 0),\"used_chat\":\(activity % 2 == 0),\"user_id\":\(user.userID),"
        out += "\"user_initiated_interaction_count\":\(activity / 2),\"user_login\":\(JSONText.quote(user.login))}\n"
    }
}
