import CopilotExporter
import Foundation

extension SimulatedSeat {
    /// The seat as GitHub's "Copilot Business Seat Detail" JSON.
    func json(baseURL: String, organizationID: Int) -> String {
        let user = "\(baseURL)/users/\(login)"
        let assignee = JSONText.object([
            ("login", JSONText.quote(login)), ("id", String(userID)), ("node_id", JSONText.quote("U_kgDO\(userID)")),
            ("avatar_url", JSONText.quote("https://avatars.githubusercontent.com/u/\(userID)?v=4")),
            ("gravatar_id", "\"\""), ("url", JSONText.quote(user)), ("html_url", JSONText.quote("https://github.com/\(login)")),
            ("followers_url", JSONText.quote(user + "/followers")),
            ("following_url", JSONText.quote(user + "/following{/other_user}")),
            ("gists_url", JSONText.quote(user + "/gists{/gist_id}")),
            ("starred_url", JSONText.quote(user + "/starred{/owner}{/repo}")),
            ("subscriptions_url", JSONText.quote(user + "/subscriptions")),
            ("organizations_url", JSONText.quote(user + "/orgs")), ("repos_url", JSONText.quote(user + "/repos")),
            ("events_url", JSONText.quote(user + "/events{/privacy}")),
            ("received_events_url", JSONText.quote(user + "/received_events")), ("type", "\"User\""),
            ("user_view_type", "\"public\""), ("site_admin", "false"),
        ])
        let organizationJSON = JSONText.object([
            ("login", JSONText.quote(organization)), ("id", String(organizationID)),
            ("node_id", JSONText.quote("O_kgDO\(organizationID)")),
            ("url", JSONText.quote("\(baseURL)/orgs/\(organization)")),
            ("repos_url", JSONText.quote("\(baseURL)/orgs/\(organization)/repos")),
            ("avatar_url", JSONText.quote("https://avatars.githubusercontent.com/u/\(organizationID)?v=4")),
            ("description", "null"),
        ])
        let team = assigningTeam.map { slug in
            JSONText.object([
                ("id", String(FNV1a.hash(Array(slug.utf8)) % 100_000)), ("node_id", JSONText.quote("T_\(slug)")),
                ("url", JSONText.quote("\(baseURL)/orgs/\(organization)/teams/\(slug)")),
                ("html_url", JSONText.quote("https://github.com/orgs/\(organization)/teams/\(slug)")),
                ("name", JSONText.quote(slug.capitalized)), ("slug", JSONText.quote(slug)), ("description", "null"),
                ("privacy", "\"closed\""), ("notification_setting", "\"notifications_enabled\""), ("permission", "\"pull\""),
                ("members_url", JSONText.quote("\(baseURL)/teams/\(slug)/members{/member}")),
                ("repositories_url", JSONText.quote("\(baseURL)/teams/\(slug)/repos")), ("parent", "null"),
            ])
        } ?? "null"
        var pairs: [(String, String)] = [
            ("created_at", JSONText.quote(RFC3339.timestamp(createdAt))),
            ("updated_at", JSONText.quote(RFC3339.timestamp(createdAt))),
            ("pending_cancellation_date", JSONText.string(pendingCancellationDate)),
            ("last_activity_at", JSONText.string(lastActivityAt.map(RFC3339.timestamp))),
            ("last_activity_editor", JSONText.string(lastActivityEditor)),
            ("last_authenticated_at", JSONText.string(lastActivityAt.map(RFC3339.timestamp))),
        ]
        if let planType { pairs.append(("plan_type", JSONText.quote(planType))) }
        pairs += [("assignee", login.isEmpty ? "null" : assignee), ("organization", organizationJSON), ("assigning_team", team)]
        return JSONText.object(pairs)
    }
}
