import Foundation
public import GitHubAPI
import Synchronization

/// One collector polling one scope on its own interval.
public struct PollJob: Sendable {
    public var collector: any Collector
    public var scope: Scope
    /// Seconds between attempts (the shortest, when `adaptive`).
    public var interval: Double
    /// True for a default interval, which the request budget may lengthen.
    public var adaptive: Bool

    public init(collector: any Collector, scope: Scope, interval: Double, adaptive: Bool = false) {
        self.collector = collector
        self.scope = scope
        self.interval = interval
        self.adaptive = adaptive
    }

    public var key: JobKey { JobKey(collector.name, scope) }
}

/// Raised when a credential problem (bad token, SSO, missing scope) shows on a job's first
/// attempt: the configuration is wrong, and no later poll can fix it.
public struct StartupFailure: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// Runs every job on its interval and records each outcome in the snapshot store.
///
/// Each job polls in its own child task; an attempt never overlaps the next one of the same job.
public struct Poller: Sendable {
    public let jobs: [PollJob]
    public let context: CollectionContext
    public let store: SnapshotStore
    public let logger: Logger
    public let budget: RequestBudget
    public let backoff: FailureBackoff
    /// `--storage.path`: where each success is saved and from where a start restores.
    public let keeper: StateKeeper?
    /// The sizes of what the process keeps, updated after every attempt.
    public let sizes = CacheSizes()

    public init(
        jobs: [PollJob],
        context: CollectionContext,
        store: SnapshotStore,
        logger: Logger,
        budget: RequestBudget = RequestBudget(hourly: 2_400),
        backoff: FailureBackoff = FailureBackoff(),
        keeper: StateKeeper? = nil
    ) {
        self.keeper = keeper
        self.jobs = jobs
        self.context = context
        self.store = store
        self.logger = logger
        self.budget = budget
        self.backoff = backoff
    }

    /// Attempts every job once, concurrently, and returns when all have finished.
    public func runOnce() async {
        _ = await restore(families: false)
        await withTaskGroup(of: Void.self) { group in
            for job in jobs {
                group.addTask { _ = await attempt(job) }
            }
        }
        await store.publishIfStale()
    }

    /// Polls until cancelled. With `failOnCredentialProblem`, throws `StartupFailure` when a
    /// job's first attempt fails because of the token.
    /// - Parameter restored: what `restore(families: true)` returned, when the caller restored
    ///   before serving (so the first scrape already has the values); nil restores here.
    public func run(failOnCredentialProblem: Bool, restored: [JobKey: Double]? = nil) async throws {
        let notBefore: [JobKey: Double]
        if let restored { notBefore = restored } else { notBefore = await restore(families: true) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for job in jobs {
                group.addTask {
                    try await poll(job, failOnCredentialProblem: failOnCredentialProblem, notBefore: notBefore[job.key])
                }
            }
            try await group.waitForAll()
        }
    }

    /// Polls one job until cancelled: its regular wait after a success (stretched by the request
    /// budget), a shorter one after a failure (see `FailureBackoff`).
    /// - Parameter notBefore: no attempt before this time (a job restored from `--storage.path`
    ///   whose saved values are younger than its interval); such a first attempt is no start-up
    ///   check any more, so a credential problem then is a failure like any other.
    func poll(_ job: PollJob, failOnCredentialProblem: Bool, notBefore: Double? = nil) async throws {
        var first = true
        var regular = job.interval
        if let notBefore, notBefore > context.clock.now() {
            first = false
            await store.recordInterval(job.key, seconds: regular)
            try await context.clock.sleep(seconds: notBefore - context.clock.now())
        }
        var failures = 0
        var spentOnFailures = 0
        var pollCost: Int?
        while !Task.isCancelled {
            let outcome = await attempt(job)
            // The attempt's temporaries (a 100,000-seat poll's seat table, pages and families) are
            // freed only now, after its publish trimmed the heap: trim again, or glibc keeps their
            // pages resident until the next publish (10 MB of the serving size's variance). Not
            // while other attempts run: the last of them trims.
            Memory.trimIfIdle()
            if first, failOnCredentialProblem, let error = outcome.error, error.isCredentialProblem {
                throw StartupFailure(description: error.description)
            }
            first = false
            let wait: Double
            if outcome.failed {
                failures += 1
                spentOnFailures += outcome.spent
                wait = backoff.delay(
                    failures: failures,
                    regular: regular,
                    spentOnFailures: spentOnFailures,
                    pollCost: pollCost,
                    notBefore: outcome.error.map { $0.waitRequested(now: context.clock.now()) } ?? 0
                )
            } else {
                (failures, spentOnFailures, pollCost) = (0, 0, outcome.spent)
                let next = budget.next(job.key, spent: outcome.spent, interval: job.interval, adaptive: job.adaptive)
                if next > job.interval, abs(next - regular) > job.interval {
                    logger.info(
                        "Polling less often to stay within the hourly request budget.",
                        [
                            ("job", job.key.description), ("requests_per_poll", String(outcome.spent)),
                            ("interval_seconds", String(Int(next))),
                        ]
                    )
                }
                regular = next
                wait = next
            }
            // The regular interval, not a retry's wait: alerts compare the last success's age with it.
            await store.recordInterval(job.key, seconds: regular)
            try await context.clock.sleep(seconds: wait)
        }
    }

