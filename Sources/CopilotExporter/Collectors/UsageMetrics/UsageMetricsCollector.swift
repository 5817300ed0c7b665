import Foundation
public import GitHubAPI
public import PrometheusExposition
import Synchronization

/// Per-user AI credits and active users from the Copilot usage-metrics reports: the newest
/// published day, and the sum over the current UTC month's report days.
///
/// The report endpoints answer with signed links to NDJSON files on another host; those are
/// downloaded without the GitHub token and read as a stream. Days older than the revision
/// window are final once read: each is downloaded once and folded into the `ReportCache`. A day
/// not published yet is never final; it is asked for again on every poll.
public struct UsageMetricsCollector: Collector {
    public let name = CollectorName.usageMetrics
    public let defaultInterval = 21_600.0
    public let summary = "per-user AI credits and active users from the usage-metrics reports"
    public let intervalReason = "reports appear once a day"
    public let requestsPerPoll =
        "2 to 4 link requests (newest day, revision window, active users and adoption); the first poll of a month (or after a restart) also 1 for the 28-day users report, or, for days it does not cover, 1 per day so far, "
        + "and every poll 1 per earlier day of the month not published yet; "
        + "report downloads go to another host and do not count"
    public let access = [
        CollectorAccess(
            scope: .organization,
            role: "owner, or \"View Organization Copilot Metrics\"",
            classicToken: "`read:org`",
            fineGrainedToken: "\"Organization Copilot metrics\" (read)",
            gitHubApp: "`organization_copilot_metrics` (read)",
            acceptsApp: true
        ),
        CollectorAccess(
            scope: .enterprise,
            role: "owner, billing manager, or \"View Enterprise Copilot Metrics\"",
            classicToken: "`manage_billing:copilot` or `read:enterprise`",
            fineGrainedToken: "refused by GitHub",
            gitHubApp: "`enterprise_copilot_metrics` (read; \"Enterprise Copilot metrics\"), the App installed on the enterprise",
            acceptsApp: true
        ),
    ]
    /// How many days back from yesterday to look for the newest published report.
    public var lookbackDays = 3
    /// Days before today that GitHub may still revise, and which are therefore fetched again.
    public var revisionWindowDays = 2
    /// Days before today of the first day looked at for the newest report: 1 (yesterday) when
    /// serving; `backfill` sets 0, its clock standing on the past day it writes.
    public var newestBack = 1

    /// Days (since the epoch) before this one are final: older than the revision window,
    /// counted from the newest day a report can have.
    func finalBefore(today: Int) -> Int { today - revisionWindowDays + 1 - newestBack }

    public init() {}

    /// `users-1-day`, and `organization-1-day` or `enterprise-1-day`.
    static func reports(_ scope: Scope) -> (base: String, users: String, aggregate: String) {
        switch scope {
        case .organization(let org):
            ("/orgs/\(GitHubClient.encode(org))/copilot/metrics/reports", "users-1-day", "organization-1-day")
        case .enterprise(let enterprise):
            ("/enterprises/\(GitHubClient.encode(enterprise))/copilot/metrics/reports", "users-1-day", "enterprise-1-day")
        }
    }

    public func collect(_ scope: Scope, context: CollectionContext) async throws -> [MetricFamily] {
        let now = context.clock.now()
        let (_, usersReport, aggregateReport) = Self.reports(scope)
        guard let newest = try await newestUsersReport(scope, today: Int((now / 86_400).rounded(.down)), context: context) else {
            return []
        }
        let users = try await usersMonth(scope, newest: newest, now: now, context: context)
        let aggregate = try await activeUsers(scope, day: newest.day, context: context)
        let scopeLabel = Label(scope.labelName, scope.slug)
        return Self.families(
            scope: scope,
            newestDay: Double(newest.day) * 86_400,
            users: users,
            activeUsers: aggregate,
            usersReport: usersReport,
            aggregateReport: aggregateReport
        ) + Self.userFamilies(users, scope: scopeLabel, notice: context.notice)
            + AdoptionFamilies.families(aggregate?.adoption ?? AdoptionDay(), scope: scopeLabel, notice: context.notice)
    }

