import Foundation
import Glibc
import PrometheusExposition

/// Wires configuration to a running exporter: client, collectors, poller, store, server.
public struct ExporterApp: Sendable {
    /// The exporter's version, in `--version` and `github_copilot_exporter_build_info`.
    public static let version = "0.1.0"

    /// The collectors this build implements, by name.
    public static let implementedCollectors: [CollectorName: any Collector] = [
        .seats: SeatsCollector(), .billing: BillingCollector(), .premiumRequests: ModelUsageCollector.premiumRequests,
        .aiCredits: ModelUsageCollector.aiCredits, .usageMetrics: UsageMetricsCollector(),
    ]

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
        self.transport = transport ?? URLSessionTransport(timeout: configuration.requestTimeout)
        self.clock = clock
        self.logger = logger
    }

    /// The polling jobs the configuration asks for, among the implemented collectors.
    public func jobs() -> [PollJob] {
        var jobs: [PollJob] = []
        for name in CollectorName.allCases where configuration.enabledCollectors.contains(name) {
            guard let collector = Self.implementedCollectors[name] else { continue }
            for scope in configuration.scopes where collector.supports(scope) {
                jobs.append(PollJob(collector: collector, scope: scope, interval: configuration.intervals[name] ?? 300))
            }
        }
        for index in jobs.indices where !configuration.explicitIntervals.contains(jobs[index].collector.name) {
            jobs[index].adaptive = true
        }
        return jobs
    }

    /// Builds the store and poller for this configuration.
    public func makePoller() -> Poller {
        let jobs = jobs()
        let store = SnapshotStore(
            jobs: jobs.map(\.key),
            version: Self.version,
            perUser: configuration.perUser,
            pseudonymizer: pseudonymizer,
            logger: logger
        )
        let client = GitHubClient(
            baseURL: configuration.apiURL,
            transport: transport,
            credentials: credentials,
            clock: clock,
            userAgent: "copilot_exporter/\(Self.version)",
            observe: { await store.observe($0) }
        )
        let context = CollectionContext(client: client, clock: clock, idleDays: configuration.idleDays)
        return Poller(
            jobs: jobs,
            context: context,
            store: store,
            logger: logger,
            budget: RequestBudget(hourly: configuration.requestsPerHour)
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

    /// Serves until SIGTERM or SIGINT (exit 0), or until a credential problem shows on the first
    /// poll (exit 2). `onListening` receives the port bound.
    public func serve(webConfig: WebConfig = WebConfig(), onListening: @Sendable (Int) -> Void = { _ in }) async -> Int32 {
        let poller = makePoller()
        let router = ExporterRouter(
            telemetryPath: configuration.telemetryPath,
            publisher: poller.store.publisher,
            version: Self.version
        )
        let handler: any HTTPHandler =
            webConfig.basicAuthUsers.isEmpty
            ? router
            : AccessControl(
                inner: router,
                users: webConfig.basicAuthUsers,
                openPaths: configuration.protectHealth ? [] : ["/-/healthy", "/-/ready"]
            )
        var tls: TLSContext?
        if let settings = webConfig.tls {
            do {
                tls = try TLSContext(settings)
            } catch {
                logger.error(error.description)
                return 2
            }
        }
        let server = HTTPServer(
            configuration: .init(host: configuration.listenHost, port: configuration.listenPort),
            handler: handler,
            logger: logger,
            tls: tls
        )
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
            ]
        )
        onListening(port)
        let signals = SignalStream.make([SIGTERM, SIGINT])
        enum Outcome: Sendable {
            case signal(Int32)
            case startupFailure(String)
            case pollerEnded
        }
        let outcome = await withTaskGroup(of: Outcome.self) { group -> Outcome in
            group.addTask {
                do {
                    try await poller.run(failOnCredentialProblem: !configuration.demo)
                    return .pollerEnded
                } catch let failure as StartupFailure {
                    return .startupFailure(failure.description)
                } catch {
                    return .pollerEnded
                }
            }
            group.addTask {
                for await number in signals { return .signal(number) }
                return .pollerEnded
            }
            let first = await group.next() ?? .pollerEnded
            group.cancelAll()
            return first
        }
        switch outcome {
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
}
