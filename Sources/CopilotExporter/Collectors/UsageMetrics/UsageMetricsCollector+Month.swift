import GitHubAPI
import PrometheusExposition
import Synchronization

/// The users reports of the newest day and of the month to date.
public struct UsersMonth: Sendable, Equatable {
    public var newest: NewestUsers
    public var monthToDate: MonthToDate
}

extension UsageMetricsCollector {
    /// Per-user values of the newest day and sums over the month to date. Days older than the
    /// revision window are final once read: folded into the report cache (on the month's first
    /// poll, from the 28-day report where it covers them); newer days, and days not published
    /// yet, are asked for on every poll.
    func usersMonth(
        _ scope: Scope,
        newest: (day: Int, links: ReportLinks),
        now: Double,
        context: CollectionContext
    ) async throws -> UsersMonth {
        let usersReport = Self.reports(scope).users
        let period = BillingPeriod(containing: now)
        let month = String(RFC3339.day(period.start).prefix(7))
        let monthStart = Int(period.start / 86_400)
        let finalBefore = finalBefore(today: Int((now / 86_400).rounded(.down)))
        var newestUsers: NewestUsers?
        var recent = MonthToDate()
        // The newest day may still lie in the previous month, in the first days of a month.
        let days = newest.day >= monthStart ? Array(monthStart...newest.day) : []
        var known = days.isEmpty ? [] : await context.reports.finalDays(scope, month: month)
        if known.isEmpty {
            let filled = try await fillFromLatest(
                scope,
                month: month,
                days: days.filter { $0 < finalBefore },
                newestDay: newest.day,
                context: context
            )
            known = filled.days
            newestUsers = filled.newest
        }
        // Users a day's report is expected to name (those of the newest final day, then of
        // the previous day read), for room in its tables at once. Not the month's users: a
        // day kept as the newest final one would hold the month's room until the next fold.
        var expectedUsers = await context.reports.newestFinalUsers(scope)
        for day in days {
            let dayText = RFC3339.day(Double(day) * 86_400)
            let isFinal = day < finalBefore
            if isFinal && known.contains(dayText) { continue }
            var dayLinks: ReportLinks? = day == newest.day ? newest.links : nil
            if dayLinks == nil, case .published(let links) = try await links(scope, report: usersReport, day: day, context: context) {
                dayLinks = links
            }
            guard let dayLinks else {
                // Not published yet (GitHub documents no deadline): nothing counts for it now,
                // and it is asked for again on the next poll; only a day read is final.
                if isFinal {
                    context.notice(
                        "The Copilot users report for \(dayText) is not published yet for \(scope); the month-to-date sums "
                            + "leave it out until it is, and it is asked for again on each poll."
                    )
                }
                continue
            }
            let users = try await usersDay(dayLinks, scope: scope, report: usersReport, expectedUsers: expectedUsers, context: context)
            expectedUsers = users.credits.count
            if day == newest.day { newestUsers = NewestUsers(users) }
            if isFinal {
                await context.reports.fold(scope, month: month, day: dayText, users: users)
            } else {
                recent.add(users, on: dayText)
            }
        }
        if newestUsers == nil {
            newestUsers = await context.reports.finalUsersDay(scope, day: RFC3339.day(Double(newest.day) * 86_400))
        }
        if newestUsers == nil {
            newestUsers = NewestUsers(
                try await usersDay(newest.links, scope: scope, report: usersReport, expectedUsers: expectedUsers, context: context)
            )
        }
        var monthToDate = await context.reports.monthToDate(scope, month: month)
        monthToDate.merge(recent)
        return UsersMonth(newest: newestUsers ?? NewestUsers(), monthToDate: monthToDate)
    }

    /// Per-user values of one users report (all its parts), read as a stream, in tables with
    /// room for `expectedUsers` at once.
    func usersDay(
        _ links: ReportLinks,
        scope: Scope,
        report: String,
        expectedUsers: Int = 0,
        context: CollectionContext
    ) async throws -> UsersDay {
        let reader = NDJSONReader(parse: UserDayRecord.read)
        let users = Mutex(UsersDay(reserving: expectedUsers))
        for link in links.downloadLinks {
            try await context.client.download(link, endpoint: "GET \(Self.reports(scope).base)/\(report)") { chunk in
                reader.feed(chunk) { record in users.withLock { $0.add(record) } }
            }
            reader.finish { record in users.withLock { $0.add(record) } }
        }
        if reader.skippedLines > 0 {
            context.notice("Skipped \(reader.skippedLines) unreadable lines in a Copilot \(report) report for \(scope).")
        }
        return users.withLock { $0 }
    }

    /// The users-report families beyond AI credits: users per IDE and plugin version (newest
    /// day) and each user's active days and interactions in the month to date.
    static func userFamilies(_ users: UsersMonth, scope: Label, notice: (String) -> Void) -> [MetricFamily] {
        let cached = AdoptionFamilies.cached
        if users.newest.versionsCut > 0 {
            notice(
                "The newest Copilot users report names more than \(UsersDay.maxVersions) IDE or plugin versions "
                    + "(or overly long ones); \(users.newest.versionsCut) are left out."
            )
        }
        func versions(_ table: [UsersDay.VersionKey: Int], _ name: String) -> [Sample] {
            table.map { key, users in
                Sample(labels: [scope, Label(name, key.name), Label("version", key.version)], value: Double(users))
            }
        }
        let families = [
            MetricFamily(
                name: "github_copilot_users_by_ide_version",
                help: "Users whose last known IDE version (totals_by_ide[].last_known_ide_version) is this one, on the newest report day."
                    + cached,
                samples: versions(users.newest.ideVersions, "ide")
            ),
            MetricFamily(
                name: "github_copilot_users_by_plugin_version",
                help: "Users whose last known Copilot plugin version (totals_by_ide[].last_known_plugin_version) is this one, "
                    + "on the newest report day." + cached,
                samples: versions(users.newest.pluginVersions, "plugin")
            ),
            MetricFamily(
                name: "github_copilot_user_active_days_month_to_date",
                help: "Report days of the current UTC month on which the user was active." + cached,
                labels: [scope],
                series: users.monthToDate.activeDaysSeries
            ),
            MetricFamily(
                name: "github_copilot_user_interactions_month_to_date",
                help: "User-initiated interactions of the user, summed over the report days of the current UTC month." + cached,
                labels: [scope],
                series: users.monthToDate.interactionsSeries
            ),
        ]
        return families.filter { $0.sampleCount > 0 }
    }
}