    /// The newest day (days since the epoch) with a published users report, and its links;
    /// nil, with a notice, when none of the last `lookbackDays` is published yet. Throws when
    /// every one of them answers 404 (the reports cannot be read at all).
    func newestUsersReport(_ scope: Scope, today: Int, context: CollectionContext) async throws -> (day: Int, links: ReportLinks)? {
        let usersReport = Self.reports(scope).users
        var notFound = 0
        for back in newestBack...(newestBack + max(1, lookbackDays) - 1) {
            switch try await links(scope, report: usersReport, day: today - back, context: context) {
            case .published(let links):
                if back != newestBack {
                    context.notice(
                        "The Copilot users report for \(RFC3339.day(Double(today - newestBack) * 86_400)) is not published yet for \(scope); "
                            + "showing \(RFC3339.day(Double(today - back) * 86_400))."
                    )
                }
                return (today - back, links)
            case .notPublished(let status):
                if status == 404 { notFound += 1 }
            }
        }
        if notFound == lookbackDays {
            throw GitHubAPIError.reportsUnavailable(endpoint: "GET \(Self.reports(scope).base)/\(usersReport)", days: lookbackDays)
        }
        context.notice("No Copilot users report is published for the last \(lookbackDays) days for \(scope); nothing to show yet.")
        return nil
    }

    /// Active users on `day` from the organization or enterprise report; nil, with a notice,
    /// when that report is not published.
    func activeUsers(_ scope: Scope, day: Int, context: CollectionContext) async throws -> AggregateRecord.DayTotals? {
        let aggregateReport = Self.reports(scope).aggregate
        let dayText = RFC3339.day(Double(day) * 86_400)
        switch try await links(scope, report: aggregateReport, day: day, context: context) {
        case .published(let links):
            return try await aggregate(links, day: dayText, scope: scope, report: aggregateReport, context: context)
        case .notPublished:
            context.notice(
                "The Copilot \(aggregateReport) report for \(dayText) is not published for \(scope); active users and adoption figures are not shown."
            )
            return nil
        }
    }

    enum Availability {
        case published(ReportLinks)
        case notPublished(status: Int)
    }

    /// The links of one report day; 204 and 404 mean not published (yet).
    func links(_ scope: Scope, report: String, day: Int, context: CollectionContext) async throws -> Availability {
        let path = Self.reports(scope).base + "/" + report
        do {
            let response = try await context.client.get(path, query: [("day", RFC3339.day(Double(day) * 86_400))])
            if response.status == 204 || response.body.isEmpty { return .notPublished(status: 204) }
            return .published(try GitHubClient.decode(ReportLinks.self, from: response.body, endpoint: "GET " + path))
        } catch GitHubAPIError.notFound {
            return .notPublished(status: 404)
        }
    }

    /// The totals of `day` in an organization or enterprise report: active users and the
    /// adoption-and-impact fields.
    func aggregate(
        _ links: ReportLinks,
        day: String,
        scope: Scope,
        report: String,
        context: CollectionContext
    ) async throws
        -> AggregateRecord.DayTotals?
    {
        let reader = NDJSONReader<AggregateRecord>()
        let found = Mutex<AggregateRecord.DayTotals?>(nil)
        let keep: @Sendable (AggregateRecord) -> Void = { record in
            if let totals = record.totals(for: day) { found.withLock { $0 = totals } }
        }
        for link in links.downloadLinks {
            try await context.client.download(link, endpoint: "GET \(Self.reports(scope).base)/\(report)") { reader.feed($0, keep) }
            reader.finish(keep)
        }
        return found.withLock { $0 }
    }

