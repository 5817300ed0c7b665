import Foundation
public import GitHubAPI
import Glibc
public import PrometheusExposition
import Synchronization
import WebServer

/// `copilot_exporter backfill`: writes the report-derived families (usage_metrics, teams) and
/// the billing families (billing, premium_requests, ai_credits) of each past day as one
/// OpenMetrics file per day, every sample stamped 00:00 UTC of its day, for
/// `promtool tsdb create-blocks-from openmetrics`.
///
/// Each day runs the server's collectors with a clock standing on that day (12:00 UTC): the
/// report collectors read that day's reports (month-to-date sums over the day's month up to
/// it, each report day downloaded once per run); the billing collectors ask for single days
/// (`day=`) and the days 1 to D of the month are added up, so the billing families keep their
/// month-to-date meaning. A day's file is written whole (temporary file, then rename); a day
/// whose file exists is skipped, so a stopped run resumes where it stopped.
public struct BackfillCommand: Sendable {
    public enum Outcome: Sendable, Equatable {
        case completed(written: Int, skipped: Int)
        case interrupted(written: Int)
        case failed(String)

        /// 0 done, 1 a day failed, 130 stopped by SIGINT or SIGTERM.
        public var exitCode: Int32 {
            switch self {
            case .completed: 0
            case .failed: 1
            case .interrupted: 130
            }
        }
    }

    /// What the progress line shows.
    public struct Progress: Sendable {
        public var index: Int
        public var count: Int
        public var day: String
        public var requests: Int
        public var eta: Double?
        public var waiting: Double?
    }

    public let configuration: Configuration
    public let options: BackfillOptions
    public let client: GitHubClient
    public let pseudonymizer: Pseudonymizer?
    public let clock: any WallClock
    let requests = RequestCount()

    public init(
        configuration: Configuration,
        options: BackfillOptions,
        credentials: any CredentialSource,
        transport: any HTTPTransport,
        pseudonymizer: Pseudonymizer? = nil,
        clock: any WallClock = SystemClock()
    ) {
        self.configuration = configuration
        self.options = options
        self.pseudonymizer = pseudonymizer
        self.clock = clock
        let requests = self.requests
        self.client = GitHubClient(
            baseURL: configuration.apiURL,
            transport: transport,
            credentials: credentials,
            clock: clock,
            userAgent: "copilot_exporter/\(ExporterApp.version) backfill",
            observe: { observation in
                if observation.code != "304" && observation.code != "error" { requests.add() }
            }
        )
    }

    /// The file of one day in the output directory.
    public func file(_ day: Int) -> String { options.output + "/" + RFC3339.day(Double(day) * 86_400) + ".om" }

