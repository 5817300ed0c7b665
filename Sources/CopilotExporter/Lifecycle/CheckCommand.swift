import Foundation
public import GitHubAPI
import Synchronization

/// `copilot_exporter check`: calls, once, every endpoint the enabled collectors need for every
/// scope, and says for each what works and what to fix; then the token's expiry and what the
/// configured intervals will spend. Exit status 0 only when everything needed works.
public struct CheckCommand: Sendable {
    /// One checked endpoint.
    public struct Line: Sendable, Equatable {
        public enum Verdict: String, Sendable {
            case ok = "OK"
            case warn = "WARN"
            case fail = "FAIL"
        }
        public var verdict: Verdict
        public var collector: CollectorName
        public var scope: Scope
        /// The credential the collector's requests carry for this scope.
        public var credential: CredentialKind
        public var endpoint: String
        public var status: String
        public var message: String
    }

    public let configuration: Configuration
    public let client: GitHubClient

    public init(
        configuration: Configuration,
        credentials: any CredentialSource,
        transport: any HTTPTransport,
        clock: any WallClock = SystemClock()
    ) {
        self.configuration = configuration
        self.client = GitHubClient(
            baseURL: configuration.apiURL,
            transport: transport,
            credentials: credentials,
            clock: clock,
            retry: RetryPolicy(maxAttempts: 2, baseDelay: 1, maxDelay: 2, maxInlineWait: 5),
            state: ClientState(),
            userAgent: "copilot_exporter/\(ExporterApp.version) check"
        )
    }

    /// Everything `check` prints, and its exit status.
    public func run() async -> (lines: [Line], report: [String], exitCode: Int32) {
        let observations = ObservationBox()
        let client = self.client.observing { observations.add($0) }
        let now = client.clock.now()
        if Self.isEnterpriseServer(configuration.apiURL) {
            let lines = enterpriseServerLines()
            return (lines, [Self.enterpriseServerSentence, "Result: \(lines.count) of \(lines.count) checks failed; see above."], 1)
        }
        let (lines, costs) = await probeAll(client: client, now: now)
        var report = [tokenSentence(expiry: observations.tokenExpiry, now: now), budgetSentence(costs)]
        let failures = lines.filter { $0.verdict == .fail }.count
        report.append(
            failures == 0
                ? "Result: everything the configuration needs works (\(lines.count) checks)."
                : "Result: \(failures) of \(lines.count) checks failed; fix them and run check again."
        )
        return (lines, report, failures == 0 ? 0 : 1)
    }

    /// Probes every enabled collector for every scope: one line per endpoint, and each job's cost.
    func probeAll(client: GitHubClient, now: Double) async -> ([Line], [JobKey: RequestBudget.Job]) {
        var lines: [Line] = []
        var costs: [JobKey: RequestBudget.Job] = [:]
        let period = BillingPeriod(containing: now)
        let router = CredentialRouter(client.credentials)
        for scope in configuration.scopes {
            for collector in CollectorRegistry.all
            where configuration.enabledCollectors.contains(collector.name) && collector.access.contains(where: { $0.scope == scope.kind }) {
                let context = ProbeContext(client: client.routed(for: collector, scope: scope), period: period, now: now)
                let probe = await collector.probe(scope, context: context)
                let credential = router.kind(for: collector, scope: scope.kind)
                lines += probe.endpoints.map {
                    Self.line($0.endpoint, $0.answer, collector: collector.name, scope: scope, credential: credential)
                }
                costs[JobKey(collector.name, scope)] = RequestBudget.Job(
                    cost: Double(probe.cost),
                    interval: configuration.intervals[collector.name] ?? collector.defaultInterval,
                    adaptive: !configuration.explicitIntervals.contains(collector.name)
                )
            }
        }
        return (lines, costs)
    }

    /// True for a GitHub Enterprise Server API URL (`https://HOST/api/v3`): GitHub.com and
    /// GHE.com serve the API at the root of `api.` hosts instead.
    static func isEnterpriseServer(_ apiURL: String) -> Bool {
        guard let url = URLComponents(string: apiURL) else { return false }
        var path = url.path
        while path.hasSuffix("/") { path.removeLast() }
        return path == "/api/v3"
    }

    static let enterpriseServerSentence =
        "GitHub Enterprise Server: its REST API (3.19, 3.20) has no Copilot seat, usage-metrics or billing-usage endpoints, so "
        + "nothing here can be collected from it. Copilot for GHES users is licensed and billed through a GitHub.com "
        + "(GHEC) enterprise or organization: run the exporter against https://api.github.com (or your api.SUBDOMAIN.ghe.com) "
        + "for that account instead."

