import GitHubAPI

/// What the usage-metrics collector keeps between polls: the per-user sums (AI credits,
/// interactions, active days) of report days that were read and that GitHub no longer
/// revises, so each of those days is downloaded at most once. A day not published yet is
/// never folded here.
///
/// Memory is one entry per user for the month's sums (all three in one), plus the newest final day's
/// per-user credits and its users per IDE and plugin version (for the newest-day series when
/// the revision window is empty), both packed (`PackedTable`): 40 and 24 bytes a user. A new
/// month starts afresh.
public actor ReportCache {
    struct Month {
        var month: String
        var finalDays: Set<String> = []
        /// `MonthToDate.users`, packed.
        var sums = PackedTable<MonthToDate.Sums>()
    }

    var months: [Scope: Month] = [:]
    /// Counts folds, so `--storage.path` writes the cache only when it changed.
    var generation = 0
    var newestFinal: [Scope: (day: String, users: NewestUsers)] = [:]

    public init() {}

    /// Final days already folded into the sums of `month` (`YYYY-MM`) for `scope`.
    func finalDays(_ scope: Scope, month: String) -> Set<String> {
        months[scope]?.month == month ? months[scope]!.finalDays : []
    }

    /// Adds a final day's per-user credits, as read from its report, to the month's sums.
    func fold(_ scope: Scope, month: String, day: String, credits: [String: Double]) {
        fold(scope, month: month, day: day, users: UsersDay(credits: credits))
    }

    /// Adds a final day's per-user values, as read from its report, to the month's sums.
    func fold(_ scope: Scope, month: String, day: String, users: UsersDay) {
        var entry = months[scope]?.month == month ? months[scope]! : Month(month: month)
        guard entry.finalDays.insert(day).inserted else { return }
        var sums = MonthToDate(users: entry.sums.table(reserving: users.credits.count))
        sums.add(users, on: day)
        entry.sums = PackedTable(sums.users)
        months[scope] = entry
        generation += 1
        if day >= (newestFinal[scope]?.day ?? "") { newestFinal[scope] = (day, NewestUsers(users)) }
    }

    /// Adds several final days at once (read from a 28-day report): their sums, and the
    /// newest of them when it was read in full. Refused when any of `days` is already folded.
    func fold(_ scope: Scope, month: String, days: Set<String>, sums: MonthToDate, newest: (day: String, users: NewestUsers)?) {
        var entry = months[scope]?.month == month ? months[scope]! : Month(month: month)
        guard entry.finalDays.isDisjoint(with: days) else { return }
        entry.finalDays.formUnion(days)
        var merged = MonthToDate(users: entry.sums.table(reserving: sums.users.count))
        merged.merge(sums)
        entry.sums = PackedTable(merged.users)
        months[scope] = entry
        generation += 1
        if let newest, newest.day >= (newestFinal[scope]?.day ?? "") { newestFinal[scope] = newest }
    }

    /// The folded per-user credit sums of `month`.
    func sums(_ scope: Scope, month: String) -> [String: Double] {
        monthToDate(scope, month: month).credits
    }

    /// The folded per-user sums of `month`.
    func monthToDate(_ scope: Scope, month: String) -> MonthToDate {
        months[scope]?.month == month ? MonthToDate(users: months[scope]!.sums.table()) : MonthToDate()
    }

    /// Per-user credits of a final day, when it is the newest folded one.
    func finalDay(_ scope: Scope, day: String) -> [String: Double]? {
        finalUsersDay(scope, day: day)?.credits.table()
    }

    /// Users in the month sums plus users and versions of the newest final days kept, for
    /// `github_copilot_exporter_cache_entries`.
    public func entryCount() -> Int {
        months.values.reduce(0) { $0 + $1.sums.count }
            + newestFinal.values.reduce(0) { $0 + $1.users.credits.count + $1.users.ideVersions.count + $1.users.pluginVersions.count }
    }

    /// Users with credits on the newest final day kept (0 when none is), to size a day's tables.
    func newestFinalUsers(_ scope: Scope) -> Int {
        newestFinal[scope]?.users.credits.count ?? 0
    }

    /// What the newest-day families need of a final day, when it is the newest folded one.
    func finalUsersDay(_ scope: Scope, day: String) -> NewestUsers? {
        newestFinal[scope]?.day == day ? newestFinal[scope]!.users : nil
    }
}