    /// Runs until done, a day fails, or SIGINT/SIGTERM (the day in progress is dropped).
    public func runUntilSignalled(
        progress: @escaping @Sendable (Progress) -> Void,
        notice: @escaping @Sendable (String) -> Void
    ) async
        -> Outcome
    {
        let signals = SignalStream.make([SIGINT, SIGTERM])
        let written = RequestCount()
        return await withTaskGroup(of: Outcome?.self) { group in
            group.addTask {
                await run(progress: progress, notice: notice, onWritten: { written.add() })
            }
            group.addTask {
                for await _ in signals { return .interrupted(written: written.value) }
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            if case .failed(let message) = first, Task.isCancelled || message == "cancelled" {
                return .interrupted(written: written.value)
            }
            return first ?? .interrupted(written: written.value)
        }
    }

    /// Writes every missing day from `options.from` to `options.to`.
    public func run(
        progress: @escaping @Sendable (Progress) -> Void = { _ in },
        notice: @escaping @Sendable (String) -> Void = { _ in },
        onWritten: @escaping @Sendable () -> Void = {}
    ) async -> Outcome {
        do {
            try FileManager.default.createDirectory(atPath: options.output, withIntermediateDirectories: true)
        } catch {
            return .failed("cannot create the output directory \(options.output): \(error)")
        }
        let days = Array(options.from...options.to)
        let missing = days.filter { !FileManager.default.fileExists(atPath: file($0)) }
        var context = CollectionContext(client: client, clock: FixedClock(0), idleDays: configuration.idleDays, notice: notice)
        var sums: [String: BillingDaySums] = [:]
        var pacing = BackfillPacing(hourly: configuration.requestsPerHour)
        let started = clock.now()
        for (index, day) in missing.enumerated() {
            if Task.isCancelled { return .interrupted(written: index) }
            let done = Double(index)
            let eta = index == 0 ? nil : (clock.now() - started) / done * Double(missing.count - index)
            var shown = Progress(
                index: index + 1,
                count: missing.count,
                day: RFC3339.day(Double(day) * 86_400),
                requests: requests.value,
                eta: eta
            )
            if let wait = pacing.wait(now: clock.now()) {
                shown.waiting = wait
                progress(shown)
                do { try await clock.sleep(seconds: wait) } catch { return .interrupted(written: index) }
                shown.waiting = nil
            }
            progress(shown)
            let before = requests.value
            do {
                let families = try await collect(day, context: &context, sums: &sums)
                try write(families, day: day)
                onWritten()
            } catch is CancellationError {
                return .interrupted(written: index)
            } catch {
                if Task.isCancelled { return .interrupted(written: index) }
                return .failed("\(RFC3339.day(Double(day) * 86_400)): \(error); run the same command again to resume from that day.")
            }
            pacing.record(requests.value - before, at: clock.now())
        }
        progress(Progress(index: missing.count, count: missing.count, day: "done", requests: requests.value, eta: 0))
        return .completed(written: missing.count, skipped: days.count - missing.count)
    }

    /// Every family of one day, for every scope, as the configuration filters them.
    func collect(_ day: Int, context: inout CollectionContext, sums: inout [String: BillingDaySums]) async throws -> [MetricFamily] {
        var families: [MetricFamily] = []
        let noon = Double(day) * 86_400 + 43_200
        let monthStart = Int(BillingPeriod(containing: noon).start / 86_400)
        for scope in configuration.scopes {
            for collector in Self.collectors where configuration.enabledCollectors.contains(collector.name) {
                guard collector.access.contains(where: { $0.scope == scope.kind }) else { continue }
                var scoped = context
                scoped.client = client.routed(for: collector, scope: scope)
                guard collector.name == .billing || collector.name == .premiumRequests || collector.name == .aiCredits else {
                    scoped.clock = FixedClock(noon)
                    do {
                        families += try await collector.collect(scope, context: scoped)
                    } catch GitHubAPIError.reportsUnavailable {
                        context.notice("No Copilot report for \(scope) on \(RFC3339.day(noon)); its report families are left out that day.")
                    }
                    continue
                }
                let key = "\(collector.name)/\(scope)"
                var daySums = sums[key] ?? BillingDaySums()
                scoped.billingSingleDay = true
                for earlier in monthStart...day where !daySums.has(earlier, monthStart: monthStart) {
                    scoped.clock = FixedClock(Double(earlier) * 86_400 + 43_200)
                    daySums.record(try await collector.collect(scope, context: scoped), day: earlier, monthStart: monthStart)
                }
                sums[key] = daySums
                families += daySums.monthToDate(day, monthStart: monthStart)
            }
        }
        let visible = configuration.perUser ? families : families.compactMap(SnapshotStore.withoutUsers)
        return (pseudonymizer?.apply(visible) ?? visible).filter { !$0.name.hasPrefix("github_copilot_collector_") }
    }

    /// The collectors whose families have a day: report-derived and billing.
    static var collectors: [any Collector] {
        var usage = UsageMetricsCollector()
        (usage.newestBack, usage.lookbackDays, usage.revisionWindowDays) = (0, 1, 0)
        var teams = TeamsCollector()
        teams.usage = usage
        return [usage, teams, BillingCollector(), ModelUsageCollector.premiumRequests, ModelUsageCollector.aiCredits]
    }

    /// Writes the day's file whole: a temporary file renamed into place.
    func write(_ families: [MetricFamily], day: Int) throws {
        let bytes = Self.openMetrics(families, timestamp: day * 86_400)
        let path = file(day)
        let temporary = path + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
            throw ConfigurationError("cannot write \(temporary)")
        }
        guard rename(temporary, path) == 0 else { throw ConfigurationError("cannot rename \(temporary) to \(path)") }
    }

    /// One OpenMetrics document (`# EOF` at the end): each family once, contiguous, every
    /// sample with `timestamp` (seconds).
    public static func openMetrics(_ families: [MetricFamily], timestamp: Int) -> [UInt8] {
        let exposition = Exposition([EncodedFamily.encode(families)])
        let suffix = Array(" \(timestamp)".utf8)
        var out: [UInt8] = []
        var lineStart = true
        var comment = false
        for byte in exposition.bytes(.openMetrics) {
            if lineStart { comment = byte == UInt8(ascii: "#") }
            if byte == UInt8(ascii: "\n") && !comment { out += suffix }
            out.append(byte)
            lineStart = byte == UInt8(ascii: "\n")
        }
        return out
    }
}

/// A clock standing still at one instant: the past day a backfill writes.
struct FixedClock: WallClock {
    let time: Double
    init(_ time: Double) { self.time = time }
    func now() -> Double { time }
    func sleep(seconds: Double) async throws { try await SystemClock().sleep(seconds: seconds) }
}

/// Requests sent to GitHub so far.
final class RequestCount: Sendable {
    private let count = Atomic(0)
    func add() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