    /// One line per enabled collector and scope, saying why GHES cannot serve it, without a request.
    func enterpriseServerLines() -> [Line] {
        var lines: [Line] = []
        let router = CredentialRouter(client.credentials)
        for scope in configuration.scopes {
            for collector in CollectorRegistry.all where configuration.enabledCollectors.contains(collector.name) {
                lines.append(
                    Line(
                        verdict: .fail,
                        collector: collector.name,
                        scope: scope,
                        credential: router.kind(for: collector, scope: scope.kind),
                        endpoint: "GitHub Enterprise Server \(configuration.apiURL)",
                        status: "-",
                        message: "GHES has no such endpoint; point --github.api-url at the GitHub.com (GHEC) account that holds the "
                            + "Copilot licenses."
                    )
                )
            }
        }
        return lines
    }

    static func line(
        _ endpoint: String,
        _ answer: CollectorProbe.Answer,
        collector: CollectorName,
        scope: Scope,
        credential: CredentialKind
    ) -> Line {
        var line = Line(
            verdict: .ok,
            collector: collector,
            scope: scope,
            credential: credential,
            endpoint: endpoint,
            status: "",
            message: "works"
        )
        switch answer {
        case .works(let status):
            line.status = String(status)
        case .warning(let status, let message):
            (line.verdict, line.status, line.message) = (.warn, status, message)
        case .failed(let error):
            (line.verdict, line.status, line.message) = (.fail, (error as? GitHubAPIError)?.status ?? "-", diagnose(error, scope: scope))
        }
        return line
    }

    func tokenSentence(expiry: Double?, now: Double) -> String {
        guard let expiry else { return "Token: GitHub sent no expiry date (a token without expiry, or no successful response)." }
        let days = Int(((expiry - now) / 86_400).rounded(.down))
        return "Token: expires at \(RFC3339.timestamp(expiry)) (in \(days) days)\(days < 14 ? "; renew it soon" : "")."
    }

    /// What the configured intervals will spend an hour, and which jobs the budget slows.
    func budgetSentence(_ costs: [JobKey: RequestBudget.Job]) -> String {
        let allowed = RequestBudget.allocate(costs, hourly: configuration.requestsPerHour)
        var hourly = 0.0
        var stretched: [String] = []
        for (key, job) in costs.sorted(by: { $0.key < $1.key }) {
            let wanted = job.cost * 3600 / job.interval
            let granted = job.adaptive ? (allowed[key] ?? wanted) : wanted
            hourly += granted
            if job.adaptive, granted < wanted, granted > 0 {
                stretched.append("\(key) every \(Int((job.cost * 3600 / granted / 60).rounded())) min")
            }
        }
        return "Budget: at the current seat counts the configured intervals will spend about \(Int(hourly.rounded())) GitHub requests "
            + "an hour (--github.requests-per-hour allows \(Int(configuration.requestsPerHour)))"
            + (stretched.isEmpty ? "." : "; slowed to fit: " + stretched.joined(separator: ", ") + ".")
    }

    /// The cause and the fix of a failed check, in one sentence.
    static func diagnose(_ error: any Error, scope: Scope) -> String {
        guard let error = error as? GitHubAPIError else { return "\(error)" }
        switch error {
        case .forbidden(_, let message, _):
            let lower = message.lowercased()
            if lower.contains("by integration") {
                return "GitHub App tokens cannot read this endpoint; use a classic personal access token of an owner or billing manager."
            }
            if lower.contains("by personal access token") {
                return "fine-grained tokens cannot read this endpoint; use a classic personal access token (see the README's token table)."
            }
            if lower.contains("owner") || lower.contains("billing manager") || lower.contains("admin") {
                return
                    "the token's user is not an owner or billing manager of \(scope.labelName) \(scope.slug); use a token of one, or have "
                    + "them grant the role."
            }
            return error.description
        case .rejected(_, let status, let message) where status == 422 || status == 400:
            let lower = message.lowercased()
            if lower.contains("usage metrics") && lower.contains("disabled") {
                return
                    "the Copilot usage metrics policy is disabled; enable it (enterprise settings, Policies, Copilot, Copilot usage metrics)."
            }
            if lower.contains("user") && lower.contains("enterprise") {
                return "GitHub does not filter usage by user for an organization owned by an enterprise; read per-user usage at the "
                    + "enterprise (--github.enterprise) instead."
            }
            return error.description
        default:
            return error.description
        }
    }
}

/// Collects what responses said about the token during `check`.
final class ObservationBox: Sendable {
    private let expiry = Mutex<Double?>(nil)
    func add(_ observation: APIObservation) {
        if let value = observation.tokenExpiry, observation.credential == Credential.tokenLabel { expiry.withLock { $0 = value } }
    }
    var tokenExpiry: Double? { expiry.withLock { $0 } }
}

extension CheckCommand.Line {
    /// `FAIL  billing  org=acme  token  GET /organizations/acme/settings/billing/usage/summary  403  the fix.`
    public var text: String {
        "\(verdict.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) \(collector.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0)) "
            + "\(scope.description.padding(toLength: max(20, scope.description.count), withPad: " ", startingAt: 0))  "
            + "\(credential.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0))  \(endpoint)  \(status)  \(message)"
    }
}
