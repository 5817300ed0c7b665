public import GitHubAPI
public import PrometheusExposition

/// Per-team members, active users, AI credits and activity: the `user-teams-1-day` report
/// joined with the `users-1-day` report on `user_id` and day. GitHub leaves out teams with
/// fewer than 5 seated users that day; a user in several teams counts in each.
///
/// It reads the reports with the usage-metrics collector's machinery: the newest published
/// users day (looking back up to its `lookbackDays`), report links, downloads without the
/// token. Days older than the revision window are final once joined: each is downloaded once
/// and its per-team credits are folded into the `TeamReportCache`.
public struct TeamsCollector: Collector {
    public let name = CollectorName.teams
    public let defaultInterval = 21_600.0
    public let summary = "per-team members, active users, AI credits and activity from the user-teams and users reports"
    public let intervalReason = "reports appear once a day"
    public let requestsPerPoll =
        "2 to 6 link requests (the newest users day, looking back up to 3 days, as usage_metrics also does; its user-teams "
        + "report; both reports of the revision window's other day); the first poll of a month also 2 per day so far, and "
        + "every poll 2 per earlier day of the month not published yet; report downloads go to another host and do not count"
    public var access: [CollectorAccess] { usage.access }
    /// The usage-metrics collector whose lookback, revision window and report access this uses.
    public var usage = UsageMetricsCollector()
    static let report = "user-teams-1-day"

    public init() {}

    public func collect(_ scope: Scope, context: CollectionContext) async throws -> [MetricFamily] {
        let now = context.clock.now()
        let today = Int((now / 86_400).rounded(.down))
        guard let newest = try await usage.newestUsersReport(scope, today: today, context: context) else { return [] }
        let newestText = RFC3339.day(Double(newest.day) * 86_400)
        let period = BillingPeriod(containing: now)
        let month = String(RFC3339.day(period.start).prefix(7))
        let monthStart = Int(period.start / 86_400)
        let finalBefore = usage.finalBefore(today: today)
        var newestTeams: TeamDay?
        var newestMissing: (report: String, status: Int)?
        var recentSums: [String: Double] = [:]
        // The newest day may still lie in the previous month, in the first days of a month.
        let days = newest.day >= monthStart ? Array(monthStart...newest.day) : []
        let known = days.isEmpty ? [] : await context.teamReports.finalDays(scope, month: month)
        for day in days {
            let dayText = RFC3339.day(Double(day) * 86_400)
            let isFinal = day < finalBefore
            if isFinal && known.contains(dayText) {
                continue
            }
            switch try await teamDay(scope, day: day, usersLinks: day == newest.day ? newest.links : nil, context: context) {
            case .joined(let teams):
                if day == newest.day { newestTeams = teams }
                if isFinal {
                    await context.teamReports.fold(scope, month: month, day: dayText, teams: teams)
                } else {
                    recentSums.merge(teams.credits, uniquingKeysWith: +)
                }
            case .notPublished(let report, let status):
                if day == newest.day { newestMissing = (report, status) }
                if isFinal {
                    context.notice(
                        "The Copilot \(report) report for \(dayText) is not published yet for \(scope); the per-team month-to-date "
                            + "sums leave that day out until it is, and it is asked for again on each poll."
                    )
                }
            }
        }
        if newestTeams == nil, newestMissing == nil {
            newestTeams = await context.teamReports.finalDay(scope, day: newestText)
        }
        if newestTeams == nil, newestMissing == nil {
            switch try await teamDay(scope, day: newest.day, usersLinks: newest.links, context: context) {
            case .joined(let teams): newestTeams = teams
            case .notPublished(let report, let status): newestMissing = (report, status)
            }
        }
        guard let newestTeams else {
            let missing = newestMissing ?? (Self.report, 204)
            // The users report of that day is published: a 404 here means the user-teams report
            // cannot be read (the last good values stay); a 204 means no team data that day.
            if missing.status == 404 {
                throw GitHubAPIError.reportsUnavailable(endpoint: endpoint(scope, missing.report), days: 1)
            }
            context.notice("The Copilot \(missing.report) report for \(newestText) has no data for \(scope); no team series are shown.")
            return []
        }
        let monthToDate = await context.teamReports.sums(scope, month: month).merging(recentSums, uniquingKeysWith: +)
        return Self.families(scope: scope, newest: newestTeams, monthToDate: monthToDate)
    }

    static func families(scope: Scope, newest: TeamDay, monthToDate: [String: Double]) -> [MetricFamily] {
        let scopeLabel = Label(scope.labelName, scope.slug)
        let never = " A user in several teams counts in each: never sum over team."
        let cached =
            " From the Copilot user-teams and users reports (published daily; teams under 5 seated users are left out by GitHub); "
            + "refreshed on the collector's interval, not per scrape."
        func family<V: BinaryInteger>(_ name: String, _ help: String, _ values: [String: V]) -> MetricFamily {
            MetricFamily(
                name: name,
                help: help + never + cached,
                samples: values.map { Sample(labels: [scopeLabel, Label("team", $0.key)], value: Double($0.value)) }
            )
        }
        func family(_ name: String, _ help: String, _ values: [String: Double]) -> MetricFamily {
            MetricFamily(
                name: name,
                help: help + never + cached,
                samples: values.map { Sample(labels: [scopeLabel, Label("team", $0.key)], value: $0.value) }
            )
        }
        return [
            family("github_copilot_team_members", "Members of the team on the newest report day.", newest.members),
            family(
                "github_copilot_team_active_users",
                "Members of the team with Copilot activity on the newest report day.",
                newest.activeUsers
            ),
            family("github_copilot_team_ai_credits_used", "AI credits the team's members used on the newest report day.", newest.credits),
            family(
                "github_copilot_team_ai_credits_used_month_to_date",
                "AI credits the team's members used, summed over the report days of the current UTC month (each day's members).",
                monthToDate
            ),
            family(
                "github_copilot_team_interactions",
                "User-initiated Copilot interactions of the team's members on the newest report day.",
                newest.interactions
            ),
            family(
                "github_copilot_team_code_acceptances",
                "Code acceptance activity of the team's members on the newest report day.",
                newest.acceptances
            ),
        ]
    }
}

extension CollectorName {
    public static let teams = CollectorName(declaring: "teams")
}

extension TeamsCollector {
    /// Asks for yesterday's user-teams report: 404 means the reports cannot be read (or not
    /// yet, for an enterprise); 204 means readable but nothing published.
    public func probe(_ scope: Scope, context: ProbeContext) async -> CollectorProbe {
        var probe = CollectorProbe()
        let path = UsageMetricsCollector.reports(scope).base + "/" + Self.report
        let yesterday = RFC3339.day((context.now / 86_400).rounded(.down) * 86_400 - 86_400)
        let answer = await context.get(path, [("day", yesterday)])
        if case .success(let response) = answer, response.status == 204 {
            probe.endpoints.append(("GET " + path, .warning(status: "204", message: "readable, but yesterday's report has no team data")))
        } else {
            probe.record("GET " + path, answer)
        }
        probe.cost = 4
        return probe
    }
}
