import GitHubAPI

/// What the usage-metrics collector keeps between polls: the per-user AI-credit sums of report
/// days that were read and that GitHub no longer revises, so each of those days is downloaded
/// at most once. A day not published yet is never folded here.
///
/// Memory is one entry per user for the month's folded sum, plus one day's per-user values (the
/// newest final day, for the newest-day series when the revision window is empty). A new month
/// starts afresh.
public actor ReportCache {
    struct Month {
        var month: String
        var finalDays: Set<String> = []
        var sums: [String: Double] = [:]
    }

    private var months: [Scope: Month] = [:]
    private var newestFinal: [Scope: (day: String, credits: [String: Double])] = [:]

    public init() {}

    /// Final days already folded into the sums of `month` (`YYYY-MM`) for `scope`.
    func finalDays(_ scope: Scope, month: String) -> Set<String> {
        months[scope]?.month == month ? months[scope]!.finalDays : []
    }

    /// Adds a final day's per-user credits, as read from its report, to the month's sums.
    func fold(_ scope: Scope, month: String, day: String, credits: [String: Double]) {
        var entry = months[scope]?.month == month ? months[scope]! : Month(month: month)
        guard entry.finalDays.insert(day).inserted else { return }
        for (user, value) in credits { entry.sums[user, default: 0] += value }
        months[scope] = entry
        if day >= (newestFinal[scope]?.day ?? "") { newestFinal[scope] = (day, credits) }
    }

    /// The folded per-user sums of `month`.
    func sums(_ scope: Scope, month: String) -> [String: Double] {
        months[scope]?.month == month ? months[scope]!.sums : [:]
    }

    /// Per-user credits of a final day, when it is the newest folded one.
    func finalDay(_ scope: Scope, day: String) -> [String: Double]? {
        newestFinal[scope]?.day == day ? newestFinal[scope]!.credits : nil
    }
}
