import Foundation
import Synchronization
public import WebServer

/// A fake GitHub REST API on 127.0.0.1 for `--demo`, tests and benchmarks.
///
/// It serves a `SimulatorScenario` with GitHub's shapes and behaviour: Bearer auth with
/// `X-OAuth-Scopes`, pagination by `Link` (per_page default 50, max 100), `x-ratelimit-*`
/// headers with a real hourly budget, weak ETags with 304 (which costs no budget), and the
/// error bodies GitHub sends. Faults can be injected while it runs; every request is logged.
public final class GitHubSimulator: HTTPHandler, Sendable {
    /// The token `--demo` uses; it has every scope the exporter needs.
    public static let demoToken = "ghp_simulatorDemoToken0000000000000000"

    struct State {
        var scenario: SimulatorScenario {
            didSet { enterpriseRows = [:] }
        }
        /// Enterprise seat rows and billed users, derived from `scenario` once, not per page.
        var enterpriseRows: [String: (rows: [SimulatedSeat], billed: Int)] = [:]
        var faults: [FaultRule] = []
        var log: [LoggedRequest] = []
        /// Primary rate-limit windows by who owns the budget (`SimulatedToken.budget`): GitHub
        /// counts a personal access token's requests against its user, and each App
        /// installation's against that installation.
        var budgets: [String: Budget] = [:]
        var baseURL = "http://127.0.0.1"
        var tokens: [String: SimulatedToken] = [:]
        var apps: [String: SimulatedApp] = [:]
        /// Paths announced for retirement: `Deprecation` and `Sunset` on every answer to them.
        var retiring: [(pathContains: String, deprecation: Double, sunset: Double)] = []
        /// Usage report exports asked for, and how they behave.
        var exports = SimulatedExports()
        /// Whether a 304 leaves out the `Link` header (RFC 9110 does not require it on a 304,
        /// and GitHub's documentation does not say whether it sends it).
        var linklessNotModified = false
    }

    struct Budget {
        var remaining: Int
        var resetAt: Double
    }

    let state: Mutex<State>
    public let rateLimit: Int
    /// The largest `per_page` honoured (GitHub: 100); tests lower it to force many pages.
    public let maxPerPage: Int
    /// When set, every authenticated response carries `github-authentication-token-expiration`
    /// this many seconds after the simulator started (GitHub's header for expiring tokens).
    public let tokenLifetime: Double?
    let clock: any SimulatorClock
    let started: Double
    let server: Mutex<HTTPServer?> = Mutex(nil)
    let arrivals = Atomic<Int>(0)
    /// Installation tokens minted so far: each new token is unique even when two are minted
    /// at once with the same JWT in the same second.
    let mints = Atomic<Int>(0)
    let served = Atomic<Int>(0)
    /// Keeps at most this many requests in the log (the oldest are dropped).
    public let maxLogEntries: Int

    /// The rows and billed-user count of an enterprise, cached until the scenario changes.
    func enterpriseListing(_ slug: String) -> (rows: [SimulatedSeat], billed: Int) {
        state.withLock { state in
            let key = slug.lowercased()
            if let cached = state.enterpriseRows[key] { return cached }
            let listing = (state.scenario.enterpriseSeats(slug), state.scenario.enterpriseBilledUsers(slug))
            state.enterpriseRows[key] = listing
            return listing
        }
    }

    public init(
        scenario: SimulatorScenario,
        tokens: [String: [String]] = [GitHubSimulator.demoToken: GitHubSimulator.allScopes],
        rateLimit: Int = 5_000,
        maxPerPage: Int = 100,
        tokenLifetime: Double? = nil,
        clock: any SimulatorClock = SystemSimulatorClock(),
        maxLogEntries: Int = 100_000
    ) {
        self.maxPerPage = maxPerPage
        self.tokenLifetime = tokenLifetime
        self.rateLimit = rateLimit
        self.clock = clock
        self.started = clock.now()
        self.maxLogEntries = maxLogEntries
        let now = clock.now()
        var initial = State(scenario: scenario)
        initial.budgets[SimulatedToken.userBudget] = Budget(remaining: rateLimit, resetAt: (now + 3600).rounded(.down))
        for (token, scopes) in tokens { initial.tokens[token] = SimulatedToken(kind: .classic, scopes: scopes) }
        state = Mutex(initial)
    }

