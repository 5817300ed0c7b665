import Foundation
import Synchronization

/// Basic authentication in front of another handler, with the users and bcrypt hashes of
/// `basic_auth_users`.
///
/// A wrong or missing credential gets 401 with `WWW-Authenticate`. An unknown user costs a
/// bcrypt verification too, against a dummy hash at the highest cost among the users' hashes,
/// so response time does not tell which users exist. A verified credential is remembered
/// (keyed by an HMAC under a per-process random key, never the password) for 5 minutes, so a
/// scrape does not pay bcrypt's cost each time. The check runs before the server's in-flight
/// limit; at most `maxConcurrentVerifications` bcrypt checks run at once, and a credential
/// that would need one more gets 429 with `Retry-After`, so guessing passwords cannot crowd
/// out scrapes whose credentials are remembered.
public struct AccessControl: GatedHTTPHandler {
    public let inner: any HTTPHandler
    /// Paths answered without authentication (the health endpoints, for probes).
    public let openPaths: Set<String>
    private let table: UserTable
    private let cache: VerifiedCache
    let verifications: ConcurrencyLimit

    public init(
        inner: any HTTPHandler,
        users: [String: String],
        openPaths: Set<String> = ["/-/healthy", "/-/ready"],
        maxConcurrentVerifications: Int = 4
    ) {
        self.inner = inner
        self.openPaths = openPaths
        self.table = UserTable(users)
        self.cache = VerifiedCache()
        self.verifications = ConcurrencyLimit(maxConcurrentVerifications)
    }

    /// The users and their hashes now.
    public var users: [String: String] { table.current.users }

    /// The hash an unknown user is checked against.
    var dummyHash: String { table.current.dummyHash }

    /// Replaces the users (a reloaded web config) and forgets every remembered credential.
    public func replaceUsers(_ users: [String: String]) {
        table.replace(users)
        cache.removeAll()
    }

    public func admit(_ request: HTTPRequest) -> HTTPResponse? {
        if openPaths.contains(request.path) { return nil }
        switch verify(request.header("authorization")) {
        case .granted: return nil
        case .denied:
            return .text(401, "Unauthorized", headers: [("WWW-Authenticate", "Basic realm=\"copilot_exporter\", charset=\"UTF-8\"")])
        case .busy:
            return .text(429, "too many password checks at once; retry shortly", headers: [("Retry-After", "1")])
        }
    }

    public func handleAdmitted(_ request: HTTPRequest) -> HTTPResponse { inner.handle(request) }

    enum Verdict { case granted, denied, busy }

    func verify(_ header: String?) -> Verdict {
        let (users, dummyHash) = table.current
        if users.isEmpty { return .granted }
        guard let header, header.count < 4096, header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return .denied }
        let user = String(text[..<colon])
        let password = String(text[text.index(after: colon)...])
        let key = cache.key(user: user, password: password)
        if cache.contains(key) { return .granted }
        guard verifications.tryAcquire() else { return .busy }
        defer { verifications.release() }
        let ok = BCrypt.verify(password, hash: users[user] ?? dummyHash) && users[user] != nil
        if ok { cache.insert(key) }
        return ok ? .granted : .denied
    }
}

/// The users and the dummy hash that matches their highest cost, replaced together.
final class UserTable: Sendable {
    private let state: Mutex<(users: [String: String], dummyHash: String)>

    init(_ users: [String: String]) { state = Mutex(Self.entry(users)) }

    var current: (users: [String: String], dummyHash: String) { state.withLock { $0 } }

    func replace(_ users: [String: String]) {
        let entry = Self.entry(users)
        state.withLock { $0 = entry }
    }

    private static func entry(_ users: [String: String]) -> (users: [String: String], dummyHash: String) {
        (users, BCrypt.dummyHash(cost: users.values.compactMap(BCrypt.cost(of:)).max() ?? 10))
    }
}

/// A counting limit that refuses rather than waits.
final class ConcurrencyLimit: Sendable {
    let limit: Int
    private let running = Mutex(0)

    init(_ limit: Int) { self.limit = limit }

    /// Takes a place if one is free; the caller must `release` it.
    func tryAcquire() -> Bool {
        running.withLock { running in
            guard running < limit else { return false }
            running += 1
            return true
        }
    }

    func release() { running.withLock { $0 -= 1 } }
}

/// Credentials verified recently, bounded to 256 entries, each kept until it goes unused for
/// 5 minutes: a scraper that comes back sooner never needs bcrypt (nor a place among the limited
/// verifications) again, until a reload or a restart.
final class VerifiedCache: Sendable {
    private let secret: [UInt8] = (0..<32).map { _ in UInt8.random(in: 0...255) }
    private let entries = Mutex<[[UInt8]: Double]>([:])

    func key(user: String, password: String) -> [UInt8] {
        HMACSHA256.mac(key: secret, message: Array(user.utf8) + [0] + Array(password.utf8))
    }

    /// True when `key` was verified and used within the last 5 minutes; a hit renews it.
    func contains(_ key: [UInt8], now: Double = Date().timeIntervalSince1970) -> Bool {
        entries.withLock { entries in
            guard let expiry = entries[key], expiry > now else { return false }
            entries[key] = now + 300
            return true
        }
    }

    func removeAll() { entries.withLock { $0.removeAll() } }

    func insert(_ key: [UInt8], now: Double = Date().timeIntervalSince1970) {
        entries.withLock { entries in
            if entries.count >= 256 { entries = entries.filter { $0.value > now } }
            if entries.count >= 256, let oldest = entries.min(by: { $0.value < $1.value }) { entries.removeValue(forKey: oldest.key) }
            entries[key] = now + 300
        }
    }
}
