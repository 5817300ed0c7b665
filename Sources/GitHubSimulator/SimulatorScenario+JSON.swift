import Foundation

extension SimulatedSeat {
    /// The seat as GitHub's "Copilot Business Seat Detail" JSON, in GitHub's key order.
    func json(baseURL: String, organizationID: Int) -> String {
        var out = ""
        appendJSON(to: &out, baseURL: baseURL, organizationID: organizationID)
        return out
    }

    /// Appends the seat's JSON to `out` without intermediate collections: the simulator writes
    /// a hundred of these per page and must keep up with the exporter in benchmarks.
    func appendJSON(to out: inout String, baseURL: String, organizationID: Int) {
        let created = SimulatedCalendar.timestamp(createdAt)
        let activity = lastActivityAt.map(SimulatedCalendar.timestamp)
        out += "{\"created_at\":\"\(created)\",\"updated_at\":\"\(created)\",\"pending_cancellation_date\":"
        out += JSONText.string(pendingCancellationDate)
        out += ",\"last_activity_at\":"
        out += activity.map { "\"\($0)\"" } ?? "null"
        out += ",\"last_activity_editor\":"
        out += JSONText.string(lastActivityEditor)
        out += ",\"last_authenticated_at\":"
        out += activity.map { "\"\($0)\"" } ?? "null"
        if let planType { out += ",\"plan_type\":\(JSONText.quote(planType))" }
        out += ",\"assignee\":"
        if login.isEmpty {
            out += "null"
        } else {
            let user = "\(baseURL)/users/\(login)"
            out += "{\"login\":\"\(login)\",\"id\":\(userID),\"node_id\":\"U_kgDO\(userID)\","
            out += "\"avatar_url\":\"https://avatars.githubusercontent.com/u/\(userID)?v=4\",\"gravatar_id\":\"\","
            out += "\"url\":\"\(user)\",\"html_url\":\"https://github.com/\(login)\",\"followers_url\":\"\(user)/followers\","
            out += "\"following_url\":\"\(user)/following{/other_user}\",\"gists_url\":\"\(user)/gists{/gist_id}\","
            out += "\"starred_url\":\"\(user)/starred{/owner}{/repo}\",\"subscriptions_url\":\"\(user)/subscriptions\","
            out += "\"organizations_url\":\"\(user)/orgs\",\"repos_url\":\"\(user)/repos\","
            out += "\"events_url\":\"\(user)/events{/privacy}\",\"received_events_url\":\"\(user)/received_events\","
            out += "\"type\":\"User\",\"user_view_type\":\"public\",\"site_admin\":false}"
        }
        let orgURL = "\(baseURL)/orgs/\(organization)"
        if organization.isEmpty {
            out += ",\"organization\":null"
        } else {
            out += ",\"organization\":{\"login\":\"\(organization)\",\"id\":\(organizationID),\"node_id\":\"O_kgDO\(organizationID)\","
            out += "\"url\":\"\(orgURL)\",\"repos_url\":\"\(orgURL)/repos\","
            out += "\"avatar_url\":\"https://avatars.githubusercontent.com/u/\(organizationID)?v=4\",\"description\":null}"
        }
        out += ",\"assigning_team\":"
        if let slug = assigningTeam {
            let teamURL = "\(orgURL)/teams/\(slug)"
            out += "{\"id\":\(FNV1a.hash(Array(slug.utf8)) % 100_000),\"node_id\":\"T_\(slug)\",\"url\":\"\(teamURL)\","
            out += "\"html_url\":\"https://github.com/orgs/\(organization)/teams/\(slug)\",\"name\":\"\(slug.capitalized)\","
            out += "\"slug\":\"\(slug)\",\"description\":null,\"privacy\":\"closed\",\"notification_setting\":\"notifications_enabled\","
            out +=
                "\"permission\":\"pull\",\"members_url\":\"\(teamURL)/members{/member}\",\"repositories_url\":\"\(teamURL)/repos\",\"parent\":null}"
        } else {
            out += "null"
        }
        out += "}"
    }
}
