public import GitHubAPI
public import PrometheusExposition

/// A collector's name, as used in `--collector.<name>` flags and health labels.
///
/// Each collector declares its own name as a static constant in its file; only names of
/// collectors in `CollectorRegistry.all` can be made from a string.
public struct CollectorName: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// The name of a registered collector, or nil.
    public init?(rawValue: String) {
        guard CollectorRegistry.all.contains(where: { $0.name.rawValue == rawValue }) else { return nil }
        self.rawValue = rawValue
    }

    /// Declares a collector's name; only for the collector's own static constant.
    init(declaring rawValue: String) { self.rawValue = rawValue }

    /// Every registered collector's name, in registration order.
    public static var allCases: [CollectorName] { CollectorRegistry.all.map(\.name) }

    public var description: String { rawValue }

    public static func < (lhs: CollectorName, rhs: CollectorName) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What a collector needs besides its scope: the GitHub client, the time, and its options.
public struct CollectionContext: Sendable {
    public var client: GitHubClient
    public var clock: any WallClock
    public var idleDays: Int
    /// Monthly seat prices for the idle-seat cost (`--collector.seats.price.*`).
    public var seatPrices = SeatPrices()
    /// Reports something the user should know that is not a failure (an endpoint the plan does
    /// not offer); the poller logs each distinct notice once per job.
    public var notice: @Sendable (String) -> Void
    /// Report days already downloaded, shared across polls.
    public var reports: ReportCache
    /// Per-team sums of joined report days, shared across polls.
    public var teamReports: TeamReportCache
    /// AI usage report exports asked for and read, shared across polls (`ai_usage_report`).
    public var aiUsageExports: AIUsageExportCache
    /// `--collector.ai_usage_report.per-model`: also export per user and model.
    public var aiUsagePerModel: Bool
    /// Asks the store to keep the last good values of these families, because the part of the
    /// collection that makes them failed while the rest succeeded.
    public var keepLastGood: @Sendable ([String]) -> Void
    /// `backfill`: the billing collectors ask for the single day of `clock.now()` (`day=`)
    /// instead of the month to date.
    public var billingSingleDay = false

    /// The billing period the money collectors ask for at `clock.now()`.
    public var billingPeriod: BillingPeriod { BillingPeriod(containing: clock.now(), singleDay: billingSingleDay) }

    public init(
        client: GitHubClient,
        clock: any WallClock,
        idleDays: Int = 30,
        reports: ReportCache = ReportCache(),
        teamReports: TeamReportCache = TeamReportCache(),
        aiUsageExports: AIUsageExportCache = AIUsageExportCache(),
        aiUsagePerModel: Bool = false,
        notice: @escaping @Sendable (String) -> Void = { _ in },
        keepLastGood: @escaping @Sendable ([String]) -> Void = { _ in }
    ) {
        self.keepLastGood = keepLastGood
        self.client = client
        self.clock = clock
        self.idleDays = idleDays
        self.reports = reports
        self.teamReports = teamReports
        self.aiUsageExports = aiUsageExports
        self.aiUsagePerModel = aiUsagePerModel
        self.notice = notice
    }
}

/// Fetches one API area of GitHub for one scope and maps it to metric families, and says
/// everything the rest of the program derives from it: flags, `--help`, `check`, the README's
/// tables and the request budget.
///
/// Contract (node_exporter's `Collector`, made stateless): `collect` either returns complete,
/// freshly built families for the scope, or throws. It keeps no state between calls and never
/// returns part of a result; the snapshot store keeps the last good families when it throws.
/// A part with its own health series may fail alone: the collector then omits that part's
/// families, reports the part's failure, and asks `keepLastGood` to keep their last good values.
/// Every sample carries the scope label. `probe` calls each endpoint `collect` needs once, for
/// `check`, and reports the requests one poll costs. Register a collector by adding it to
/// `CollectorRegistry.all`.
public protocol Collector: Sendable {
    var name: CollectorName { get }
    /// Seconds between polls unless `--collector.<name>.interval` says otherwise.
    var defaultInterval: Double { get }
    /// What it exports, in a few words, for `--help`.
    var summary: String { get }
    /// Why the default interval is what it is, for the README's budget table.
    var intervalReason: String { get }
    /// The requests one poll costs, in words, for the README's budget table.
    var requestsPerPoll: String { get }
    /// What each kind of scope needs: the role and the credential that can read it.
    var access: [CollectorAccess] { get }
    func collect(_ scope: Scope, context: CollectionContext) async throws -> [MetricFamily]
    /// Calls every endpoint `collect` needs for `scope` once and says how each answered, and
    /// how many requests one poll will cost at the sizes seen.
    func probe(_ scope: Scope, context: ProbeContext) async -> CollectorProbe
}

/// Who may read a collector's endpoints for one kind of scope, per kind of credential, as
/// GitHub documents it.
public struct CollectorAccess: Sendable {
    public var scope: Scope.Kind
    /// The role GitHub requires of the token's user.
    public var role: String
    public var classicToken: String
    public var fineGrainedToken: String
    public var gitHubApp: String
    /// True when GitHub accepts a GitHub App installation token (installed on the organization
    /// or enterprise) for these endpoints; the credential router and the configuration's
    /// checks follow it.
    public var acceptsApp: Bool
}
