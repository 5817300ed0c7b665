import Foundation
import Synchronization

/// Basic authentication in front of another handler, with the users and bcrypt hashes of
/// `basic_auth_users`.
///
/// A wrong or missing credential gets 401 with `WWW-Authenticate`. An unknown user costs a
/// bcrypt verification too, so response time does not tell which users exist. A verified
/// credential is remembered (keyed by an HMAC under a per-process random key, never the
/// password) for 5 minutes, so a scrape does not pay bcrypt's cost each time.
public struct AccessControl: HTTPHandler {
    public let inner: any HTTPHandler
    public let users: [String: String]
    /// Paths answered without authentication (the health endpoints, for probes).
    public let openPaths: Set<String>
    private let cache: VerifiedCache

    public init(inner: any HTTPHandler, users: [String: String], openPaths: Set<String> = ["/-/healthy", "/-/ready"]) {
        self.inner = inner
        self.users = users
        self.openPaths = openPaths
        self.cache = VerifiedCache()
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        if users.isEmpty || openPaths.contains(request.path) || authorized(request.header("authorization")) {
            return inner.handle(request)
        }
        return .text(401, "Unauthorized", headers: [("WWW-Authenticate", "Basic realm=\"copilot_exporter\", charset=\"UTF-8\"")])
    }

    func authorized(_ header: String?) -> Bool {
        guard let header, header.count < 4096, header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return false }
        let user = String(text[..<colon])
        let password = String(text[text.index(after: colon)...])
        let key = cache.key(user: user, password: password)
        if cache.contains(key) { return true }
        // An unknown user is checked against a dummy hash, so it takes as long as a known one.
        let hash = users[user] ?? "$2y$10$0123456789abcdefghijkuE/Gc9F9H3R3Tq6u9yH2iyJk8EVC.y6m"
        let ok = BCrypt.verify(password, hash: hash) && users[user] != nil
        if ok { cache.insert(key) }
        return ok
    }
}

/// Credentials verified recently, bounded to 256 entries of 5 minutes each.
final class VerifiedCache: Sendable {
    private let secret: [UInt8] = (0..<32).map { _ in UInt8.random(in: 0...255) }
    private let entries = Mutex<[[UInt8]: Double]>([:])

    func key(user: String, password: String) -> [UInt8] {
        HMACSHA256.mac(key: secret, message: Array(user.utf8) + [0] + Array(password.utf8))
    }

    func contains(_ key: [UInt8]) -> Bool {
        let now = Date().timeIntervalSince1970
        return entries.withLock { ($0[key] ?? 0) > now }
    }

    func insert(_ key: [UInt8]) {
        let now = Date().timeIntervalSince1970
        entries.withLock { entries in
            if entries.count >= 256 { entries = entries.filter { $0.value > now } }
            if entries.count >= 256, let oldest = entries.min(by: { $0.value < $1.value }) { entries.removeValue(forKey: oldest.key) }
            entries[key] = now + 300
        }
    }
}
