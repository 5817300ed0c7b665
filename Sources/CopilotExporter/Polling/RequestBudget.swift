import Synchronization

/// Shares an hourly request budget between polling jobs, max-min fairly: jobs that would spend
/// little at their default interval keep it; the expensive ones are slowed just enough that the
/// total stays within the budget. Jobs with an interval the user set are not slowed; their
/// spending is taken off the budget first.
public final class RequestBudget: Sendable {
    struct Job {
        var cost: Double
        var interval: Double
        var adaptive: Bool
    }

    public let hourly: Double
    private let jobs = Mutex<[JobKey: Job]>([:])

    public init(hourly: Double) { self.hourly = hourly }

    /// Records what a job's last poll spent and returns how long to wait before the next one.
    public func next(_ key: JobKey, spent: Int, interval: Double, adaptive: Bool) -> Double {
        jobs.withLock { jobs in
            jobs[key] = Job(cost: Double(spent), interval: interval, adaptive: adaptive)
            guard adaptive, spent > 0 else { return interval }
            let allowed = Self.allocate(jobs.mapValues { $0 }, hourly: hourly)[key] ?? 0
            guard allowed > 0 else { return max(interval, 86_400) }
            return max(interval, Double(spent) * 3600 / allowed)
        }
    }

    /// Requests per hour each adaptive job may spend: water-filling of what the fixed jobs leave.
    static func allocate(_ jobs: [JobKey: Job], hourly: Double) -> [JobKey: Double] {
        let fixed = jobs.values.filter { !$0.adaptive }.reduce(0) { $0 + $1.cost * 3600 / $1.interval }
        var remaining = max(0, hourly - fixed)
        var wanted = jobs.filter { $0.value.adaptive }.map { ($0.key, $0.value.cost * 3600 / $0.value.interval) }
        wanted.sort { $0.1 < $1.1 }
        var allowed: [JobKey: Double] = [:]
        for (index, (key, rate)) in wanted.enumerated() {
            let fairShare = remaining / Double(wanted.count - index)
            let grant = min(rate, fairShare)
            allowed[key] = grant
            remaining -= grant
        }
        return allowed
    }
}
