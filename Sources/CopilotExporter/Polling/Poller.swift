import Foundation

/// One collector polling one scope on its own interval.
public struct PollJob: Sendable {
    public var collector: any Collector
    public var scope: Scope
    public var interval: Double

    public init(collector: any Collector, scope: Scope, interval: Double) {
        self.collector = collector
        self.scope = scope
        self.interval = interval
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

    public init(jobs: [PollJob], context: CollectionContext, store: SnapshotStore, logger: Logger) {
        self.jobs = jobs
        self.context = context
        self.store = store
        self.logger = logger
    }

    /// Attempts every job once, concurrently, and returns when all have finished.
    public func runOnce() async {
        await withTaskGroup(of: Void.self) { group in
            for job in jobs {
                group.addTask { _ = await attempt(job) }
            }
        }
    }

    /// Polls until cancelled. With `failOnCredentialProblem`, throws `StartupFailure` when a
    /// job's first attempt fails because of the token.
    public func run(failOnCredentialProblem: Bool) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for job in jobs {
                group.addTask {
                    var first = true
                    while !Task.isCancelled {
                        let error = await attempt(job)
                        if first, failOnCredentialProblem, let error, error.isCredentialProblem {
                            throw StartupFailure(description: error.description)
                        }
                        first = false
                        try await context.clock.sleep(seconds: job.interval)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// One attempt of one job; returns the GitHub error when it failed with one.
    func attempt(_ job: PollJob) async -> GitHubAPIError? {
        let start = context.clock.now()
        let began = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9 }
        do {
            let families = try await job.collector.collect(job.scope, context: context)
            let duration = elapsed()
            await store.recordSuccess(job.key, families: families, duration: duration, at: start)
            logger.debug("Collection succeeded.", [("job", job.key.description), ("duration_seconds", String(duration))])
            return nil
        } catch is CancellationError {
            return nil
        } catch {
            let sentence = "\(error)"
            if await store.recordFailure(job.key, error: sentence, duration: elapsed()) {
                logger.error(sentence, [("collector", job.collector.name.rawValue), (job.scope.labelName, job.scope.slug)])
            }
            return error as? GitHubAPIError
        }
    }
}
