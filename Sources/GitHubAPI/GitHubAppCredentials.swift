import Foundation
import Synchronization

/// GitHub App authentication: a JWT signed with the App's private key finds the installation on
/// each organization (`GET /orgs/{org}/installation`, unless an installation ID is given) and
/// mints an installation token there (`POST /app/installations/{id}/access_tokens`). Tokens last
/// an hour; each is renewed five minutes before it expires.
///
/// Installation tokens are per organization; enterprise endpoints refuse them, which the
/// configuration rejects at start-up.
public final class GitHubAppCredentials: CredentialSource {
    public let clientID: String
    let key: RSAKey
    let installationID: String?
    let baseURL: String
    let transport: any HTTPTransport
    let clock: any WallClock
    let userAgent: String
    private let tokens = Mutex<[String: (token: String, expires: Double)]>([:])
    private let installations = Mutex<[String: String]>([:])
    private let minted = Atomic<Int>(0)

    public init(
        clientID: String,
        key: RSAKey,
        installationID: String? = nil,
        baseURL: String,
        transport: any HTTPTransport,
        clock: any WallClock = SystemClock(),
        userAgent: String = "copilot_exporter"
    ) {
        self.clientID = clientID
        self.key = key
        self.installationID = installationID
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.transport = transport
        self.clock = clock
        self.userAgent = userAgent
    }

    /// Installation tokens minted so far (for tests and the log).
    public var mintedCount: Int { minted.load(ordering: .relaxed) }

    public func token(for scope: Scope?) async throws(CredentialError) -> String {
        guard case .organization(let org) = scope else {
            throw CredentialError(
                "GitHub App installation tokens work per organization, and GitHub refuses them for enterprise seats and "
                    + "billing; use a classic personal access token of an enterprise owner for --github.enterprise."
            )
        }
        let now = clock.now()
        if let cached = tokens.withLock({ $0[org] }), cached.expires - now > 300 { return cached.token }
        let jwt: String
        do {
            jwt = try JWT.githubApp(clientID: clientID, key: key, now: now)
        } catch {
            throw CredentialError("cannot sign the GitHub App JWT: \(error.description); check --github.app-private-key-file.")
        }
        let installation = try await installationID(org: org, jwt: jwt)
        let response = try await exchange(
            method: "POST",
            path: "/app/installations/\(installation)/access_tokens",
            jwt: jwt,
            what: "mint an installation token for \(org)"
        )
        struct Minted: Decodable {
            let token: String
            let expiresAt: String?
            enum CodingKeys: String, CodingKey {
                case token
                case expiresAt = "expires_at"
            }
        }
        guard let body = try? JSONDecoder().decode(Minted.self, from: Data(response.body)) else {
            throw CredentialError("GitHub's answer to minting an installation token for \(org) had no token.")
        }
        let expires = body.expiresAt.flatMap(RFC3339.parse) ?? now + 3600
        tokens.withLock { $0[org] = (body.token, expires) }
        minted.add(1, ordering: .relaxed)
        return body.token
    }

    /// GitHub refused an installation token before its hour was up (the installation was
    /// suspended or its permissions changed): forget it, so the next request mints a new one.
    public func rejected(_ credential: Credential, for scope: Scope?) async -> Bool {
        guard case .organization(let org) = scope else { return false }
        return tokens.withLock { $0.removeValue(forKey: org) } != nil
    }

    private func installationID(org: String, jwt: String) async throws(CredentialError) -> String {
        if let installationID { return installationID }
        if let known = installations.withLock({ $0[org] }) { return known }
        let response = try await exchange(
            method: "GET",
            path: "/orgs/\(GitHubClient.encode(org))/installation",
            jwt: jwt,
            what: "find the App's installation on \(org)"
        )
        struct Installation: Decodable { let id: Int64 }
        guard let installation = try? JSONDecoder().decode(Installation.self, from: Data(response.body)) else {
            throw CredentialError("GitHub's answer to finding the App's installation on \(org) had no id.")
        }
        installations.withLock { $0[org] = String(installation.id) }
        return String(installation.id)
    }

    /// One JWT-authenticated exchange; a non-2xx answer becomes a sentence that says what to do.
    private func exchange(method: String, path: String, jwt: String, what: String) async throws(CredentialError) -> TransportResponse {
        let request = TransportRequest(
            method: method,
            url: baseURL + path,
            headers: [
                "Accept": "application/vnd.github+json", "Authorization": "Bearer " + jwt, "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": userAgent,
            ]
        )
        let response: TransportResponse
        do {
            response = try await transport.send(request)
        } catch {
            throw CredentialError("cannot reach GitHub to \(what) (\(error)); check network access to --github.api-url.")
        }
        switch response.status {
        case 200..<300:
            return response
        case 401:
            throw CredentialError(
                "GitHub rejected the App's JWT when trying to \(what) (401): --github.app-client-id must be the App's client ID "
                    + "and --github.app-private-key-file a private key generated for that App."
            )
        case 404:
            throw CredentialError(
                "GitHub answered 404 when trying to \(what): the App is not installed on that organization (or the installation ID "
                    + "is wrong); install the App on the organization, or fix --github.app-installation-id."
            )
        default:
            let message = GitHubAPIError.message(in: response.body) ?? "no message"
            throw CredentialError(
                "GitHub refused to \(what) (\(response.status) \"\(message)\"); check the App's permissions and installation."
            )
        }
    }
}