    /// What one attempt did: whether it failed, the GitHub error if it was one, and the requests
    /// it spent against the rate limit (a 304 is free).
    struct AttemptOutcome {
        var failed: Bool
        var error: GitHubAPIError?
        var spent: Int
    }

    /// One attempt of one job; returns the GitHub error when it failed with one, and how many
    /// requests it spent against the rate limit (a 304 is free).
    func attempt(_ job: PollJob) async -> AttemptOutcome {
        Memory.beginAttempt()
        let outcome = await attemptCounted(job)
        // The last attempt to end compresses a snapshot published while others ran (and not
        // replaced since), so that scrapes between polls copy a held gzip body.
        if Memory.endAttempt() { await store.compressDeferred() }
        return outcome
    }

    /// `attempt` without the count of attempts running.
    private func attemptCounted(_ job: PollJob) async -> AttemptOutcome {
        let start = context.clock.now()
        let began = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9 }
        let spent = Atomic<Int>(0)
        let notices = Mutex<[String]>([])
        var jobContext = context
        jobContext.notice = { message in notices.withLock { $0.append(message) } }
        let kept = Mutex<Set<String>>([])
        jobContext.keepLastGood = { names in kept.withLock { $0.formUnion(names) } }
        let forward = context.client.observe
        jobContext.client = context.client.routed(for: job.collector, scope: job.scope).observing { observation in
            if observation.code != "304" && observation.code != "error" { spent.add(1, ordering: .relaxed) }
            await store.attribute(code: observation.code, to: job.collector.name)
            await forward(observation)
        }
        let labels = [("collector", job.collector.name.rawValue), (job.scope.labelName, job.scope.slug)]
        var failed = false
        var failure: GitHubAPIError?
        do {
            let families = try await job.collector.collect(job.scope, context: jobContext)
            let duration = elapsed()
            let keeping = kept.withLock { $0 }
            if await store.recordSuccess(job.key, families: families, keeping: keeping, duration: duration, at: start) {
                logger.info("Collection recovered.", labels)
            }
            if let keeper {
                await keeper.saveJob(job.key, families: families, lastSuccess: start, duration: duration)
                await keeper.saveETags(from: context.client.state)
                await keeper.saveReports(from: context.reports, teams: context.teamReports)
            }
            logger.debug("Collection succeeded.", [("job", job.key.description), ("duration_seconds", String(duration))])
        } catch is CancellationError {
            return AttemptOutcome(failed: false, error: nil, spent: spent.load(ordering: .relaxed))
        } catch {
            var sentence = "\(error)"
            if (error as? GitHubAPIError)?.isTransient == true {
                sentence += " The last good values stay; the collector tries again within minutes."
            }
            if await store.recordFailure(job.key, error: sentence, duration: elapsed()) {
                logger.error(sentence, labels)
            }
            await store.countFailure(job.key, reason: FailureReason(error))
            failed = true
            failure = error as? GitHubAPIError
        }
        for message in await store.recordNotices(job.key, notices.withLock { $0 }) {
            logger.warn(message, labels)
        }
        if let warning = await store.tokenExpiryWarning(now: context.clock.now()) { logger.warn(warning) }
        for warning in await store.retirementWarnings() { logger.warn(warning) }
        await updateSizes()
        return AttemptOutcome(failed: failed, error: failure, spent: spent.load(ordering: .relaxed))
    }
}

extension Poller {
    /// Loads what `--storage.path` kept from an earlier process: the client's ETags and, with
    /// `families`, each job's last good families, published at once with the time they were
    /// collected. Returns, per restored job, the time its next attempt is due (its last success
    /// plus its interval): a restart within the interval asks GitHub for nothing.
    public func restore(families: Bool) async -> [JobKey: Double] {
        guard let keeper else { return [:] }
        await keeper.restoreETags(into: context.client.state)
        await keeper.restoreReports(into: context.reports, teams: context.teamReports)
        guard families else { return [:] }
        let restored = await keeper.restoreJobs(jobs.map(\.key))
        var notBefore: [JobKey: Double] = [:]
        for job in jobs {
            guard let saved = restored[job.key] else { continue }
            await store.recordSuccess(job.key, families: saved.families, duration: saved.duration, at: saved.lastSuccess)
            await store.recordInterval(job.key, seconds: job.interval)
            notBefore[job.key] = saved.lastSuccess + job.interval
        }
        if !restored.isEmpty {
            await store.publishIfStale()
            logger.info(
                "Restored the last good values from storage.",
                [("jobs", String(restored.count)), ("storage_path", keeper.directory)]
            )
        }
        return notBefore
    }
}

extension Poller {
    /// Records the sizes of the caches and the store's tables in `sizes`.
    func updateSizes() async {
        var all = await store.tableSizes()
        let client = await context.client.state.sizes()
        all["etag"] = .init(entries: client.entries, bytes: client.bytes)
        all["rate_limit_blocks"] = .init(entries: client.blocks)
        all["reports"] = .init(entries: await context.reports.entryCount())
        all["team_reports"] = .init(entries: await context.teamReports.entryCount())
        all["ai_usage_exports"] = .init(entries: await context.aiUsageExports.entryCount())
        sizes.set(all)
        sizes.set(heap: Memory.heap())
    }
}