    /// Scopes of a classic token that can read everything the exporter needs.
    public static let allScopes = ["manage_billing:copilot", "read:org", "read:enterprise", "manage_billing:enterprise"]

    /// Starts serving on 127.0.0.1 (port 0: any free port) and returns the port.
    @discardableResult
    public func start(port: Int = 0) throws -> Int {
        let server = HTTPServer(
            configuration: .init(
                host: "127.0.0.1",
                port: port,
                parser: .init(maxBodyBytes: 1 << 20),
                requestReadTimeout: 30,
                maxConnections: 1024,
                maxInFlight: 256,
                maxConnectionsPerAddress: 1024,
                firstByteTimeout: 120
            ),
            handler: self
        )
        let bound = try server.start()
        self.server.withLock { $0 = server }
        state.withLock { $0.baseURL = "http://127.0.0.1:\(bound)" }
        return bound
    }

    /// The REST base URL to give the exporter.
    public var baseURL: String { state.withLock { $0.baseURL } }

    public func stop() async {
        let server = self.server.withLock { $0 }
        await server?.shutdown(grace: 2)
    }

    /// Adds fault rules, applied in order; the first matching rule with uses left wins.
    public func inject(_ rules: FaultRule...) { state.withLock { $0.faults += rules } }

    /// From now on, answers 304 without the `Link` header the 200 had (tests).
    public func omitLinkOnNotModified() { state.withLock { $0.linklessNotModified = true } }

    /// Announces the retirement of every path containing `pathContains`, as GitHub does while
    /// closing an API down: `Deprecation: @UNIX-SECONDS` (RFC 9745) and `Sunset: HTTP-date`
    /// (RFC 8594) on each answer.
    public func retire(pathContains: String, deprecation: Double, sunset: Double) {
        state.withLock { $0.retiring.append((pathContains, deprecation, sunset)) }
    }

    /// Removes every fault rule.
    public func clearFaults() { state.withLock { $0.faults = [] } }

    /// Replaces the data served.
    public func update(_ change: (inout SimulatorScenario) -> Void) { state.withLock { change(&$0.scenario) } }

    /// The requests received so far, oldest first.
    public var requests: [LoggedRequest] { state.withLock { $0.log } }

    /// Empties the request log and the arrival count.
    public func clearLog() {
        state.withLock { $0.log = [] }
        arrivals.store(0, ordering: .relaxed)
    }

    /// Spends or restores an hourly budget (for rate-limit tests): by default the one every
    /// personal access token shares (one simulated user).
    public func setRateLimit(remaining: Int, resetIn: Double, budget: String = SimulatedToken.userBudget) {
        state.withLock { $0.budgets[budget] = Budget(remaining: remaining, resetAt: (clock.now() + resetIn).rounded(.down)) }
    }

    /// Requests received, counted on arrival (the log records each when it is answered).
    public var received: Int { arrivals.load(ordering: .relaxed) }

    /// Response body bytes sent so far (what the exporter had to parse).
    public var bytesServed: Int { served.load(ordering: .relaxed) }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        if request.path == "/_simulator/stats" {
            // For benchmarks in another process: not GitHub's, not logged, not counted.
            return HTTPResponse(
                status: 200,
                headers: [("Content-Type", "application/json")],
                body: Array(#"{"requests":\#(received),"bytes":\#(bytesServed)}"#.utf8)
            )
        }
        arrivals.add(1, ordering: .relaxed)
        var response = route(request)
        if let notice = state.withLock({ $0.retiring.first { request.path.contains($0.pathContains) } }) {
            response.headers += [
                (name: "Deprecation", value: "@\(Int(notice.deprecation))"),
                (name: "Sunset", value: SimulatedCalendar.httpDate(notice.sunset)),
            ]
        }
        served.add(response.body.count, ordering: .relaxed)
        let at = clock.now() - started
        var headers: [String: String] = [:]
        for header in request.headers { headers[header.name.lowercased()] = header.value }
        let entry = LoggedRequest(
            method: request.method,
            target: request.target,
            status: response.status,
            authorization: request.header("authorization"),
            headers: headers,
            at: at
        )
        state.withLock {
            $0.log.append(entry)
            if $0.log.count > maxLogEntries { $0.log.removeFirst($0.log.count - maxLogEntries) }
        }
        if response.header("x-github-request-id") == nil {
            response.headers.append((name: "X-GitHub-Request-Id", value: String(format: "SIM:%08X", entry.target.utf8.count)))
        }
        return response
    }
}
