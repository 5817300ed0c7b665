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
    /// The endpoint (`GET /path`), and what its `Deprecation` and `Sunset` headers said.
    public var retirement: Retirement?

    public init(
        code: String,
        rateLimit: RateLimit? = nil,
        tokenExpiry: Double? = nil,
        credential: String = Credential.tokenLabel,
        retirement: Retirement? = nil
    ) {
        self.code = code
        self.rateLimit = rateLimit
        self.tokenExpiry = tokenExpiry
        self.credential = credential
        self.retirement = retirement
    }
}

/// GitHub's announcement that an endpoint is deprecated or will be retired: the `Deprecation`
/// (RFC 9745: `@UNIX-SECONDS`; older drafts: an HTTP date or `true`) and `Sunset` (RFC 8594:
/// an HTTP date) response headers.
public struct Retirement: Sendable, Hashable {
    public var endpoint: String
    /// When the endpoint was or will be deprecated; nil when GitHub gave no date.
    public var deprecation: Double?
    /// When the endpoint stops answering.
    public var sunset: Double?

    public init(endpoint: String, deprecation: Double?, sunset: Double?) {
        self.endpoint = endpoint
        self.deprecation = deprecation
        self.sunset = sunset
    }

    /// What `response` announces for `endpoint`, or nil when it carries neither header.
    public init?(endpoint: String, response: TransportResponse) {
        let deprecation = response.header("deprecation")
        let sunset = response.header("sunset").flatMap(Self.httpDate)
        guard deprecation != nil || sunset != nil else { return nil }
        self.endpoint = endpoint
        self.deprecation = deprecation.flatMap(Self.deprecationDate)
        self.sunset = sunset
    }

    /// `@1688169599` (RFC 9745), or an HTTP date; nil for `true` and anything else.
    static func deprecationDate(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters()
        if trimmed.hasPrefix("@") { return Double(trimmed.dropFirst()) }
        return httpDate(trimmed)
    }

    /// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7).
    static func httpDate(_ text: String) -> Double? {
        let parts = text.trimmingCharacters().split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), day >= 1, day <= 31,
            let month = months.firstIndex(of: String(parts[2])), let year = Int(parts[3]), parts[4].count == 8
        else { return nil }
        func padded(_ number: Int, _ width: Int) -> String {
            String(repeating: "0", count: max(0, width - String(number).count)) + String(number)
        }
        return RFC3339.parse("\(padded(year, 4))-\(padded(month + 1, 2))-\(padded(day, 2))T\(parts[4])Z")
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
