import GitHubAPI

extension GitHubAPIError {
    /// Seconds GitHub asked the caller to wait before trying again (0 when it asked nothing).
    func waitRequested(now: Double) -> Double {
        switch self {
        case .rateLimited(_, _, let reset): max(0, reset - now)
        case .secondaryRateLimited(_, let retryAfter): max(0, retryAfter)
        default: 0
        }
    }
}
