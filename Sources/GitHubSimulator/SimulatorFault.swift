/// A failure the simulator injects, to test how the exporter copes.
public enum SimulatorFault: Sendable, Hashable {
    /// Answer with this status and GitHub's error body.
    case status(Int)
    /// Wait this many seconds before answering (a request that hangs past a timeout).
    case delay(Double)
    /// Send a `Content-Length` larger than the body, then close: a truncated body.
    case truncatedBody
    /// Answer 200 with a body that is not valid JSON.
    case malformedJSON
    /// The primary rate limit is spent: 403, `x-ratelimit-remaining: 0`, reset this many seconds ahead.
    case primaryRateLimit(resetIn: Double)
    /// A secondary rate limit: 403 with `Retry-After`.
    case secondaryRateLimit(retryAfter: Double)
    /// SAML SSO enforcement: 403 with `X-GitHub-SSO: required; url=...`.
    case samlSSO
    /// The token lacks the scope: 403 with `X-Accepted-OAuth-Scopes`.
    case missingScope
}

/// When a fault applies: to requests whose target (path and query) contains `pathContains`
/// (all when nil), for
/// the next `count` matching requests (for ever when nil).
public struct FaultRule: Sendable, Hashable {
    public var fault: SimulatorFault
    public var pathContains: String?
    /// When set, only requests of this method (`POST`) match.
    public var method: String?
    public var remaining: Int?
    /// When set, the rule applies to a matching request with this probability (for soak tests).
    public var probability: Double?

    public init(
        _ fault: SimulatorFault,
        pathContains: String? = nil,
        method: String? = nil,
        count: Int? = nil,
        probability: Double? = nil
    ) {
        self.fault = fault
        self.pathContains = pathContains
        self.method = method
        self.remaining = count
        self.probability = probability
    }
}

/// One request the simulator received, for tests that prove what the exporter sent.
public struct LoggedRequest: Sendable, Hashable {
    public var method: String
    public var target: String
    public var status: Int
    public var authorization: String?
    public var headers: [String: String]
    /// Seconds since the simulator started.
    public var at: Double
}

/// 64-bit FNV-1a: a stable hash for ETags and ids (Swift's `hashValue` changes per process).
enum FNV1a {
    static func hash(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
