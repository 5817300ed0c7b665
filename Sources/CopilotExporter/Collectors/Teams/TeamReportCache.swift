import GitHubAPI

/// What the teams collector keeps between polls: per-team AI-credit sums of report days that
/// were joined and that GitHub no longer revises, so each of those days is downloaded at most
/// once; and the newest such day's values, for when no newer day is published. A day not
/// published yet is never folded here. A new month starts afresh.
///
/// Memory is one entry per team seen this month, plus one day's per-team values (teams are
/// bounded by `TeamMemberships.maxTeams` a day).
public actor TeamReportCache {
    struct Month {
        var month: String
        var finalDays: Set<String> = []
        var sums: [String: Double] = [:]
    }

    var months: [Scope: Month] = [:]
    /// Counts folds, so `--storage.path` writes the cache only when it changed.
    var generation = 0
    var newestFinal: [Scope: (day: String, teams: TeamDay)] = [:]

    public init() {}

    /// Final days already folded into the sums of `month` (`YYYY-MM`) for `scope`.
    func finalDays(_ scope: Scope, month: String) -> Set<String> {
        months[scope]?.month == month ? months[scope]!.finalDays : []
    }

    /// Adds a final day's per-team credits to the month's sums; a day already folded is ignored.
    func fold(_ scope: Scope, month: String, day: String, teams: TeamDay) {
        var entry = months[scope]?.month == month ? months[scope]! : Month(month: month)
        guard entry.finalDays.insert(day).inserted else { return }
        for (team, value) in teams.credits { entry.sums[team, default: 0] += value }
        months[scope] = entry
        generation += 1
        if day >= (newestFinal[scope]?.day ?? "") { newestFinal[scope] = (day, teams) }
    }

    /// The folded per-team credit sums of `month`.
    func sums(_ scope: Scope, month: String) -> [String: Double] {
        months[scope]?.month == month ? months[scope]!.sums : [:]
    }

    /// Teams in the month sums plus teams of the newest final days kept, for
    /// `github_copilot_exporter_cache_entries`.
    public func entryCount() -> Int {
        months.values.reduce(0) { $0 + $1.sums.count } + newestFinal.values.reduce(0) { $0 + $1.teams.members.count }
    }

    /// The per-team values of a final day, when it is the newest folded one.
    func finalDay(_ scope: Scope, day: String) -> TeamDay? {
        newestFinal[scope]?.day == day ? newestFinal[scope]!.teams : nil
    }
}
