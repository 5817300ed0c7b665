public import GitHubAPI
public import PrometheusExposition

/// The names of the collectors, as used in `--collector.<name>` flags and health labels.
public enum CollectorName: String, Sendable, Hashable, CaseIterable, Comparable {
    case seats
    case billing
    case premiumRequests = "premium_requests"
    case aiCredits = "ai_credits"
    case usageMetrics = "usage_metrics"

    public static func < (lhs: CollectorName, rhs: CollectorName) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What a collector needs besides its scope: the GitHub client, the time, and its options.
public struct CollectionContext: Sendable {
    public var client: GitHubClient
    public var clock: any WallClock
    public var idleDays: Int
    /// Reports something the user should know that is not a failure (an endpoint the plan does
    /// not offer); the poller logs each distinct notice once per job.
    public var notice: @Sendable (String) -> Void
    /// Report days already downloaded, shared across polls.
    public var reports: ReportCache

    public init(
        client: GitHubClient,
        clock: any WallClock,
        idleDays: Int = 30,
        reports: ReportCache = ReportCache(),
        notice: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.client = client
        self.clock = clock
        self.idleDays = idleDays
        self.reports = reports
        self.notice = notice
    }
}

/// Fetches one API area of GitHub for one scope and maps it to metric families.
///
/// Contract (node_exporter's `Collector`, made stateless): `collect` either returns complete,
/// freshly built families for the scope, or throws. It keeps no state between calls and never
/// returns part of a result; the snapshot store keeps the last good families when it throws.
/// Every sample carries the scope label.
public protocol Collector: Sendable {
    var name: CollectorName { get }
    /// Whether this collector has anything to fetch for `scope`.
    func supports(_ scope: Scope) -> Bool
    func collect(_ scope: Scope, context: CollectionContext) async throws -> [MetricFamily]
}
