/// Keeps a backfill within `--github.requests-per-hour`: before a day, if the requests of the
/// last hour plus what the previous day spent would pass the budget, wait until enough of
/// them are an hour old.
struct BackfillPacing: Sendable {
    let hourly: Double
    /// Requests spent per finished day, and when it finished.
    var spent: [(time: Double, requests: Int)] = []

    init(hourly: Double) { self.hourly = hourly }

    mutating func record(_ requests: Int, at time: Double) { spent.append((time, requests)) }

    /// Seconds to wait before the next day, or nil to go on now.
    mutating func wait(now: Double) -> Double? {
        spent.removeAll { $0.time <= now - 3600 }
        let next = Double(spent.last?.requests ?? 0)
        var total = Double(spent.reduce(0) { $0 + $1.requests })
        guard total + next > hourly else { return nil }
        // Drop the oldest days until the next one fits; wait until the last of those ages out.
        for entry in spent {
            total -= Double(entry.requests)
            if total + next <= hourly { return max(1, entry.time + 3600 - now) }
        }
        return spent.last.map { max(1, $0.time + 3600 - now) }
    }
}
