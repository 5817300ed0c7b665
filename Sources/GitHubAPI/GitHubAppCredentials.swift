import Foundation
import Synchronization

/// GitHub App authentication: a JWT signed with the App's private key finds the installation
/// for each scope and mints an installation token there
/// (`POST /app/installations/{id}/access_tokens`). Tokens last an hour; each is renewed five
/// minutes before it expires.
///
/// An organization's installation is `GET /orgs/{org}/installation`; an enterprise's is the
/// entry of `GET /app/installations` whose `target_type` is `Enterprise` and whose account's
/// slug is the enterprise (GitHub has no per-enterprise lookup). A given installation ID is
/// used for every scope. Which endpoints accept the token is the caller's business: GitHub
/// answers 403 "Resource not accessible by integration" to the others.
public final class GitHubAppCredentials: CredentialSource {
    public let clientID: String
    let key: RSAKey
    let installationID: String?
    let baseURL: String
    let transport: any HTTPTransport
    let clock: any WallClock
    let userAgent: String
    private let tokens = Mutex<[Scope: (token: String, installation: String, expires: Double)]>([:])
    private let installations = Mutex<[Scope: String]>([:])
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
        try await credential(for: scope).token
    }

    /// The installation token for `scope`, labelled `app-installation-<id>`.
    public func credential(for scope: Scope?) async throws(CredentialError) -> Credential {
        guard let scope else {
            throw CredentialError("GitHub App installation tokens are per organization or enterprise; this request names neither.")
        }
        let now = clock.now()
        if let cached = tokens.withLock({ $0[scope] }), cached.expires - now > 300 {
            return Credential(token: cached.token, label: Credential.installationLabel(cached.installation))
        }
        let jwt: String
        do {
            jwt = try JWT.githubApp(clientID: clientID, key: key, now: now)
        } catch {
            throw CredentialError("cannot sign the GitHub App JWT: \(error.description); check --github.app-private-key-file.")
        }
        let installation = try await installationID(scope, jwt: jwt)
        let response = try await exchange(
            method: "POST",
            path: "/app/installations/\(installation)/access_tokens",
            jwt: jwt,
            what: "mint an installation token for \(scope.labelName) \(scope.slug)"
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
            throw CredentialError("GitHub's answer to minting an installation token for \(scope.slug) had no token.")
        }
        let expires = body.expiresAt.flatMap(RFC3339.parse) ?? now + 3600
        tokens.withLock { $0[scope] = (body.token, installation, expires) }
        minted.add(1, ordering: .relaxed)
        return Credential(token: body.token, label: Credential.installationLabel(installation))
    }

    /// GitHub refused an installation token before its hour was up (the installation was
    /// suspended or its permissions changed): forget it, so the next request mints a new one.
    public func rejected(_ credential: Credential, for scope: Scope?) async -> Bool {
        guard let scope else { return false }
        return tokens.withLock { $0.removeValue(forKey: scope) } != nil
    }

    private func installationID(_ scope: Scope, jwt: String) async throws(CredentialError) -> String {
        if let installationID { return installationID }
        if let known = installations.withLock({ $0[scope] }) { return known }
        let found: String
        switch scope {
        case .organization(let org):
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
            found = String(installation.id)
        case .enterprise(let slug):
            found = try await enterpriseInstallation(slug, jwt: jwt)
        }
        installations.withLock { $0[scope] = found }
        return found
    }

    /// Pages through `GET /app/installations` for the installation on enterprise `slug`.
    private func enterpriseInstallation(_ slug: String, jwt: String) async throws(CredentialError) -> String {
        struct Installation: Decodable {
            struct Account: Decodable { let slug: String? }
            let id: Int64
            let account: Account?
            let targetType: String?
            enum CodingKeys: String, CodingKey {
                case id, account
                case targetType = "target_type"
            }
        }
        var path: String? = "/app/installations?per_page=100"
        var pages = 0
        while let current = path, pages < 100 {
            pages += 1
            let response = try await exchange(method: "GET", path: current, jwt: jwt, what: "list the App's installations")
            guard let page = try? JSONDecoder().decode([Installation].self, from: Data(response.body)) else {
                throw CredentialError("GitHub's answer to listing the App's installations was not a list of installations.")
            }
            if let match = page.first(where: {
                $0.targetType == "Enterprise" && $0.account?.slug?.lowercased() == slug.lowercased()
            }) {
                return String(match.id)
            }
            path = LinkHeader.target(response.header("link"), relation: "next").flatMap { link in
                link.hasPrefix(baseURL) ? String(link.dropFirst(baseURL.count)) : nil
            }
        }
        throw CredentialError(
            "the GitHub App is not installed on enterprise \(slug) (GET /app/installations lists no Enterprise installation "
                + "with that slug); install it on the enterprise with the \"Enterprise Copilot metrics\" permission (read)."
        )
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
