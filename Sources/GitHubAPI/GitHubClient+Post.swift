extension GitHubClient {
    /// POSTs a JSON body to one API path, once: a POST may create something (a report export),
    /// so it is never repeated on a 5xx or a dropped connection, where GitHub may have acted on
    /// it; the caller looks before it asks again. Rate limits block and fail as for a GET.
    public func post(_ path: String, json body: [UInt8]) async throws -> GitHubResponse {
        let endpoint = "POST " + path
        let credential = try await currentCredential()
        if let block = await state.blocked(credential.label, now: clock.now()) {
            throw block.reason ?? GitHubAPIError.rateLimited(endpoint: endpoint, resource: "core", reset: block.until)
        }
        let outcome = await attempt(
            TransportRequest(method: "POST", url: url(path), headers: ["Content-Type": "application/json"], body: body),
            credential: credential,
            endpoint: endpoint
        )
        // The last attempt's decision: accept a 2xx, fail (and block on a limit) otherwise.
        let decision = retry.decide(
            outcome,
            attempt: retry.maxAttempts,
            now: clock.now(),
            hasCachedBody: false,
            backoff: 0,
            endpoint: endpoint
        )
        switch (decision, outcome) {
        case (.accept, .response(let response)):
            return GitHubResponse(status: response.status, headers: response.headers, body: response.body, fromCache: false)
        case (.fail(let error, let blockUntil), _):
            if let blockUntil { await state.block(credential.label, until: blockUntil, reason: error) }
            throw error
        case (.retry(_, let error, _), _):
            throw error
        default:
            throw GitHubAPIError.rejected(endpoint: endpoint, status: 0, message: "no usable answer")
        }
    }
}
