import Foundation

/// How the client retries: server errors and dropped connections with exponential backoff,
/// GitHub's `Retry-After` honoured when it is short enough to wait for within one poll.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The wait after the first failure; doubled after each further one.
    public var baseDelay: Double
    /// No backoff wait is longer than this.
    public var maxDelay: Double
    /// A `Retry-After` (or secondary-limit minimum wait) longer than this is not slept through
    /// inside a poll: the request fails and no request is sent until the wait is over.
    public var maxInlineWait: Double

    public init(maxAttempts: Int = 4, baseDelay: Double = 1, maxDelay: Double = 30, maxInlineWait: Double = 60) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxInlineWait = maxInlineWait
    }
}

/// A successful GitHub response.
public struct GitHubResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]
    /// True when the body came from the ETag cache after a 304.
    public var fromCache: Bool
}

/// The GitHub REST client: auth headers, ETag revalidation, rate-limit gates, retries,
/// pagination, and errors that say what to do.
///
/// A value type; what it remembers between calls lives in the shared `ClientState` actor.
/// Every exchange is reported to `observe` (status code, rate limit, token expiry).
public struct GitHubClient: Sendable {
    public let baseURL: String
    public let transport: any HTTPTransport
    public let credentials: any CredentialSource
    public let clock: any WallClock
    public let retry: RetryPolicy
    public let state: ClientState
    public let userAgent: String
    public let apiVersion: String
    public let observe: @Sendable (APIObservation) async -> Void
    /// The organization or enterprise the requests are about, for per-scope credentials.
    public let scope: Scope?

    public init(
        baseURL: String,
        transport: any HTTPTransport,
        credentials: any CredentialSource,
        clock: any WallClock = SystemClock(),
        retry: RetryPolicy = RetryPolicy(),
        state: ClientState = ClientState(),
        userAgent: String = "copilot_exporter",
        apiVersion: String = "2022-11-28",
        scope: Scope? = nil,
        observe: @escaping @Sendable (APIObservation) async -> Void = { _ in }
    ) {
        self.scope = scope
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.transport = transport
        self.credentials = credentials
        self.clock = clock
        self.retry = retry
        self.state = state
        self.userAgent = userAgent
        self.apiVersion = apiVersion
        self.observe = observe
    }

    /// The same client, reporting exchanges to `observe` instead.
    public func observing(_ observe: @escaping @Sendable (APIObservation) async -> Void) -> GitHubClient {
        copy(scope: scope, observe: observe)
    }

    /// The same client, for requests about `scope`.
    public func scoped(_ scope: Scope) -> GitHubClient { copy(scope: scope, observe: observe) }

    /// The same client (sharing its ETag cache and rate-limit gates), sending `credentials`.
    public func authenticating(with credentials: any CredentialSource) -> GitHubClient {
        copy(scope: scope, observe: observe, credentials: credentials)
    }

    private func copy(
        scope: Scope?,
        observe: @escaping @Sendable (APIObservation) async -> Void,
        credentials: (any CredentialSource)? = nil
    ) -> GitHubClient {
        GitHubClient(
            baseURL: baseURL,
            transport: transport,
            credentials: credentials ?? self.credentials,
            clock: clock,
            retry: retry,
            state: state,
            userAgent: userAgent,
            apiVersion: apiVersion,
            scope: scope,
            observe: observe
        )
    }

    /// The absolute URL of an API path with query parameters (percent-encoded).
    public func url(_ path: String, query: [(String, String)] = []) -> String {
        var url = baseURL + (path.hasPrefix("/") ? path : "/" + path)
        if !query.isEmpty {
            url += "?" + query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        }
        return url
    }

    /// GETs one API path, following the retry, rate-limit and ETag rules.
    public func get(_ path: String, query: [(String, String)] = []) async throws -> GitHubResponse {
        try await get(url: url(path, query: query), endpoint: "GET " + path)
    }

    /// GETs `path` and decodes the JSON body as `T`.
    public func getJSON<T: Decodable>(_ type: T.Type, _ path: String, query: [(String, String)] = []) async throws -> T {
        let response = try await get(path, query: query)
        return try Self.decode(type, from: response.body, endpoint: "GET " + path)
    }

    /// GETs every page of a paginated list by following `Link: rel="next"`, starting with
    /// `per_page=100`, and hands each decoded page to `page`. Either all pages succeed or the
    /// call throws: callers never see part of a list as if it were all of it.
    public func forEachPage<T: Decodable>(
        _ type: T.Type,
        _ path: String,
        query: [(String, String)] = [],
        page: (T) throws -> Void
    ) async throws {
        try await forEachPageBody(path, query: query) { body, endpoint in try page(Self.decode(type, from: body, endpoint: endpoint)) }
    }

