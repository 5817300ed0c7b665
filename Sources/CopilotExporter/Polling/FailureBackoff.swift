/// How soon a job tries again after a failed attempt: `initial` seconds after the first failure,
/// doubling with each consecutive one, never later than the job's regular wait nor than
/// `maximum`. A transient failure of a six-hour collector so clears in minutes instead of
/// leaving `github_copilot_collector_success 0` for six hours.
///
/// Retries stay inside the request budget: the requests failed attempts spend since the job's
/// last success may not exceed what one successful poll costs (`RequestBudget` budgets that
/// cost once per regular interval); past it, the job waits for its regular poll. A rate limit
/// is waited out whatever the backoff says.
public struct FailureBackoff: Sendable {
    public var initial: Double
    public var maximum: Double

    public init(initial: Double = 60, maximum: Double = 1_800) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The wait after the `failures`-th consecutive failure (1 for the first).
    /// - Parameters:
    ///   - regular: the wait the job would have after a success.
    ///   - spentOnFailures: requests spent by failed attempts since the last success.
    ///   - pollCost: requests a successful poll spent, nil when it never succeeded.
    ///   - notBefore: seconds GitHub asked to wait (a rate limit's reset, a Retry-After).
    public func delay(failures: Int, regular: Double, spentOnFailures: Int, pollCost: Int?, notBefore: Double = 0) -> Double {
        let withinBudget = pollCost.map { spentOnFailures <= max($0, 1) } ?? true
        guard withinBudget, failures > 0 else { return max(regular, notBefore) }
        let backoff = initial * Double(1 << min(failures - 1, 30))
        return max(min(backoff, maximum, regular), notBefore)
    }
}
