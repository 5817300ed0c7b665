/// GitHub's primary rate-limit state for one resource, from the `x-ratelimit-*` headers.
public struct RateLimit: Sendable, Hashable {
    public var resource: String
    public var limit: Double
    public var remaining: Double
    public var reset: Double

    /// The rate limit the headers of a response describe, or nil when they carry none.
    public init?(headers response: TransportResponse) {
        guard let remaining = response.header("x-ratelimit-remaining").flatMap(Double.init) else { return nil }
        self.resource = response.header("x-ratelimit-resource") ?? "core"
        self.remaining = remaining
        self.limit = response.header("x-ratelimit-limit").flatMap(Double.init) ?? 0
        self.reset = response.header("x-ratelimit-reset").flatMap(Double.init) ?? 0
    }

    public init(resource: String, limit: Double, remaining: Double, reset: Double) {
        self.resource = resource
        self.limit = limit
        self.remaining = remaining
        self.reset = reset
    }
}

/// What one API exchange tells the exporter's health families.
public struct APIObservation: Sendable, Hashable {
    /// The HTTP status as a string, or `error` when no response arrived.
    public var code: String
    public var rateLimit: RateLimit?
    /// Unix time from `github-authentication-token-expiration`, when present.
    public var tokenExpiry: Double?
    /// The label of the credential the request was sent with (`Credential.label`); each has its
    /// own rate-limit budget.
    public var credential: String

    public init(code: String, rateLimit: RateLimit? = nil, tokenExpiry: Double? = nil, credential: String = Credential.tokenLabel) {
        self.code = code
        self.rateLimit = rateLimit
        self.tokenExpiry = tokenExpiry
        self.credential = credential
    }
}

extension APIObservation {
    /// Parses `github-authentication-token-expiration`: `2021-10-07 19:07:53 UTC` (GitHub's
    /// form), also accepting an offset (`+0000`) or an RFC 3339 timestamp.
    static func tokenExpiry(_ header: String?) -> Double? {
        guard var text = header?.trimmingCharacters(), !text.isEmpty else { return nil }
        if let direct = RFC3339.parse(text) { return direct }
        var offset = 0.0
        if text.hasSuffix(" UTC") {
            text.removeLast(4)
        } else if let sign = text.lastIndex(where: { $0 == "+" || $0 == "-" }), text.distance(from: sign, to: text.endIndex) == 5,
            let hhmm = Int(text[text.index(after: sign)...])
        {
            offset = Double(hhmm / 100 * 3600 + hhmm % 100 * 60) * (text[sign] == "+" ? 1 : -1)
            text = String(text[..<sign]).trimmingCharacters()
        }
        guard let local = RFC3339.parse(text.replacingSpaceWithT() + "Z") else { return nil }
        return local - offset
    }
}

extension String {
    fileprivate func replacingSpaceWithT() -> String {
        guard let space = firstIndex(of: " ") else { return self }
        var copy = self
        copy.replaceSubrange(space...space, with: "T")
        return copy
    }
}
