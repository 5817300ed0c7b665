import GitHubAPI

/// Why an attempt failed, in one word for the `reason` label of
/// `github_copilot_collector_failures_total`: what an operator acts on (a credential, a slug,
/// GitHub's health, the rate limit), never a message that could vary without bound.
public struct FailureReason: Sendable, Hashable, Comparable {
    public let rawValue: String

    public init(_ error: any Error) {
        guard let error = error as? GitHubAPIError else {
            rawValue = "other"
            return
        }
        rawValue =
            switch error {
            case .unauthorized: "unauthorized"
            case .ssoRequired: "sso_required"
            case .missingScope: "missing_scope"
            case .forbidden: "forbidden"
            case .notFound: "not_found"
            case .rejected: "rejected"
            case .rateLimited: "rate_limited"
            case .secondaryRateLimited: "secondary_rate_limited"
            case .server: "server_error"
            case .transport: "transport"
            case .decoding: "decoding"
            case .foreignLink: "foreign_link"
            case .redirected: "redirected"
            case .tooLarge: "too_large"
            case .credentials: "credentials"
            case .reportsUnavailable: "reports_unavailable"
            }
    }

    public static func < (lhs: FailureReason, rhs: FailureReason) -> Bool { lhs.rawValue < rhs.rawValue }
}
