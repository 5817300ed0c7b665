import GitHubAPI

/// The billing period the money collectors report: the current UTC calendar month.
public struct BillingPeriod: Sendable, Equatable {
    public var year: Int
    public var month: Int
    /// Unix time of the month's first instant and of the next month's.
    public var start: Double
    public var end: Double

    /// The month containing `now`.
    public init(containing now: Double) {
        (year, month) = RFC3339.yearMonth(now)
        start = Double(RFC3339.daysFromCivil(year: year, month: month, day: 1)) * 86_400
        let next = month == 12 ? (year + 1, 1) : (year, month + 1)
        end = Double(RFC3339.daysFromCivil(year: next.0, month: next.1, day: 1)) * 86_400
    }

    /// `year` and `month` query parameters.
    public var query: [(String, String)] { [("year", String(year)), ("month", String(month))] }

    /// Month-end value of an amount accrued at a constant rate since the month began. At least
    /// one day counts as elapsed, so the first hours of a month do not project wild figures.
    public func project(_ monthToDate: Double, now: Double) -> Double {
        let elapsed = min(end - start, max(86_400, now - start))
        return monthToDate * (end - start) / elapsed
    }
}
