import Foundation
public import GitHubAPI
import Glibc
import PrometheusExposition
public import WebServer

/// Wires configuration to a running exporter: client, collectors, poller, store, server.
public struct ExporterApp: Sendable {
    /// The exporter's version, in `--version` and `github_copilot_exporter_build_info`.
    public static let version = "0.1.0"

    /// How often the web config file and its certificate and key are checked for changes.
    static let webConfigCheckInterval: UInt64 = 5_000_000_000

    public let configuration: Configuration
    public let credentials: any CredentialSource
    public let transport: any HTTPTransport
    public let clock: any WallClock
    public let logger: Logger
    /// Replaces user logins in every published family, when `--metrics.pseudonymize-users` is set.
    public let pseudonymizer: Pseudonymizer?

    public init(
        configuration: Configuration,
        credentials: any CredentialSource,
        transport: (any HTTPTransport)? = nil,
        clock: any WallClock = SystemClock(),
        logger: Logger,
        pseudonymizer: Pseudonymizer? = nil
    ) {
        self.pseudonymizer = pseudonymizer
        self.configuration = configuration
        self.credentials = credentials
        self.transport = transport ?? StandardTransport.make(timeout: configuration.requestTimeout)
        self.clock = clock
        self.logger = logger
    }

    /// The polling jobs the configuration asks for: each enabled collector for each scope.
    public func jobs() -> [PollJob] {
        var jobs: [PollJob] = []
        for collector in CollectorRegistry.all where configuration.enabledCollectors.contains(collector.name) {
            // A collector declares access for the kinds of scope it can read; others get no job.
            for scope in configuration.scopes where collector.access.contains(where: { $0.scope == scope.kind }) {
                let interval = configuration.intervals[collector.name] ?? collector.defaultInterval
                jobs.append(PollJob(collector: collector, scope: scope, interval: interval))
            }
        }
        for index in jobs.indices where !configuration.explicitIntervals.contains(jobs[index].collector.name) {
            jobs[index].adaptive = true
        }
        return jobs
    }

    /// `--collector.seats.idle-days` as a family, so dashboards apply the same idle rule as
    /// `github_copilot_seats_idle`.
    static func idleThreshold(days: Int) -> MetricFamily {
        MetricFamily(
            name: "github_copilot_seats_idle_threshold_seconds",
            help: "Time without activity after which a seat counts as idle (--collector.seats.idle-days, in seconds).",
            samples: [Sample(value: Double(days) * 86_400)]
        )
    }

    /// Builds the store and poller for this configuration.
    public func makePoller() -> Poller {
        let jobs = jobs()
        let store = SnapshotStore(
            jobs: jobs.map(\.key),
            version: Self.version,
            perUser: configuration.perUser,
            pseudonymizer: pseudonymizer,
            settings: jobs.contains { $0.collector.name == .seats } ? [Self.idleThreshold(days: configuration.idleDays)] : [],
            logger: logger,
            clock: clock
        )
        let client = GitHubClient(
            baseURL: configuration.apiURL,
            transport: transport,
            credentials: credentials,
            clock: clock,
            userAgent: "copilot_exporter/\(Self.version)",
            observe: { await store.observe($0) }
        )
        var context = CollectionContext(
            client: client,
            clock: clock,
            idleDays: configuration.idleDays,
            aiUsagePerModel: configuration.aiUsagePerModel
        )
        context.seatPrices = configuration.seatPrices
        return Poller(
            jobs: jobs,
            context: context,
            store: store,
            logger: logger,
            budget: RequestBudget(hourly: configuration.requestsPerHour),
            keeper: configuration.storagePath.map { StateKeeper(path: $0, logger: logger) }
        )
    }

    /// `--once`: every job once; the text exposition on standard output; 0 if all succeeded.
    public func runOnce(output: (UnsafeRawBufferPointer) -> Void) async -> Int32 {
        let poller = makePoller()
        await poller.runOnce()
        // Every attempt already published a snapshot; write it in chunks rather than render again.
        poller.store.publisher.snapshot.exposition.write(.text, to: output)
        return await poller.store.failures().isEmpty ? 0 : 1
    }

