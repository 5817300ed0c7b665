public import GitHubAPI
public import PrometheusExposition

/// One credential's rate-limit resource: installations and tokens each have their own budget.
struct RateLimitKey: Hashable, Comparable {
    var credential: String
    var resource: String

    static func < (lhs: RateLimitKey, rhs: RateLimitKey) -> Bool {
        (lhs.credential, lhs.resource) < (rhs.credential, rhs.resource)
    }
}

/// Identifies one polling job: a collector for a scope.
public struct JobKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var collector: CollectorName
    public var scope: Scope

    public init(_ collector: CollectorName, _ scope: Scope) {
        self.collector = collector
        self.scope = scope
    }

    public var description: String { "\(collector.rawValue) \(scope)" }

    public static func < (lhs: JobKey, rhs: JobKey) -> Bool {
        (lhs.collector, lhs.scope) < (rhs.collector, rhs.scope)
    }
}

/// The one holder of the exporter's shared state: the last good families of every job, the
/// health of each, and what GitHub's responses said. Changes re-render the snapshot and
/// publish it, coalesced over `coalescingDelay`.
///
/// A failed attempt never replaces good families: they stay, marked by
/// `github_copilot_collector_success 0` and an unchanged last-success time.
public actor SnapshotStore {
    struct JobState {
        /// The last good families, rendered (see `EncodedFamily`).
        var families: [EncodedFamily]?
        var attempted = false
        var success = false
        var duration = 0.0
        var lastSuccess: Double?
        var lastError: String?
        var interval: Double?
    }

    var jobs: [JobKey: JobState]
    var apiResponses: [String: Double] = [:]
    /// The newest rate limit per credential label and resource.
    var rateLimits: [RateLimitKey: RateLimit] = [:]
    /// API responses of polling jobs, by collector and code; the rest of `apiResponses` came
    /// from outside any job (an App's installation lookup).
    var apiResponsesByCollector: [CollectorName: [String: Double]] = [:]
    var failureCounts: [JobKey: [FailureReason: Double]] = [:]
    var tokenExpiry: Double?
    /// What GitHub announced about retiring each endpoint, and which of those were logged.
    var retirements: [String: Retirement] = [:]
    var retirementsLogged: Set<Retirement> = []
    /// Notices already logged, per job, newest last; capped so varying notices cannot grow it.
    var noticesSeen: [JobKey: [String]] = [:]
    static let noticesKept = 64
    /// Rate-limit resources and retirement announcements kept: their keys come from GitHub's
    /// headers (`x-ratelimit-resource`, an endpoint's path), so a hostile or changing answer
    /// could otherwise add keys forever. Past the bound, new keys are ignored.
    static let maxRateLimits = 64
    static let maxRetirements = 64
    var expiryWarnedDay: Int?
    var stale = false
    var publishScheduled = false
    /// Snapshots rendered so far (each costs a render and a gzip of the whole exposition).
    var renders = 0
    /// The published snapshot's held bodies wait for a scrape to compress them (published
    /// while attempts ran).
    var compressionDeferred = false
    /// Clash sentences already logged, newest last; capped like `noticesSeen`.
    var clashesLogged: [String] = []
    public nonisolated let publisher: SnapshotPublisher
    public nonisolated let version: String
    public nonisolated let perUser: Bool
    public nonisolated let pseudonymizer: Pseudonymizer?
    public nonisolated let logger: Logger
    public nonisolated let clock: any WallClock
    /// Families fixed for the process's life (settings dashboards read), shown with the health families.
    public nonisolated let settings: [MetricFamily]

    /// - Parameters:
    ///   - jobs: every enabled job; the exporter is ready when each has been attempted.
    ///   - perUser: false drops every series carrying a `user` label.
    ///   - logger: where families or samples the exposition cannot carry are reported (see
    ///     `ExpositionClash`: the later one is dropped), once per distinct sentence.
    public init(
        jobs: [JobKey],
        version: String,
        perUser: Bool = true,
        pseudonymizer: Pseudonymizer? = nil,
        settings: [MetricFamily] = [],
        publisher: SnapshotPublisher = SnapshotPublisher(),
        logger: Logger = .silent,
        clock: any WallClock = SystemClock()
    ) {
        self.clock = clock
        self.settings = settings
        self.jobs = Dictionary(uniqueKeysWithValues: jobs.map { ($0, JobState()) })
        self.version = version
        self.perUser = perUser
        self.pseudonymizer = pseudonymizer
        self.publisher = publisher
        self.logger = logger
        publisher.publish(RenderedSnapshot.render([[EncodedFamily]](), ready: jobs.isEmpty))
    }

    /// Records a successful attempt and publishes. Returns true when the job had been failing.
    /// - Parameter keeping: families of a part that failed alone: their last good values stay
    ///   unless `families` has them.
    @discardableResult
    public func recordSuccess(
        _ key: JobKey,
        families: [MetricFamily],
        keeping: Set<String> = [],
        duration: Double,
        at time: Double
    ) -> Bool {
        var state = jobs[key] ?? JobState()
        let recovered = state.attempted && !state.success
        let visible = perUser ? families : families.compactMap(Self.withoutUsers)
        var clashes: [ExpositionClash] = []
        var encoded = EncodedFamily.encode(pseudonymizer?.apply(visible) ?? visible) { clashes.append($0) }
        report(clashes, job: key)
        if !keeping.isEmpty, let previous = state.families {
            let fresh = Set(encoded.map(\.name))
            encoded += previous.filter { keeping.contains($0.name) && !fresh.contains($0.name) }
            encoded.sort { $0.name < $1.name }
        }
        state.families = encoded
        state.attempted = true
        state.success = true
        state.duration = duration
        state.lastSuccess = time
        state.lastError = nil
        jobs[key] = state
        publishSoon()
        return recovered
    }

    /// Records a failed attempt, keeping the last good families, and publishes. Returns true
    /// when this error differs from the job's previous one (so it is logged once, not every poll).
    @discardableResult
    public func recordFailure(_ key: JobKey, error: String, duration: Double) -> Bool {
        var state = jobs[key] ?? JobState()
        let isNew = state.lastError != error
        state.attempted = true
        state.success = false
        state.duration = duration
        state.lastError = error
        jobs[key] = state
        publishSoon()
        return isNew
    }

    /// Records the wait before a job's next attempt; republishes when it changed.
    public func recordInterval(_ key: JobKey, seconds: Double) {
        guard jobs[key] != nil, jobs[key]?.interval != seconds else { return }
        jobs[key]?.interval = seconds
        publishSoon()
    }

    /// Remembers a job's notices and returns those it had not raised before (to log once).
    public func recordNotices(_ key: JobKey, _ notices: [String]) -> [String] {
        var seen = noticesSeen[key] ?? []
        var fresh: [String] = []
        for notice in notices where !seen.contains(notice) {
            fresh.append(notice)
            seen.append(notice)
        }
        noticesSeen[key] = Array(seen.suffix(Self.noticesKept))
        return fresh
    }

    /// A warning sentence, at most once a day, when the token expires within 14 days.
    public func tokenExpiryWarning(now: Double) -> String? {
        guard let expiry = tokenExpiry, expiry - now < 14 * 86_400 else { return nil }
        let day = Int((now / 86_400).rounded(.down))
        guard expiryWarnedDay != day else { return nil }
        expiryWarnedDay = day
        let days = max(0, Int(((expiry - now) / 86_400).rounded(.down)))
        return "The GitHub token expires at \(RFC3339.timestamp(expiry)) (in \(days) days); create a new one and update "
            + "GITHUB_TOKEN or the token file before then, or the exporter will stop collecting."
    }

    /// Counts one API exchange; shown at the next publish.
    public func observe(_ observation: APIObservation) {
        apiResponses[observation.code, default: 0] += 1
        if let limit = observation.rateLimit {
            let key = RateLimitKey(credential: observation.credential, resource: limit.resource)
            if rateLimits[key] != nil || rateLimits.count < Self.maxRateLimits { rateLimits[key] = limit }
        }
        // Installation tokens expire hourly and are renewed by the exporter: only the personal
        // access token's expiry is one the user must act on.
        if let expiry = observation.tokenExpiry, observation.credential == Credential.tokenLabel { tokenExpiry = expiry }
        if let retirement = observation.retirement, retirements[retirement.endpoint] != retirement,
            retirements[retirement.endpoint] != nil || retirements.count < Self.maxRetirements
        {
            retirements[retirement.endpoint] = retirement
            // Only current announcements are remembered as logged: one per endpoint at most.
            retirementsLogged.formIntersection(retirements.values)
            publishSoon()
        }
    }

    /// Warning sentences for retirement announcements not logged before: one per endpoint, and
    /// again only if GitHub changes the dates.
    public func retirementWarnings() -> [String] {
        let fresh = retirements.values.filter { !retirementsLogged.contains($0) }.sorted { $0.endpoint < $1.endpoint }
        retirementsLogged.formUnion(fresh)
        return fresh.map { retirement in
            var sentence = "GitHub marks \(retirement.endpoint) as deprecated"
            if let deprecation = retirement.deprecation { sentence += " since \(RFC3339.timestamp(deprecation))" }
            if let sunset = retirement.sunset { sentence += "; it stops answering at \(RFC3339.timestamp(sunset))" }
            return sentence + ". Upgrade the exporter before then (see github_copilot_api_sunset_timestamp_seconds)."
        }
    }

    /// Counts one API response of a polling job under its collector (`observe` counts it in
    /// the total); shown at the next publish.
    public func attribute(code: String, to collector: CollectorName) {
        apiResponsesByCollector[collector, default: [:]][code, default: 0] += 1
    }

    /// Counts a failed attempt by reason; shown with the failure's publish.
    public func countFailure(_ key: JobKey, reason: FailureReason) {
        failureCounts[key, default: [:]][reason, default: 0] += 1
    }

    /// The sizes of the store's tables kept across polls, for `github_copilot_exporter_cache_entries`.
    public func tableSizes() -> [String: CacheSizes.Size] {
        var series = 0
        var seriesBytes = 0
        for case let families? in jobs.values.map(\.families) {
            for family in families {
                series += family.lines.count
                seriesBytes += family.lines.storage.count
            }
        }
        return [
            "jobs": .init(entries: jobs.count),
            // The last good families every job keeps (the served exposition, less the health
            // families): sample lines, and the bytes of their front-coded text.
            "series": .init(entries: series, bytes: seriesBytes),
            "api_responses": .init(entries: apiResponses.count + apiResponsesByCollector.values.reduce(0) { $0 + $1.count }),
            "rate_limits": .init(entries: rateLimits.count),
            "failure_counts": .init(entries: failureCounts.values.reduce(0) { $0 + $1.count }),
            "retirements": .init(entries: retirements.count + retirementsLogged.count),
            "notices_seen": .init(entries: noticesSeen.values.reduce(0) { $0 + $1.count } + clashesLogged.count),
        ]
    }

    /// True once every job has finished at least one attempt.
    public var isReady: Bool { jobs.values.allSatisfy(\.attempted) }

    /// The encoded families of every job, then the health families: the snapshot's sources.
    func sources() -> [[EncodedFamily]] {
        jobs.keys.sorted().compactMap { jobs[$0]!.families } + [EncodedFamily.encode(healthFamilies())]
    }

    /// The jobs whose last attempt failed, with their error sentences.
    public func failures() -> [(JobKey, String)] {
        jobs.keys.sorted().compactMap { key in
            let state = jobs[key]!
            return state.attempted && !state.success ? (key, state.lastError ?? "failed") : nil
        }
    }

    /// Marks the snapshot stale and publishes it after `coalescingDelay`: changes that come
    /// together (jobs finishing at once, a result and the interval that follows it) cost one
    /// render and one gzip of the whole exposition, not one each (about 0.6 s of CPU at
    /// 100,000 seats).
    func publishSoon() {
        stale = true
        guard !publishScheduled else { return }
        publishScheduled = true
        Task {
            try? await Task.sleep(for: Self.coalescingDelay)
            self.publishIfStale()
        }
    }

    static let coalescingDelay = Duration.milliseconds(100)

    /// Publishes now if a change has not been published yet.
    public func publishIfStale() {
        publishScheduled = false
        guard stale else { return }
        publish()
    }

    /// Re-renders and publishes the snapshot.
    public func publish() {
        stale = false
        renders += 1
        var clashes: [ExpositionClash] = []
        // A snapshot published while attempts still run is likely replaced before a scrape
        // comes (a 100,000-seat refresh publishes a dozen): its gzip bodies are made by the
        // first scrape that asks, or when the last attempt ends (`compressDeferred`), not at
        // once (3 % of such a refresh's CPU time).
        let idle = Memory.isIdle
        compressionDeferred = !idle
        publisher.publish(RenderedSnapshot.render(sources(), ready: isReady, compressHeld: idle) { clashes.append($0) })
        report(clashes, job: nil)
        Memory.trimIfIdle()
    }

    /// Compresses the held bodies of the published snapshot if its publish deferred that and
    /// no newer publish is on its way (which compresses at once when no attempt runs).
    public func compressDeferred() {
        guard compressionDeferred, !publishScheduled else { return }
        compressionDeferred = false
        publisher.snapshot.compressHeld()
    }

    /// Logs each clash the first time it is seen: a collector produced what the exposition
    /// cannot carry (a bug), and the exporter serves everything else.
    func report(_ clashes: [ExpositionClash], job: JobKey?) {
        for clash in clashes where !clashesLogged.contains(clash.description) {
            clashesLogged = Array((clashesLogged + [clash.description]).suffix(Self.noticesKept))
            logger.warn(clash.description, job.map { [("job", $0.description)] } ?? [])
        }
    }

    static func withoutUsers(_ family: MetricFamily) -> MetricFamily? {
        if family.isPerUser { return nil }
        guard family.samples.contains(where: { $0.label("user") != nil }) else { return family }
        var copy = family
        copy.samples.removeAll { $0.label("user") != nil }
        return copy.samples.isEmpty ? nil : copy
    }
}