    /// `forEachPage` for callers that read the body themselves (see `reading`).
    public func forEachPageBody(
        _ path: String,
        query: [(String, String)] = [],
        page: ([UInt8], _ endpoint: String) throws -> Void
    ) async throws {
        let endpoint = "GET " + path
        var next: String? = url(path, query: query + [("per_page", "100")])
        var seen = Set<String>()
        var cacheable = true
        while let current = next {
            guard seen.insert(current).inserted else {
                throw GitHubAPIError.decoding(endpoint: endpoint, detail: "the pagination links loop")
            }
            let response = try await get(url: current, endpoint: endpoint, cacheable: cacheable)
            let link = response.headers["link"]
            if seen.count == 1, let pages = LinkHeader.lastPage(link), pages > 1,
                !state.holdsListing(pages: pages, pageBytes: response.body.count)
            {
                // A listing larger than the ETag cache would only churn it (every page evicted
                // before it is asked for again, the 100,000-seat case): none of it is kept.
                cacheable = false
                await state.evict(current)
            }
            try page(response.body, endpoint)
            next = LinkHeader.target(link, relation: "next")
            if let link = next, !sameOrigin(link) {
                throw GitHubAPIError.foreignLink(endpoint: endpoint, link: link)
            }
        }
    }

    /// One logical GET of an absolute URL on the API host, with retries as
    /// `RetryPolicy.decide` says. After a 401 the credential source is told, and when it then
    /// has another token (a rotated token file, a re-minted installation token) the request is
    /// sent once more with it.
    /// `cacheable: false` neither sends a remembered ETag nor remembers the answer.
    public func get(url: String, endpoint: String, cacheable: Bool = true) async throws -> GitHubResponse {
        var attempt = 0
        var retriedAfterRejection = false
        while true {
            attempt += 1
            let credential = try await currentCredential()
            // Each credential has its own budget: one installation's spent limit blocks only it.
            if let block = await state.blocked(credential.label, now: clock.now()) {
                throw block.reason ?? GitHubAPIError.rateLimited(endpoint: endpoint, resource: "core", reset: block.until)
            }
            let cached = cacheable ? await state.cached(url) : nil
            let outcome = await attemptGet(url: url, etag: cached?.etag, credential: credential, endpoint: endpoint)
            if case .response(let response) = outcome, response.status == 401, !retriedAfterRejection {
                retriedAfterRejection = true
                if await credentials.rejected(credential, for: scope) {
                    attempt -= 1
                    continue
                }
            }
            let decision = retry.decide(
                outcome,
                attempt: attempt,
                now: clock.now(),
                hasCachedBody: cached != nil,
                backoff: backoff(attempt),
                endpoint: endpoint
            )
            switch (decision, outcome) {
            case (.accept, .response(let response)):
                if cacheable, let etag = response.header("etag"), !etag.isEmpty {
                    await state.store(url, etag: etag, body: response.body, link: .some(response.header("link")))
                }
                return GitHubResponse(status: response.status, headers: response.headers, body: response.body, fromCache: false)
            case (.acceptCached, .response(let response)):
                var headers = response.headers
                if response.header("link") == nil {
                    // A 304 need not carry `Link`: the 200's is used, and when that is not known
                    // (an entry restored from disk) the page is asked for again without its ETag,
                    // so that a listing is never cut short at a cached page.
                    guard case .some(let link) = cached?.link else {
                        await state.evict(url)
                        continue
                    }
                    if let link { headers["link"] = link }
                }
                return GitHubResponse(status: 200, headers: headers, body: cached?.body ?? [], fromCache: true)
            case (.retry(let wait, _, let evictCache), _):
                if evictCache { await state.evict(url) }
                if wait > 0 { try await clock.sleep(seconds: wait) }
            case (.fail(let error, let blockUntil), _):
                if let blockUntil { await state.block(credential.label, until: blockUntil, reason: error) }
                throw error
            case (.accept, .noResponse), (.acceptCached, .noResponse):
                preconditionFailure("a request without a response cannot be accepted")
            }
        }
    }

    /// The credential for this client's scope, its failure as a `GitHubAPIError`.
    func currentCredential() async throws(GitHubAPIError) -> Credential {
        do {
            return try await credentials.credential(for: scope)
        } catch {
            throw GitHubAPIError.credentials(error.description)
        }
    }

    /// Sends one attempt with `credential` and, when a body is cached, its ETag; reports the
    /// exchange to `observe`.
    func attemptGet(url: String, etag: String?, credential: Credential, endpoint: String) async -> AttemptOutcome {
        await attempt(
            TransportRequest(url: url, headers: etag.map { ["If-None-Match": $0] } ?? [:]),
            credential: credential,
            endpoint: endpoint
        )
    }