    /// Serves until SIGTERM or SIGINT (0), or until the first poll finds a credential problem
    /// (2), reloading the web config on SIGHUP and when its files change.
    public func serve(webConfig: WebConfig = WebConfig(), onListening: @Sendable (Int) -> Void = { _ in }) async -> Int32 {
        let poller = makePoller()
        let scrapes = ScrapeCounter(telemetryPath: configuration.telemetryPath)
        guard let front = frontEnd(webConfig, publisher: poller.store.publisher, scrapes: scrapes, sizes: poller.sizes) else { return 2 }
        // Signals are handled from before "Listening." is logged: whoever waits for that line
        // and then sends SIGTERM must find the handler in place.
        let signals = SignalStream.make([SIGTERM, SIGINT, SIGHUP])
        // What --storage.path kept is published before the first scrape can arrive.
        let restored = await poller.restore(families: true)
        let server = HTTPServer(
            configuration: .init(host: configuration.listenHost, port: configuration.listenPort),
            handler: front.handler,
            logger: logger.serverLog,
            tls: front.tls,
            observe: { scrapes.record(path: $0, status: $1) }
        )
        poller.sizes.watch("connections") { .init(entries: server.connectionCounts.open) }
        let port: Int
        do {
            port = try server.start()
        } catch {
            logger.error("Cannot listen on \(configuration.listenAddress): \(error); choose another --web.listen-address.")
            return 1
        }
        logger.info(
            "Listening.",
            [
                ("address", "\(configuration.listenHost):\(port)"), ("version", Self.version),
                ("scopes", configuration.scopes.map(\.description).joined(separator: ",")),
                ("transport", transport is CurlTransport ? "libcurl" : "URLSession"),
            ]
        )
        onListening(port)
        switch await run(poller, restored: restored, reloader: front.reloader, signals: signals) {
        case .signal(let number):
            logger.info("Shutting down: finishing in-flight requests.", [("signal", number == SIGTERM ? "SIGTERM" : "SIGINT")])
            await server.shutdown(grace: 10)
            return 0
        case .startupFailure(let sentence):
            logger.error(sentence)
            await server.shutdown(grace: 2)
            return 2
        case .pollerEnded:
            await server.shutdown(grace: 10)
            return 0
        }
    }

    /// The router behind access control, the TLS context and the web-config reloader; nil
    /// (logged) when the certificate or key cannot be loaded.
    func frontEnd(
        _ webConfig: WebConfig,
        publisher: SnapshotPublisher,
        scrapes: ScrapeCounter? = nil,
        sizes: CacheSizes? = nil
    ) -> (handler: any HTTPHandler, tls: TLSContext?, reloader: WebConfigReloader?)? {
        let router = ExporterRouter(
            telemetryPath: configuration.telemetryPath,
            publisher: publisher,
            version: Self.version,
            live: { (ProcessStatistics.current()?.families ?? []) + (scrapes.map { [$0.family] } ?? []) + (sizes?.families ?? []) }
        )
        // With a web config file there is always an AccessControl, so a reload can add users.
        let access = AccessControl(
            inner: router,
            users: webConfig.basicAuthUsers,
            openPaths: configuration.protectHealth ? [] : ["/-/healthy", "/-/ready"]
        )
        let handler: any HTTPHandler = configuration.webConfigFile == nil && webConfig.basicAuthUsers.isEmpty ? router : access
        var tls: TLSContext?
        if let settings = webConfig.tls {
            do {
                tls = try TLSContext(settings)
            } catch {
                logger.error(error.description)
                return nil
            }
            if let warning = settings.keyFileWarning() { logger.warn(warning) }
        }
        let reloader = configuration.webConfigFile.map {
            WebConfigReloader(path: $0, config: webConfig, access: access, tls: tls, logger: logger.serverLog)
        }
        if let reloader { logger.info("Web configuration loaded.", webConfig.summary(path: reloader.path)) }
        return (handler, tls, reloader)
    }

    /// Why serving ends.
    enum Outcome: Sendable {
        case signal(Int32)
        case startupFailure(String)
        case pollerEnded
    }

    /// Polls, and handles signals and web-config changes, until the first of them ends serving.
    func run(
        _ poller: Poller,
        restored: [JobKey: Double]? = nil,
        reloader: WebConfigReloader?,
        signals: AsyncStream<Int32>
    ) async -> Outcome {
        let failOnCredentialProblem = !configuration.demo
        return await withTaskGroup(of: Outcome.self) { group -> Outcome in
            group.addTask {
                do {
                    try await poller.run(failOnCredentialProblem: failOnCredentialProblem, restored: restored)
                    return .pollerEnded
                } catch let failure as StartupFailure {
                    return .startupFailure(failure.description)
                } catch {
                    return .pollerEnded
                }
            }
            group.addTask {
                for await number in signals {
                    guard number == SIGHUP else { return .signal(number) }
                    reloader?.check(force: true)
                }
                return .pollerEnded
            }
            if let reloader {
                group.addTask {
                    // Certificates are rotated in place (cert-manager, Kubernetes secrets): look.
                    while (try? await Task.sleep(nanoseconds: Self.webConfigCheckInterval)) != nil { reloader.check() }
                    return .pollerEnded
                }
            }
            let first = await group.next() ?? .pollerEnded
            group.cancelAll()
            return first
        }
    }
}
