import GitHubAPI

/// The billing period the money collectors report: the current UTC calendar month.
public struct BillingPeriod: Sendable, Equatable {
    public var year: Int
    public var month: Int
    /// Unix time of the month's first instant and of the next month's.
    public var start: Double
    public var end: Double
    /// The day of the month to ask for alone (`day=`), for `backfill`; nil asks for the month
    /// to date.
    public var day: Int?

    /// The month containing `now`; with `singleDay`, only the day of the month containing it.
    public init(containing now: Double, singleDay: Bool = false) {
        (year, month) = RFC3339.yearMonth(now)
        start = Double(RFC3339.daysFromCivil(year: year, month: month, day: 1)) * 86_400
        let next = month == 12 ? (year + 1, 1) : (year, month + 1)
        end = Double(RFC3339.daysFromCivil(year: next.0, month: next.1, day: 1)) * 86_400
        day = singleDay ? Int(((now - start) / 86_400).rounded(.down)) + 1 : nil
    }

    /// `year` and `month` query parameters.
    public var query: [(String, String)] {
        [("year", String(year)), ("month", String(month))] + (day.map { [("day", String($0))] } ?? [])
    }

    /// Month-end value of an amount accrued at a constant rate since the month began. At least
    /// one day counts as elapsed, so the first hours of a month do not project wild figures.
    public func project(_ monthToDate: Double, now: Double) -> Double {
        let elapsed = min(end - start, max(86_400, now - start))
        return monthToDate * (end - start) / elapsed
    }
}