    /// Sends one request with the API headers and the credential, and reports what GitHub said
    /// (status, rate limit, token expiry, retirement) to the observer.
    func attempt(_ request: TransportRequest, credential: Credential, endpoint: String) async -> AttemptOutcome {
        var request = request
        request.headers.merge(
            [
                "Accept": "application/vnd.github+json", "Authorization": "Bearer " + credential.token,
                "X-GitHub-Api-Version": apiVersion, "User-Agent": userAgent,
            ],
            uniquingKeysWith: { own, _ in own }
        )
        do {
            let response = try await transport.send(request)
            await observe(
                APIObservation(
                    code: String(response.status),
                    rateLimit: RateLimit(headers: response),
                    tokenExpiry: APIObservation.tokenExpiry(response.header("github-authentication-token-expiration")),
                    credential: credential.label,
                    retirement: Retirement(endpoint: endpoint, response: response)
                )
            )
            return .response(response)
        } catch {
            await observe(APIObservation(code: "error", credential: credential.label))
            return .noResponse(reason: Self.reason(error), tooLarge: error.limitExceeded)
        }
    }

    /// The wait a secondary rate limit asks for: `Retry-After` seconds, or at least one minute
    /// when GitHub's message names a secondary limit without saying how long.
    static func secondaryLimitWait(_ response: TransportResponse) -> Double? {
        if let asked = response.header("retry-after").flatMap(Double.init) { return max(0, asked) }
        let message = (GitHubAPIError.message(in: response.body) ?? "").lowercased()
        if message.contains("secondary rate limit") || message.contains("abuse") { return 60 }
        return nil
    }

    /// Downloads a report file from a signed storage URL (another host), streaming its body to
    /// `onChunk`. Sends no Authorization header: the URL carries its own signature, and the
    /// GitHub token must never reach another host.
    public func download(_ url: String, endpoint: String, onChunk: @escaping ChunkHandler) async throws {
        let response: TransportResponse
        do {
            response = try await transport.stream(
                TransportRequest(url: url, headers: ["User-Agent": userAgent, "Accept": "application/x-ndjson, */*"]),
                onChunk: onChunk
            )
        } catch {
            if case .tooLarge(_, let limit) = error {
                throw GitHubAPIError.tooLarge(endpoint: endpoint + " (report download)", limit: limit)
            }
            throw GitHubAPIError.transport(endpoint: endpoint + " (report download)", reason: Self.reason(error))
        }
        if [301, 302, 303, 307, 308].contains(response.status) {
            throw GitHubAPIError.redirected(
                endpoint: endpoint + " (report download)",
                status: response.status,
                location: response.header("location") ?? "nowhere"
            )
        }
        guard (200..<300).contains(response.status) else {
            throw GitHubAPIError.rejected(
                endpoint: endpoint + " (report download)",
                status: response.status,
                message: "the signed download link was refused; it may have expired: ask GitHub for a new one"
            )
        }
    }

    /// Exponential backoff with ±20 % jitter, so parallel exporters do not retry in step.
    func backoff(_ attempt: Int) -> Double {
        let raw = min(retry.maxDelay, retry.baseDelay * pow(2, Double(attempt - 1)))
        return raw * Double.random(in: 0.8...1.2)
    }

    func sameOrigin(_ link: String) -> Bool {
        guard let base = URLComponents(string: baseURL), let other = URLComponents(string: link) else { return false }
        return base.scheme == other.scheme && base.host == other.host && base.port == other.port
    }

    public static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8], endpoint: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch let error as DecodingError {
            throw GitHubAPIError.decoding(endpoint: endpoint, detail: describe(error))
        } catch {
            throw GitHubAPIError.decoding(endpoint: endpoint, detail: String(describing: error))
        }
    }

    /// Runs a `JSONReader`-based read, turning its failure into the same one-sentence decoding
    /// error as `decode`.
    public static func reading<T>(_ endpoint: String, _ read: () throws -> T) throws -> T {
        do {
            return try read()
        } catch let failure as JSONReader.Failure {
            throw GitHubAPIError.decoding(endpoint: endpoint, detail: failure.description)
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return keys.isEmpty ? "the top level" : keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing \(key.stringValue) at \(path(context))"
        case .typeMismatch(_, let context): return "wrong type at \(path(context))"
        case .valueNotFound(_, let context): return "null at \(path(context))"
        case .dataCorrupted(let context): return "invalid JSON at \(path(context))"
        @unknown default: return "undecodable body"
        }
    }

    static func reason(_ error: TransportError) -> String {
        switch error {
        case .timedOut: "timed out"
        case .connection(_, let reason): reason
        case .invalidURL(let url): "invalid URL \(url)"
        case .tooLarge(_, let limit): "the answer grew past \(ResponseLimits.describe(limit)) once decompressed"
        }
    }

    public static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
