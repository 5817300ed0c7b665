import Testing

@testable import GitHubAPI

/// The client's whole retry policy as a table: outcome, headers and attempt in, decision out.
@Suite struct RetryDecisionTests {
    static let policy = RetryPolicy(maxAttempts: 3, baseDelay: 1, maxDelay: 30, maxInlineWait: 60)
    static let now = 1_000_000.0
    static let endpoint = "GET /x"

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var outcome: AttemptOutcome
        var attempt: Int
        var hasCache = false
        var expected: RetryDecision
        var testDescription: String { name }
    }

    static func response(_ status: Int, _ headers: [String: String] = [:], body: String = "") -> AttemptOutcome {
        .response(TransportResponse(status: status, headers: headers, body: Array(body.utf8)))
    }

    static let spent = ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "1000500", "x-ratelimit-resource": "core"]

    static let rows: [Row] = [
        Row(name: "200 is accepted", outcome: response(200), attempt: 1, expected: .accept),
        Row(name: "204 is accepted", outcome: response(204), attempt: 3, expected: .accept),
        Row(name: "304 with a cached body uses it", outcome: response(304), attempt: 1, hasCache: true, expected: .acceptCached),
        Row(
            name: "304 without a cached body drops the entry and asks again at once",
            outcome: response(304),
            attempt: 1,
            expected: .retry(
                wait: 0,
                error: .rejected(endpoint: endpoint, status: 304, message: "Not Modified without a cached body"),
                evictCache: true
            )
        ),
        Row(
            name: "no response is retried after the backoff",
            outcome: .noResponse(reason: "timed out"),
            attempt: 1,
            expected: .retry(wait: 2, error: .transport(endpoint: endpoint, reason: "timed out"))
        ),
        Row(
            name: "no response on the last attempt fails",
            outcome: .noResponse(reason: "timed out"),
            attempt: 3,
            expected: .fail(.transport(endpoint: endpoint, reason: "timed out"))
        ),
        Row(
            name: "502 is retried after the backoff",
            outcome: response(502),
            attempt: 2,
            expected: .retry(wait: 2, error: .server(endpoint: endpoint, status: 502))
        ),
        Row(
            name: "503 with a longer Retry-After than the backoff waits as asked",
            outcome: response(503, ["Retry-After": "7"]),
            attempt: 1,
            expected: .retry(wait: 7, error: .server(endpoint: endpoint, status: 503))
        ),
        Row(
            name: "503 with a Retry-After past the inline limit blocks instead of sleeping",
            outcome: response(503, ["Retry-After": "600"]),
            attempt: 1,
            expected: .fail(.server(endpoint: endpoint, status: 503), blockUntil: now + 600)
        ),
        Row(
            name: "500 on the last attempt fails without blocking",
            outcome: response(500),
            attempt: 3,
            expected: .fail(.server(endpoint: endpoint, status: 500))
        ),
        Row(
            name: "a spent primary limit blocks until its reset",
            outcome: response(403, spent),
            attempt: 1,
            expected: .fail(.rateLimited(endpoint: endpoint, resource: "core", reset: 1_000_500), blockUntil: 1_000_500)
        ),
        Row(
            name: "a primary limit whose reset has passed blocks for a second",
            outcome: response(429, ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "5"]),
            attempt: 1,
            expected: .fail(.rateLimited(endpoint: endpoint, resource: "core", reset: now + 1), blockUntil: now + 1)
        ),
        Row(
            name: "a short secondary limit is waited out inside the poll",
            outcome: response(403, ["Retry-After": "30"]),
            attempt: 1,
            expected: .retry(wait: 30, error: .secondaryRateLimited(endpoint: endpoint, retryAfter: 30))
        ),
        Row(
            name: "a long secondary limit blocks",
            outcome: response(403, ["Retry-After": "120"]),
            attempt: 1,
            expected: .fail(.secondaryRateLimited(endpoint: endpoint, retryAfter: 120), blockUntil: now + 120)
        ),
        Row(
            name: "a short secondary limit on the last attempt blocks",
            outcome: response(403, ["Retry-After": "30"]),
            attempt: 3,
            expected: .fail(.secondaryRateLimited(endpoint: endpoint, retryAfter: 30), blockUntil: now + 30)
        ),
        Row(
            name: "a secondary limit named only in the message waits a minute",
            outcome: response(403, body: #"{"message":"You have exceeded a secondary rate limit."}"#),
            attempt: 1,
            expected: .retry(wait: 60, error: .secondaryRateLimited(endpoint: endpoint, retryAfter: 60))
        ),
        Row(
            name: "a bare 429 blocks for a minute",
            outcome: response(429),
            attempt: 1,
            expected: .fail(.secondaryRateLimited(endpoint: endpoint, retryAfter: 60), blockUntil: now + 60)
        ),
        Row(
            name: "a 403 with SSO required fails at once",
            outcome: response(403, ["X-GitHub-SSO": "required; url=https://github.com/orgs/a/sso?x=1"]),
            attempt: 1,
            expected: .fail(.ssoRequired(endpoint: endpoint, authorizationURL: "https://github.com/orgs/a/sso?x=1"))
        ),
        Row(name: "401 fails at once", outcome: response(401), attempt: 1, expected: .fail(.unauthorized(endpoint: endpoint))),
        Row(name: "404 fails at once", outcome: response(404), attempt: 1, expected: .fail(.notFound(endpoint: endpoint))),
        Row(
            name: "422 fails at once with GitHub's message",
            outcome: response(422, body: #"{"message":"bad day"}"#),
            attempt: 1,
            expected: .fail(.rejected(endpoint: endpoint, status: 422, message: "bad day"))
        ),
    ]

    @Test(arguments: rows)
    func decision(_ row: Row) {
        let decision = Self.policy.decide(
            row.outcome,
            attempt: row.attempt,
            now: Self.now,
            hasCachedBody: row.hasCache,
            backoff: 2,
            endpoint: Self.endpoint
        )
        #expect(decision == row.expected)
    }
}
