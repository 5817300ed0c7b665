extension GitHubSimulator {
    /// One users-report line in the documented shape (keys in GitHub's alphabetical order):
    /// the user's simulated activity with every field of the field reference.
    func userRecord(
        _ user: UserDayValue,
        day: String,
        scope: ReportScope,
        scenario: SimulatorScenario,
        window: (start: String, end: String)?
    ) -> String {
        let activity = SimulatedActivity.make(seed: scenario.activitySeed, login: user.login, day: day)
        var sums = SimulatedAggregate()
        sums.add(activity)
        let sampledAt = JSONText.quote("\(day)T09:00:00.000Z")
        var pairs = sums.fields()
        pairs.removeAll { $0.0 == "totals_by_ide" || $0.0 == "totals_by_cli" }
        let ides = sums.byIDE.map { ide, counters in
            let versions = SimulatedActivity.versions(login: user.login, ide: ide, day: day)
            let label: [(String, String)] = [
                ("ide", JSONText.quote(ide)),
                (
                    "last_known_ide_version",
                    JSONText.object([("ide_version", JSONText.quote(versions.ideVersion)), ("sampled_at", sampledAt)])
                ),
                (
                    "last_known_plugin_version",
                    JSONText.object([
                        ("plugin", JSONText.quote(versions.plugin)), ("plugin_version", JSONText.quote(versions.pluginVersion)),
                        ("sampled_at", sampledAt),
                    ])
                ),
            ]
            return (label, counters)
        }
        pairs.append(("totals_by_ide", SimulatedAggregate.array(ides)))
        if let cli = activity.cli {
            pairs.append(
                (
                    "totals_by_cli",
                    SimulatedAggregate.cliJSON(cli, version: ("1.0.\(FNV1a.hash(Array(user.login.utf8)) % 12)", "\(day)T10:00:00.000Z"))
                )
            )
        }
        if let credits = user.credits { pairs.append(("ai_credits_used", Self.number(credits))) }
        if let window {
            pairs += [("report_start_day", JSONText.quote(window.start)), ("report_end_day", JSONText.quote(window.end))]
        }
        pairs += [
            ("day", JSONText.quote(day)), (scope.field, JSONText.quote(scope.id)), ("used_agent", String(activity.usedAgent)),
            ("used_chat", String(activity.usedChat)), ("used_cli", String(activity.cli != nil)),
            ("used_copilot_cloud_agent", String(activity.cloudAgent)),
            ("used_copilot_code_review_active", String(activity.codeReviewActive)),
            ("used_copilot_code_review_passive", String(activity.codeReviewPassive)), ("user_id", String(user.userID)),
            ("user_login", JSONText.quote(user.login)),
        ]
        return JSONText.object(pairs.sorted { $0.0 < $1.0 } + [("day_partition", JSONText.quote(day))])
    }

    /// The fields of an organization's or enterprise's report day: the sums of its users'
    /// records that day, active users per surface over 1, 7 and 28 days, and pull requests.
    func aggregateDay(_ day: String, scope: ReportScope, scenario: SimulatorScenario) -> [(String, String)] {
        guard let dayStart = SimulatedCalendar.dayStart(day) else { return [] }
        var sums = SimulatedAggregate()
        for user in scenario.userDays(scope.organizations, day: day) {
            sums.add(SimulatedActivity.make(seed: scenario.activitySeed, login: user.login, day: day))
        }
        // Users active on each surface, over the last 1, 7 and 28 days.
        var sets: [String: Set<String>] = [:]
        for back in 0..<28 {
            let date = SimulatedCalendar.day(dayStart - Double(back) * 86_400)
            for user in scenario.userDays(scope.organizations, day: date) {
                let used = SimulatedActivity.make(seed: scenario.activitySeed, login: user.login, day: date, counters: false)
                let surfaces: [(String, Bool)] = [
                    ("users", true), ("chat", used.usedChat), ("agent", used.usedAgent), ("cli", used.cli != nil),
                    ("cloud", used.cloudAgent), ("review", used.codeReviewActive), ("passive", used.codeReviewPassive),
                ]
                for (surface, yes) in surfaces where yes {
                    for (period, days) in [("daily", 1), ("weekly", 7), ("monthly", 28)] where back < days {
                        sets["\(period)/\(surface)", default: []].insert(user.login)
                    }
                }
            }
        }
        func count(_ key: String) -> String { String(sets[key]?.count ?? 0) }
        var pairs = sums.fields()
        pairs += [
            ("day", JSONText.quote(day)), (scope.field, JSONText.quote(scope.id)),
            ("monthly_active_chat_users", count("monthly/chat")), ("monthly_active_agent_users", count("monthly/agent")),
            ("daily_active_cli_users", count("daily/cli")),
        ]
        for period in ["daily", "weekly", "monthly"] {
            pairs += [
                ("\(period)_active_users", count("\(period)/users")),
                ("\(period)_active_copilot_cloud_agent_users", count("\(period)/cloud")),
                ("\(period)_active_copilot_code_review_users", count("\(period)/review")),
                ("\(period)_passive_copilot_code_review_users", count("\(period)/passive")),
            ]
        }
        var pulls = SimulatedPullRequests()
        for organization in scope.organizations { pulls += SimulatedPullRequests(organization: organization, day: day) }
        pairs.append(("pull_requests", pulls.json(key: "\(scope.key)/\(day)")))
        return pairs.sorted { $0.0 < $1.0 }
    }
}
