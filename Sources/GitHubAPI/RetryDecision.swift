/// What the client does after one attempt of a GET: the whole retry policy as a pure
/// function of the attempt's outcome, so it can be read, and tested, as a table.
public enum RetryDecision: Sendable, Equatable {
    /// A 2xx: use the body (and remember its ETag).
    case accept
    /// A 304 to a revalidation: use the cached body.
    case acceptCached
    /// Wait `wait` seconds, then try again; `error` is what the request fails with if no
    /// later attempt succeeds. `evictCache` drops the cached body first (a 304 without one).
    case retry(wait: Double, error: GitHubAPIError, evictCache: Bool = false)
    /// Give up with `error`; when `blockUntil` is set, no request goes out before that time.
    case fail(GitHubAPIError, blockUntil: Double? = nil)
}

/// How one attempt ended: a response, or no response at all.
public enum AttemptOutcome: Sendable {
    case response(TransportResponse)
    /// `tooLarge` is the limit, in decoded bytes, when the answer was cut off for growing past it.
    case noResponse(reason: String, tooLarge: Int? = nil)
}

extension RetryPolicy {
    /// The decision after attempt number `attempt` (from 1) of a GET of `endpoint` at `now`.
    ///
    /// `backoff` is the wait before the next attempt after a failure that GitHub gave no wait
    /// for (the caller adds jitter). Primary rate limits block until their reset; secondary
    /// ones are waited out inside the poll when short, and block otherwise; 5xx and dropped
    /// connections are retried; every other 4xx fails at once.
    public func decide(
        _ outcome: AttemptOutcome,
        attempt: Int,
        now: Double,
        hasCachedBody: Bool,
        backoff: Double,
        endpoint: String
    ) -> RetryDecision {
        let more = attempt < maxAttempts
        let response: TransportResponse
        switch outcome {
        case .noResponse(_, let limit?):
            return .fail(.tooLarge(endpoint: endpoint, limit: limit))
        case .noResponse(let reason, nil):
            let error = GitHubAPIError.transport(endpoint: endpoint, reason: reason)
            return more ? .retry(wait: backoff, error: error) : .fail(error)
        case .response(let answer):
            response = answer
        }
        switch response.status {
        case 200..<300:
            return .accept
        case 304:
            if hasCachedBody { return .acceptCached }
            let error = GitHubAPIError.rejected(endpoint: endpoint, status: 304, message: "Not Modified without a cached body")
            return more ? .retry(wait: 0, error: error, evictCache: true) : .fail(error)
        case 403, 429:
            return decideLimited(response, more: more, now: now, endpoint: endpoint)
        case 301, 302, 303, 307, 308:
            // The transport follows only same-origin redirects; this one led elsewhere.
            return .fail(.redirected(endpoint: endpoint, status: response.status, location: response.header("location") ?? "nowhere"))
        case 500...599:
            let error = GitHubAPIError.server(endpoint: endpoint, status: response.status)
            guard more else { return .fail(error) }
            let asked = response.header("retry-after").flatMap(Double.init)
            if let asked, asked > maxInlineWait { return .fail(error, blockUntil: now + asked) }
            return .retry(wait: max(asked ?? 0, backoff), error: error)
        default:
            return .fail(GitHubAPIError.classify(response, endpoint: endpoint))
        }
    }

    /// A 403 or 429: a spent primary limit, a secondary limit, or a refusal.
    func decideLimited(_ response: TransportResponse, more: Bool, now: Double, endpoint: String) -> RetryDecision {
        if let limit = RateLimit(headers: response), limit.remaining == 0, response.header("retry-after") == nil {
            let reset = max(limit.reset, now + 1)
            return .fail(.rateLimited(endpoint: endpoint, resource: limit.resource, reset: reset), blockUntil: reset)
        }
        if let wait = GitHubClient.secondaryLimitWait(response) {
            let error = GitHubAPIError.secondaryRateLimited(endpoint: endpoint, retryAfter: wait)
            guard wait <= maxInlineWait, more else { return .fail(error, blockUntil: now + wait) }
            return .retry(wait: wait, error: error)
        }
        if response.status == 429 {
            return .fail(.secondaryRateLimited(endpoint: endpoint, retryAfter: 60), blockUntil: now + 60)
        }
        return .fail(GitHubAPIError.classify(response, endpoint: endpoint))
    }
}
