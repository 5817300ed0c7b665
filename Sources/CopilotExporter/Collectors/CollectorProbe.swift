public import GitHubAPI

/// What `probe` needs: a client scoped to one scope, the billing period and the time.
public struct ProbeContext: Sendable {
    public var client: GitHubClient
    public var period: BillingPeriod
    public var now: Double

    public init(client: GitHubClient, period: BillingPeriod, now: Double) {
        self.client = client
        self.period = period
        self.now = now
    }

    /// One GET, its failure kept as a value.
    public func get(_ path: String, _ query: [(String, String)] = []) async -> Result<GitHubResponse, any Error> {
        do { return .success(try await client.get(path, query: query)) } catch { return .failure(error) }
    }
}

/// How a collector's endpoints answered `check`, and what one poll costs.
public struct CollectorProbe: Sendable {
    /// How one endpoint answered.
    public enum Answer: Sendable {
        /// It works (the HTTP status).
        case works(status: Int)
        /// It answered, but with something the user should know (the status and the sentence).
        case warning(status: String, message: String)
        /// It failed; `check` explains the error.
        case failed(any Error)
    }

    public var endpoints: [(endpoint: String, answer: Answer)] = []
    /// Requests one poll costs at the sizes seen.
    public var cost = 0

    public init() {}

    /// Records how `endpoint` answered; a 404 becomes a warning saying `notOffered` when given
    /// (an endpoint the plan does not offer is not a failure). Returns the response on success.
    @discardableResult
    public mutating func record(
        _ endpoint: String,
        _ result: Result<GitHubResponse, any Error>,
        notOffered: String? = nil
    ) -> GitHubResponse? {
        switch result {
        case .success(let response):
            endpoints.append((endpoint, .works(status: response.status)))
            return response
        case .failure(let error):
            if let notOffered, case .notFound = error as? GitHubAPIError {
                endpoints.append((endpoint, .warning(status: "404", message: notOffered)))
            } else {
                endpoints.append((endpoint, .failed(error)))
            }
            return nil
        }
    }
}
