import Foundation
public import GitHubAPI
public import PrometheusExposition
import Synchronization

/// Billed AI credits and their net amount per user, month to date, from the enterprise AI usage
/// report export (`report_type` `ai_credit`): GitHub prepares the CSV asynchronously, so one poll
/// asks for it and a later one (or a re-check within the poll) reads it.
///
/// Per enterprise and UTC day: list the exports and reuse one of this month that covers today,
/// else ask for one (`start_date` the first of the month, `end_date` today); while it is
/// processing, show the month's last totals read (none yet: no series) and check again a few
/// times within the poll and on the next poll; once completed, download every file without the
/// token and sum it by column name. A failed export fails the poll (one error, logged once) and
/// the next attempt asks for a new one; an expired link (403, 404 or 410 from the download host)
/// asks for a new one at once. A request that fails for any reason (a 5xx, no answer, a limit, a
/// refusal, an answer that cannot be read) is not repeated within the poll, since GitHub may have
/// made the export anyway; the next poll lists the exports first and asks again only if none
/// covers today, up to `maxFailedRequestsADay` failed requests a day. At most one new export a day, plus one per failed export, expiry or failed request.
/// Enterprises only: GitHub offers the export to enterprises, so the collector declares no
/// organization access and organizations get no job.
public struct AIUsageReportCollector: Collector {
    public let name = CollectorName.aiUsageReport
    public let defaultInterval = 3600.0
    public let summary = "billed AI credits and net amount per user from the AI usage report export (enterprises only)"
    public let intervalReason =
        "a poll after the day's export was read costs nothing; the hour only bounds how long a processing export waits to be read"
    public let requestsPerPoll =
        "enterprise: once a day 1 list + 1 POST (the new export; a POST costs 5 secondary-limit points) + up to 3 status checks; "
        + "every later poll while it is processing 1 to 3 status checks; 0 once the day's export was read; "
        + "CSV downloads go to another host and do not count; organizations: none (no job: not supported)"
    public let access = [
        CollectorAccess(
            scope: .enterprise,
            role: "enterprise owner or billing manager",
            classicToken: "`manage_billing:enterprise` (or `admin:enterprise`)",
            fineGrainedToken: "\"Enterprise administration\" (write), per GitHub's REST reference (untested)",
            gitHubApp: "not supported",
            acceptsApp: false
        )
    ]
    /// Waits (seconds) before each status check of a processing export within one poll:
    /// short first, since a small report is ready within seconds; 32 s in all at most.
    public var checkWaits = [2.0, 10, 20]
    /// Failed requests for an export after which no new one is asked for until the next UTC day.
    static let maxFailedRequestsADay = 3

    public init() {}

    static func base(_ enterprise: String) -> String { "/enterprises/\(GitHubClient.encode(enterprise))/settings/billing/reports" }

    public func collect(_ scope: Scope, context: CollectionContext) async throws -> [MetricFamily] {
        guard case .enterprise(let enterprise) = scope else {
            context.notice(
                "The ai_usage_report collector reads the enterprise AI usage report export, which GitHub offers to enterprises only; "
                    + "it asks nothing for organization \(scope.slug)."
            )
            return []
        }
        let today = RFC3339.day(context.clock.now())
        var entry = await context.aiUsageExports.entry(enterprise, month: String(today.prefix(7)))
        do {
            let families = try await advance(enterprise, today: today, entry: &entry, context: context)
            await context.aiUsageExports.store(enterprise, entry)
            return families
        } catch {
            await context.aiUsageExports.store(enterprise, entry)
            throw error
        }
    }