    static func families(
        scope: Scope,
        newestDay: Double,
        users: UsersMonth,
        activeUsers: AggregateRecord.DayTotals?,
        usersReport: String,
        aggregateReport: String
    ) -> [MetricFamily] {
        let scopeLabel = Label(scope.labelName, scope.slug)
        let cached = " From the Copilot usage-metrics reports (published daily); refreshed on the collector's interval, not per scrape."
        var families = [
            MetricFamily(
                name: "github_copilot_user_ai_credits_used",
                help: "AI credits the user used on the newest report day." + cached,
                labels: [scopeLabel],
                users: users.newest.credits.keys,
                values: users.newest.credits.values
            ),
            MetricFamily(
                name: "github_copilot_user_ai_credits_used_month_to_date",
                help: "AI credits the user used, summed over the report days of the current UTC month." + cached,
                labels: [scopeLabel],
                series: users.monthToDate.creditsSeries
            ),
        ]
        var days = [Sample(labels: [scopeLabel, Label("report", usersReport)], value: newestDay)]
        if let activeUsers {
            let periods: [(String, Double?)] = [
                ("daily", activeUsers.dailyActiveUsers), ("weekly", activeUsers.weeklyActiveUsers),
                ("monthly", activeUsers.monthlyActiveUsers),
            ]
            families.append(
                MetricFamily(
                    name: "github_copilot_active_users",
                    help: "Active Copilot users on the newest report day, by period." + cached,
                    samples: periods.compactMap { period, value in
                        value.map { Sample(labels: [scopeLabel, Label("period", period)], value: $0) }
                    }
                )
            )
            days.append(Sample(labels: [scopeLabel, Label("report", aggregateReport)], value: newestDay))
        }
        families.append(
            MetricFamily(
                name: "github_copilot_usage_report_day_timestamp_seconds",
                help: "Unix time (00:00 UTC) of the newest report day shown, by report." + cached,
                samples: days
            )
        )
        return families
    }
}

/// Decodes NDJSON records of type `T` from chunks as they arrive. The transport hands chunks
/// over one at a time; the lock makes the reader safe to share, not faster. A line that does
/// not parse is skipped and counted.
final class NDJSONReader<T: Sendable>: Sendable {
    private struct State {
        var splitter = LineSplitter()
        var skipped = 0
    }

    private let state = Mutex(State())
    private let parse: @Sendable (UnsafeBufferPointer<UInt8>) throws -> T

    /// - Parameter parse: reads one line (without its line break) as a record.
    init(parse: @escaping @Sendable (UnsafeBufferPointer<UInt8>) throws -> T) {
        self.parse = parse
    }

    /// Lines decoded with `JSONDecoder` (for the small organization and enterprise reports).
    convenience init() where T: Decodable {
        self.init { line in try JSONDecoder().decode(T.self, from: Data(buffer: line)) }
    }

    func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ record: (T) -> Void) {
        state.withLock { state in
            var skipped = 0
            state.splitter.feed(chunk) { line in
                if let value = try? parse(line) { record(value) } else { skipped += 1 }
            }
            state.skipped += skipped
        }
    }

    func finish(_ record: (T) -> Void) {
        state.withLock { state in
            var skipped = 0
            state.splitter.finish { line in
                if let value = try? parse(line) { record(value) } else { skipped += 1 }
            }
            state.skipped += skipped + state.splitter.oversizedLines
        }
    }

    var skippedLines: Int { state.withLock { $0.skipped } }
}

extension CollectorName {
    public static let usageMetrics = CollectorName(declaring: "usage_metrics")
}

extension UsageMetricsCollector {
    /// Asks for the users report of the last three days until one answers: 404 on each day
    /// means the reports cannot be read at all; 204 means readable but not yet published.
    public func probe(_ scope: Scope, context: ProbeContext) async -> CollectorProbe {
        var probe = CollectorProbe()
        let base = Self.reports(scope).base + "/users-1-day"
        let today = Int((context.now / 86_400).rounded(.down))
        var last: Result<GitHubResponse, any Error> = .failure(GitHubAPIError.notFound(endpoint: "GET " + base))
        for back in 1...3 {
            last = await context.get(base, [("day", RFC3339.day(Double(today - back) * 86_400))])
            if case .success(let response) = last, response.status == 200 { break }
            if case .failure(let error) = last, (error as? GitHubAPIError)?.status != "404" { break }
        }
        if case .failure(GitHubAPIError.notFound) = last {
            last = .failure(GitHubAPIError.reportsUnavailable(endpoint: "GET " + base, days: 3))
        }
        if case .success(let response) = last, response.status == 204 {
            probe.endpoints.append(
                (
                    "GET " + base,
                    .warning(status: "204", message: "readable, but no report was published for the last 3 days (no activity yet?)")
                )
            )
        } else {
            probe.record("GET " + base, last)
        }
        probe.cost = 3
        return probe
    }
}
