import Foundation
import Synchronization
import WebServer

extension GitHubSimulator {
    /// Registers a GitHub App by its public key, installed on the given organizations.
    public func registerApp(clientID: String, publicKeyPEM: String, installations: [String: Int]) {
        state.withLock { $0.apps[clientID] = SimulatedApp(clientID: clientID, publicKey: publicKeyPEM, installations: installations) }
    }

    /// Adds or replaces a credential.
    public func addToken(_ token: String, _ credential: SimulatedToken) {
        state.withLock { $0.tokens[token] = credential }
    }

    /// Makes GitHub answer 401 to `token` from now on (a revoked or rotated-out token).
    public func revokeToken(_ token: String) {
        state.withLock { _ = $0.tokens.removeValue(forKey: token) }
    }

    /// Installation tokens minted so far.
    public var mintedTokens: [String] { state.withLock { $0.tokens.filter { $0.value.kind == .app }.map(\.key) } }

    /// `GET /orgs/{org}/installation` and `POST /app/installations/{id}/access_tokens`, both
    /// authenticated by the App's JWT, verified for real: RS256 signature by the registered key,
    /// `iss` a registered client ID, `exp` in the future and at most 10 minutes after `iat`.
    func appRoute(_ request: HTTPRequest, path: String) -> HTTPResponse? {
        let parts = path.split(separator: "/").map(String.init)
        let isInstallation = request.method == "GET" && parts.count == 3 && parts[0] == "orgs" && parts[2] == "installation"
        let isMint =
            request.method == "POST" && parts.count == 4 && parts[0] == "app" && parts[1] == "installations" && parts[3] == "access_tokens"
        guard isInstallation || isMint else { return nil }
        guard let jwt = bearerToken(request) else { return error(401, "A JSON web token could not be decoded") }
        let app: SimulatedApp
        switch verify(jwt) {
        case .success(let verified): app = verified
        case .failure(let message): return error(401, message)
        }
        if isInstallation {
            guard let id = app.installations.first(where: { $0.key.lowercased() == parts[1].lowercased() })?.value else {
                return error(404, "Not Found")
            }
            return json(
                JSONText.object([
                    ("id", String(id)), ("account", JSONText.object([("login", JSONText.quote(parts[1])), ("type", "\"Organization\"")])),
                    ("app_id", "1"), ("app_slug", JSONText.quote(app.clientID.lowercased())), ("target_type", "\"Organization\""),
                    (
                        "permissions",
                        "{\"organization_copilot_seat_management\":\"read\",\"administration\":\"read\",\"organization_copilot_metrics\":\"read\"}"
                    ),
                    ("repository_selection", "\"all\""),
                ])
            )
        }
        guard let id = Int(parts[2]), let org = app.installations.first(where: { $0.value == id })?.key else {
            return error(404, "Not Found")
        }
        let now = clock.now()
        let token = "ghs_" + String(FNV1a.hash(Array("\(jwt)\(now)\(mintedTokens.count)".utf8)), radix: 36)
        var minted = SimulatedToken(kind: .app, owner: true, expires: now + 3600, organization: org)
        minted.installation = id
        addToken(token, minted)
        var response = json(
            JSONText.object([
                ("token", JSONText.quote(token)), ("expires_at", JSONText.quote(SimulatedCalendar.timestamp(now + 3600))),
                ("permissions", "{\"organization_copilot_seat_management\":\"read\",\"administration\":\"read\"}"),
                ("repository_selection", "\"all\""),
            ])
        )
        response.status = 201
        return response
    }

    enum Verification {
        case success(SimulatedApp)
        case failure(String)
    }

    func verify(_ jwt: String) -> Verification {
        guard let token = SimulatedJWT(jwt), token.header.alg == "RS256" else {
            return .failure("A JSON web token could not be decoded")
        }
        let claims = token.claims
        guard let app = state.withLock({ $0.apps[claims.iss] }) else { return .failure("Integration not found") }
        guard token.isSigned(byPublicKeyPEM: app.publicKey) else { return .failure("A JSON web token could not be decoded") }
        let now = clock.now()
        if claims.exp <= now {
            return .failure(
                "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
            )
        }
        if claims.exp - claims.iat > 660 { return .failure("'Expiration time' claim ('exp') is too far in the future") }
        if claims.iat > now + 60 {
            return .failure("'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued")
        }
        return .success(app)
    }
}