    /// Moves the enterprise's export one or more steps on (see the type's comment); `entry`
    /// keeps where it stands, whether this returns or throws.
    func advance(
        _ enterprise: String,
        today: String,
        entry: inout AIUsageExportCache.Entry,
        context: CollectionContext
    ) async throws -> [MetricFamily] {
        if entry.readDay == today, entry.pendingID == nil, let table = entry.table {
            return Self.families(enterprise, table)
        }
        var export: UsageReportExport
        var requestedThisPoll = false
        if let id = entry.pendingID {
            export = try await status(enterprise, id: id, context: context)
        } else {
            (export, requestedThisPoll) = try await findOrRequest(enterprise, today: today, entry: &entry, context: context)
        }
        var checks = 0
        while true {
            entry.pendingID = export.id
            switch export.stage {
            case .failed:
                entry.pendingID = nil
                entry.mayRequestAgain = true
                throw AIUsageReportError.failed(enterprise: enterprise, id: export.id)
            case .completed:
                entry.pendingID = nil
                if let table = try await read(enterprise, export: export, month: entry.month, context: context) {
                    entry.table = table
                    entry.readDay = today
                    entry.mayRequestAgain = false
                    return Self.families(enterprise, table)
                }
                entry.mayRequestAgain = true
                guard !requestedThisPoll else { return lastGood(enterprise, entry) }
                export = try await request(enterprise, today: today, entry: &entry, context: context)
                requestedThisPoll = true
            case .processing:
                guard checks < checkWaits.count else {
                    context.notice(
                        "The AI usage report export for enterprise \(enterprise) is still being prepared by GitHub; "
                            + "it is checked again on the next poll."
                    )
                    return lastGood(enterprise, entry)
                }
                try await context.clock.sleep(seconds: checkWaits[checks])
                checks += 1
                export = try await status(enterprise, id: export.id, context: context)
            }
        }
    }

    /// The month's last totals while a new export is prepared; none yet: no series.
    func lastGood(_ enterprise: String, _ entry: AIUsageExportCache.Entry) -> [MetricFamily] {
        entry.table.map { Self.families(enterprise, $0) } ?? []
    }

    /// An export of this month covering today (completed or processing), else a new one when
    /// today's was not asked for yet (or failed or expired); `requested` says which.
    func findOrRequest(
        _ enterprise: String,
        today: String,
        entry: inout AIUsageExportCache.Entry,
        context: CollectionContext
    ) async throws -> (export: UsageReportExport, requested: Bool) {
        let list = try await context.client.getJSON(UsageReportExportList.self, Self.base(enterprise))
        let monthStart = String(today.prefix(8)) + "01"
        let usable = list.exports.filter { export in
            export.reportType == "ai_credit" && export.startDate == monthStart && (export.endDate ?? today) >= today
                && export.stage != .failed
        }
        if let found = usable.max(by: { ($0.createdAt ?? "") < ($1.createdAt ?? "") }) { return (found, false) }
        guard entry.requestedDay != today || entry.mayRequestAgain else {
            throw GitHubAPIError.rejected(
                endpoint: "GET " + Self.base(enterprise),
                status: 200,
                message: "the AI usage report export asked for today is not listed; the exporter asks for a new one tomorrow"
            )
        }
        return (try await request(enterprise, today: today, entry: &entry, context: context), true)
    }

    /// Asks GitHub for a new AI usage report export of the month to date.
    func request(
        _ enterprise: String,
        today: String,
        entry: inout AIUsageExportCache.Entry,
        context: CollectionContext
    ) async throws -> UsageReportExport {
        let monthStart = String(today.prefix(8)) + "01"
        let body = #"{"report_type":"ai_credit","start_date":"\#(monthStart)","end_date":"\#(today)"}"#
        if entry.requestedDay != today { entry.failedRequests = 0 }
        entry.requestedDay = today
        entry.mayRequestAgain = false
        do {
            let response = try await context.client.post(Self.base(enterprise), json: Array(body.utf8))
            return try GitHubClient.decode(UsageReportExport.self, from: response.body, endpoint: "POST " + Self.base(enterprise))
        } catch {
            // No export id came back. Whether GitHub made one shows in the next poll's list; if
            // it is not there, that poll may ask again, a bounded number of times a day.
            entry.failedRequests += 1
            entry.mayRequestAgain = entry.failedRequests < Self.maxFailedRequestsADay
            throw error
        }
    }

    func status(_ enterprise: String, id: String, context: CollectionContext) async throws -> UsageReportExport {
        let path = Self.base(enterprise) + "/" + GitHubClient.encode(id)
        return try await context.client.getJSON(UsageReportExport.self, path)
    }

