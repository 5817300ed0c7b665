import Foundation
import Synchronization
import WebServer

extension GitHubSimulator {
    /// Registers a GitHub App by its public key, installed on the given organizations (login →
    /// installation ID) and enterprises (slug → installation ID).
    public func registerApp(
        clientID: String,
        publicKeyPEM: String,
        installations: [String: Int],
        enterpriseInstallations: [String: Int] = [:]
    ) {
        state.withLock {
            $0.apps[clientID] = SimulatedApp(
                clientID: clientID,
                publicKey: publicKeyPEM,
                installations: installations,
                enterpriseInstallations: enterpriseInstallations
            )
        }
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

    /// `GET /orgs/{org}/installation`, `GET /app/installations` and
    /// `POST /app/installations/{id}/access_tokens`, all authenticated by the App's JWT, verified
    /// for real: RS256 signature by the registered key, `iss` a registered client ID, `exp` in
    /// the future and at most 10 minutes after `iat`.
    func appRoute(_ request: HTTPRequest, path: String) -> HTTPResponse? {
        let parts = path.split(separator: "/").map(String.init)
        let isInstallation = request.method == "GET" && parts.count == 3 && parts[0] == "orgs" && parts[2] == "installation"
        let isList = request.method == "GET" && parts == ["app", "installations"]
        let isMint =
            request.method == "POST" && parts.count == 4 && parts[0] == "app" && parts[1] == "installations" && parts[3] == "access_tokens"
        guard isInstallation || isList || isMint else { return nil }
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
        if isList { return installationList(app, request: request) }
        return mint(app, installation: parts[2], jwt: jwt)
    }

    /// `POST /app/installations/{id}/access_tokens`: an hour's token for an organization's or an
    /// enterprise's installation.
    func mint(_ app: SimulatedApp, installation: String, jwt: String) -> HTTPResponse {
        guard let id = Int(installation) else { return error(404, "Not Found") }
        let now = clock.now()
        let serial = mints.add(1, ordering: .relaxed).newValue
        let token = "ghs_" + String(FNV1a.hash(Array("\(jwt)\(now)\(id)/\(serial)".utf8)), radix: 36)
        var minted: SimulatedToken
        let permissions: String
        if let org = app.installations.first(where: { $0.value == id })?.key {
            minted = SimulatedToken(kind: .app, owner: true, expires: now + 3600, organization: org)
            permissions = "{\"organization_copilot_seat_management\":\"read\",\"administration\":\"read\"}"
        } else if let enterprise = app.enterpriseInstallations.first(where: { $0.value == id })?.key {
            minted = SimulatedToken(kind: .app, owner: true, expires: now + 3600)
            minted.enterprise = enterprise
            permissions = "{\"enterprise_copilot_metrics\":\"read\"}"
        } else {
            return error(404, "Not Found")
        }
        minted.installation = id
        addToken(token, minted)
        var response = json(
            JSONText.object([
                ("token", JSONText.quote(token)), ("expires_at", JSONText.quote(SimulatedCalendar.timestamp(now + 3600))),
                ("permissions", permissions), ("repository_selection", "\"all\""),
            ])
        )
        response.status = 201
        return response
    }

    /// `GET /app/installations`: the App's installations, organizations (by login) then
    /// enterprises (by slug), one page at a time with GitHub's `Link` header.
    func installationList(_ app: SimulatedApp, request: HTTPRequest) -> HTTPResponse {
        let entries =
            app.installations.sorted { $0.value < $1.value }.map { installation in
                JSONText.object([
                    ("id", String(installation.value)),
                    ("account", JSONText.object([("login", JSONText.quote(installation.key)), ("type", "\"Organization\"")])),
                    ("app_id", "1"), ("target_type", "\"Organization\""), ("repository_selection", "\"all\""),
                ])
            }
            + app.enterpriseInstallations.sorted { $0.value < $1.value }.map { installation in
                JSONText.object([
                    ("id", String(installation.value)),
                    ("account", JSONText.object([("slug", JSONText.quote(installation.key)), ("name", JSONText.quote(installation.key))])),
                    ("app_id", "1"), ("target_type", "\"Enterprise\""), ("permissions", "{\"enterprise_copilot_metrics\":\"read\"}"),
                ])
            }
        let perPage = min(maxPerPage, max(1, Int(request.queryValue("per_page") ?? "") ?? min(30, maxPerPage)))
        let page = max(1, Int(request.queryValue("page") ?? "") ?? 1)
        let start = min(entries.count, (page - 1) * perPage)
        var response = json("[" + entries[start..<min(entries.count, start + perPage)].joined(separator: ",") + "]")
        if start + perPage < entries.count {
            let base = state.withLock { $0.baseURL }
            response.headers.append((name: "Link", value: "<\(base)/app/installations?per_page=\(perPage)&page=\(page + 1)>; rel=\"next\""))
        }
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
