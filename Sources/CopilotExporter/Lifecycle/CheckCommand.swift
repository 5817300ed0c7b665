import Foundation
public import GitHubAPI

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
        var lines: [Line] = []
        var costs: [JobKey: RequestBudget.Job] = [:]
        let now = client.clock.now()
        let period = BillingPeriod(containing: now)
        for scope in configuration.scopes {
            let scoped = client.scoped(scope)
            for collector in CollectorName.allCases where configuration.enabledCollectors.contains(collector) {
                let (found, cost) = await check(collector, scope: scope, client: scoped, period: period, now: now)
                lines += found
                costs[JobKey(collector, scope)] = RequestBudget.Job(
                    cost: Double(cost),
                    interval: configuration.intervals[collector] ?? 300,
                    adaptive: !configuration.explicitIntervals.contains(collector)
                )
            }
        }
        var report: [String] = []
        if let expiry = observations.tokenExpiry {
            let days = Int(((expiry - now) / 86_400).rounded(.down))
            report.append("Token: expires at \(RFC3339.timestamp(expiry)) (in \(days) days)\(days < 14 ? "; renew it soon" : "").")
        } else {
            report.append("Token: GitHub sent no expiry date (a token without expiry, or no successful response).")
        }
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
        report.append(
            "Budget: at the current seat counts the configured intervals will spend about \(Int(hourly.rounded())) GitHub requests an hour "
                + "(--github.requests-per-hour allows \(Int(configuration.requestsPerHour)))"
                + (stretched.isEmpty ? "." : "; slowed to fit: " + stretched.joined(separator: ", ") + ".")
        )
        let failures = lines.filter { $0.verdict == .fail }.count
        report.append(
            failures == 0
                ? "Result: everything the configuration needs works (\(lines.count) checks)."
                : "Result: \(failures) of \(lines.count) checks failed; fix them and run check again."
        )
        return (lines, report, failures == 0 ? 0 : 1)
    }

    /// The endpoints of one collector for one scope, and the requests one poll of it will cost.
    func check(_ collector: CollectorName, scope: Scope, client: GitHubClient, period: BillingPeriod, now: Double) async -> ([Line], Int) {
        var lines: [Line] = []
        func line(_ endpoint: String, _ result: Result<GitHubResponse, any Error>, notOffered: String? = nil) -> GitHubResponse? {
            switch result {
            case .success(let response):
                lines.append(
                    Line(
                        verdict: .ok,
                        collector: collector,
                        scope: scope,
                        endpoint: endpoint,
                        status: String(response.status),
                        message: "works"
                    )
                )
                return response
            case .failure(let error):
                let apiError = error as? GitHubAPIError
                if let notOffered, case .notFound = apiError {
                    lines.append(
                        Line(verdict: .warn, collector: collector, scope: scope, endpoint: endpoint, status: "404", message: notOffered)
                    )
                    return nil
                }
                lines.append(
                    Line(
                        verdict: .fail,
                        collector: collector,
                        scope: scope,
                        endpoint: endpoint,
                        status: apiError?.status ?? "-",
                        message: Self.diagnose(error, collector: collector, scope: scope)
                    )
                )
                return nil
            }
        }
        func get(_ path: String, _ query: [(String, String)] = []) async -> Result<GitHubResponse, any Error> {
            do { return .success(try await client.get(path, query: query)) } catch { return .failure(error) }
        }
        let billing = BillingCollector.prefix(scope) + "/settings/billing"
        switch collector {
        case .seats:
            var total = 0
            var cost = 0
            if case .organization(let org) = scope {
                let path = "/orgs/\(GitHubClient.encode(org))/copilot/billing"
                _ = line("GET " + path, await get(path))
                cost += 1
            }
            let list =
                scope.labelName == "org"
                ? "/orgs/\(GitHubClient.encode(scope.slug))/copilot/billing/seats"
                : "/enterprises/\(GitHubClient.encode(scope.slug))/copilot/billing/seats"
            if let response = line("GET " + list, await get(list, [("per_page", "1")])),
                let page = try? JSONDecoder().decode(CopilotSeatPage.self, from: Data(response.body))
            {
                total = page.totalSeats
            }
            return (lines, cost + max(1, (total + 99) / 100))
        case .billing:
            var cost = 2
            let summary = await get(billing + "/usage/summary", period.query)
            if case .failure(GitHubAPIError.notFound) = summary, scope.labelName == "org" {
                _ = line("GET \(billing)/usage", await get(billing + "/usage", period.query))
            } else {
                _ = line("GET \(billing)/usage/summary", summary)
            }
            if scope.labelName == "enterprise" {
                let centers = await get(billing + "/cost-centers", [("state", "active")])
                if let response = line("GET \(billing)/cost-centers", centers),
                    let list = try? JSONDecoder().decode(CostCenterList.self, from: Data(response.body))
                {
                    cost += list.costCenters.count + 2
                }
            }
            _ = line(
                "GET \(billing)/budgets",
                await get(billing + "/budgets"),
                notOffered: "no budgets API for this \(scope.labelName) (plan); budgets are simply not shown"
            )
            return (lines, cost)
        case .premiumRequests, .aiCredits:
            let endpoint = collector == .premiumRequests ? "premium_request/usage" : "ai_credit/usage"
            _ = line(
                "GET \(billing)/\(endpoint)",
                await get("\(billing)/\(endpoint)", period.query),
                notOffered: "the plan does not offer this usage (for example still billed per seat); the collector shows nothing for it"
            )
            return (lines, 1)
        case .usageMetrics:
            let base = UsageMetricsCollector.reports(scope).base + "/users-1-day"
            let today = Int((now / 86_400).rounded(.down))
            var last: Result<GitHubResponse, any Error> = .failure(GitHubAPIError.notFound(endpoint: "GET " + base))
            for back in 1...3 {
                last = await get(base, [("day", RFC3339.day(Double(today - back) * 86_400))])
                if case .success(let response) = last, response.status == 200 { break }
                if case .failure(let error) = last, !(error is GitHubAPIError && (error as? GitHubAPIError)?.status == "404") { break }
            }
            if case .failure(GitHubAPIError.notFound) = last {
                last = .failure(GitHubAPIError.reportsUnavailable(endpoint: "GET " + base, days: 3))
            }
            if case .success(let response) = last, response.status == 204 {
                lines.append(
                    Line(
                        verdict: .warn,
                        collector: collector,
                        scope: scope,
                        endpoint: "GET " + base,
                        status: "204",
                        message: "readable, but no report was published for the last 3 days (no activity yet?)"
                    )
                )
            } else {
                _ = line("GET " + base, last)
            }
            return (lines, 3)
        }
    }

    /// The cause and the fix of a failed check, in one sentence.
    static func diagnose(_ error: any Error, collector: CollectorName, scope: Scope) -> String {
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
final class ObservationBox: @unchecked Sendable {
    private let lock = NSLock()
    private var expiry: Double?
    func add(_ observation: APIObservation) { lock.withLock { if let value = observation.tokenExpiry { expiry = value } } }
    var tokenExpiry: Double? { lock.withLock { expiry } }
}

extension CheckCommand.Line {
    /// `FAIL  billing  org=acme  GET /organizations/acme/settings/billing/usage/summary  403  the fix.`
    public var text: String {
        "\(verdict.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) \(collector.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0)) "
            + "\(scope.description.padding(toLength: max(20, scope.description.count), withPad: " ", startingAt: 0))  \(endpoint)  \(status)  \(message)"
    }
}