    /// Downloads and sums every file of a completed export; nil when a link was refused
    /// (expired). A report whose header lacks a required column, or that breaks a bound, throws.
    func read(_ enterprise: String, export: UsageReportExport, month: String, context: CollectionContext) async throws -> AIUsageTable? {
        let endpoint = "GET \(Self.base(enterprise))/\(export.id)"
        let csv = Mutex(AIUsageCSV(month: month, keepModels: context.aiUsagePerModel))
        let urls = export.downloadURLs ?? []
        if urls.isEmpty {
            context.notice("GitHub's completed AI usage report export \(export.id) for enterprise \(enterprise) has no download links.")
        }
        for url in urls {
            csv.withLock { $0.startFile() }
            do {
                try await context.client.download(url, endpoint: endpoint) { chunk in csv.withLock { $0.feed(chunk) } }
            } catch GitHubAPIError.rejected(_, let status, _) where [403, 404, 410].contains(status) {
                context.notice(
                    "A download link of the AI usage report export \(export.id) for enterprise \(enterprise) was refused (\(status)); "
                        + "it has probably expired, so a new export is asked for."
                )
                return nil
            }
            if let problem = csv.withLock({
                $0.finish()
                return $0.problem
            }) {
                throw AIUsageReportError.unreadable(enterprise: enterprise, id: export.id, detail: problem)
            }
        }
        let table = csv.withLock { $0.table }
        let left = table.otherUnitRows + table.otherMonthRows + table.anonymousRows + table.unreadableRows
        if left > 0 {
            context.notice(
                "The AI usage report for enterprise \(enterprise) has rows not counted per user: \(table.otherUnitRows) in another unit, "
                    + "\(table.otherMonthRows) of another month, \(table.anonymousRows) without a user, \(table.unreadableRows) unreadable."
            )
        }
        return table
    }

    static func families(_ enterprise: String, _ table: AIUsageTable) -> [MetricFamily] {
        let scope = Label("enterprise", enterprise)
        let cached =
            " Month to date (UTC), from the enterprise AI usage report export (report_type ai_credit), read once a day; "
            + "refreshed on the collector's interval, not per scrape, because of GitHub's rate limits."
        var families = [
            MetricFamily(
                name: "github_copilot_user_ai_credits_month_to_date",
                help: "AI credits billed to the user." + cached,
                labels: [scope],
                users: Array(table.users.keys),
                values: table.users.values.map(\.credits)
            ),
            MetricFamily(
                name: "github_copilot_user_ai_credits_net_amount_usd_month_to_date",
                help: "Net amount in US dollars of the AI credits billed to the user." + cached,
                labels: [scope],
                users: Array(table.users.keys),
                values: table.users.values.map(\.netAmount)
            ),
        ]
        if table.keepModels {
            let labels = { (key: AIUsageTable.UserModel) in [scope, Label("model", key.model), Label("user", key.user)] }
            families += [
                MetricFamily(
                    name: "github_copilot_user_ai_credits_month_to_date_by_model",
                    help: "AI credits billed to the user, by model (--collector.ai_usage_report.per-model)." + cached,
                    samples: table.userModels.map { Sample(labels: labels($0.key), value: $0.value.credits) }
                ),
                MetricFamily(
                    name: "github_copilot_user_ai_credits_net_amount_usd_month_to_date_by_model",
                    help: "Net amount in US dollars of the AI credits billed to the user, by model (--collector.ai_usage_report.per-model)."
                        + cached,
                    samples: table.userModels.map { Sample(labels: labels($0.key), value: $0.value.netAmount) }
                ),
            ]
        }
        return families
    }
}

extension CollectorName {
    public static let aiUsageReport = CollectorName(declaring: "ai_usage_report")
}

extension AIUsageReportCollector {
    /// Lists the exports (a GET; asking for one would create it, so `check` does not).
    public func probe(_ scope: Scope, context: ProbeContext) async -> CollectorProbe {
        var probe = CollectorProbe()
        guard case .enterprise(let enterprise) = scope else { return probe }
        probe.record("GET " + Self.base(enterprise), await context.get(Self.base(enterprise)))
        probe.cost = 2
        return probe
    }
}
