/// What the `ai_usage_report` collector keeps between polls, per enterprise: the export it
/// asked GitHub for and has not read yet, the day it last asked (at most one new export a day,
/// plus one after a failed or expired one), and the totals of the month's last export read,
/// which are shown again while the next one is prepared.
///
/// Memory is one entry per enterprise: the totals hold one value pair per user (and per user
/// and model with `--collector.ai_usage_report.per-model`). A new UTC month starts afresh.
public actor AIUsageExportCache {
    struct Entry: Sendable {
        /// `YYYY-MM`.
        var month: String
        /// The export asked for (or found processing) and not read yet.
        var pendingID: String?
        /// The UTC day (`YYYY-MM-DD`) of the last export asked for.
        var requestedDay: String?
        /// True after the last export failed or its links expired, or after a request for one
        /// failed (up to `AIUsageReportCollector.maxFailedRequestsADay` times a day): a new one
        /// may be asked for the same day.
        var mayRequestAgain = false
        /// Requests for an export that failed on `requestedDay`, for any reason.
        var failedRequests = 0
        /// The month's last totals read, and the UTC day of the poll that read them.
        var table: AIUsageTable?
        var readDay: String?
    }

    private var entries: [String: Entry] = [:]

    public init() {}

    /// The enterprise's entry for `month`; a fresh one when the month changed.
    func entry(_ enterprise: String, month: String) -> Entry {
        if let entry = entries[enterprise], entry.month == month { return entry }
        return Entry(month: month)
    }

    func store(_ enterprise: String, _ entry: Entry) { entries[enterprise] = entry }

    /// Users (and users and models) in the totals kept, for `github_copilot_exporter_cache_entries`.
    public func entryCount() -> Int {
        entries.values.reduce(0) { $0 + ($1.table.map { $0.users.count + $0.userModels.count } ?? 0) }
    }
}
