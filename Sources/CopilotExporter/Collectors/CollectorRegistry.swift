/// Every collector this build has, in the order `--help`, `check` and the README list them.
/// Adding a collector is one new file and one line here.
public enum CollectorRegistry {
    public static let all: [any Collector] = [
        SeatsCollector(),
        BillingCollector(),
        ModelUsageCollector.premiumRequests,
        ModelUsageCollector.aiCredits,
        UsageMetricsCollector(),
        TeamsCollector(),
        AIUsageReportCollector(),
    ]

    /// The registered collector called `name`.
    public static func collector(_ name: CollectorName) -> any Collector {
        all.first { $0.name == name }!
    }

    /// Every collector's default interval, by name.
    public static var defaultIntervals: [CollectorName: Double] {
        Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0.defaultInterval) })
    }
}
