import Foundation

/// Why a GitHub API call failed, with the context needed to tell the user what to do.
///
/// `description` is one sentence: what failed, why, and the fix. No case ever carries the token.
public enum GitHubAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 401: the token is missing, wrong, expired or revoked.
    case unauthorized(endpoint: String)
    /// 403 with `X-GitHub-SSO: required; url=...`: the token is not authorized for a SAML org.
    case ssoRequired(endpoint: String, authorizationURL: String?)
    /// 403 where GitHub names the OAuth scopes it wanted (`X-Accepted-OAuth-Scopes`).
    case missingScope(endpoint: String, accepted: [String], granted: [String])
    /// 403 for any other reason (role, fine-grained permission, policy), with GitHub's message.
    case forbidden(endpoint: String, message: String, acceptedPermissions: String?)
    /// 404: wrong slug, no Copilot subscription, or a resource the caller may not see.
    case notFound(endpoint: String)
    /// 422 or another 4xx, with GitHub's message.
    case rejected(endpoint: String, status: Int, message: String)
    /// The primary rate limit is spent until `reset` (Unix time); no request is sent before then.
    case rateLimited(endpoint: String, resource: String, reset: Double)
    /// A secondary rate limit; GitHub asked to wait `retryAfter` seconds.
    case secondaryRateLimited(endpoint: String, retryAfter: Double)
    /// 5xx after every retry.
    case server(endpoint: String, status: Int)
    /// No response after every retry.
    case transport(endpoint: String, reason: String)
    /// The body was not the JSON expected.
    case decoding(endpoint: String, detail: String)
    /// A pagination link pointed somewhere the token must not be sent.
    case foreignLink(endpoint: String, link: String)
    /// A redirect to another origin (or from https to http), which was not followed.
    case redirected(endpoint: String, status: Int, location: String)
    /// The answer grew past `limit` bytes once decompressed and was dropped.
    case tooLarge(endpoint: String, limit: Int)
    /// No credential could be had (unreadable token file, App token minting refused).
    case credentials(String)
    /// Every recent day of a usage-metrics report answered 404.
    case reportsUnavailable(endpoint: String, days: Int)

    public var description: String {
        switch self {
        case .unauthorized(let endpoint):
            return "GitHub rejected the token for \(endpoint) (401 Bad credentials): the token is wrong, expired or revoked; "
                + "create a new one and put it in GITHUB_TOKEN or --github.token-file."
        case .ssoRequired(let endpoint, let url):
            let link = url.map { " by visiting \($0)" } ?? " under the token's Configure SSO menu on github.com"
            return "GitHub refused \(endpoint) because the organization enforces SAML single sign-on and the token is "
                + "not authorized for it; authorize the token\(link)."
        case .missingScope(let endpoint, let accepted, let granted):
            let have = granted.isEmpty ? "none" : granted.joined(separator: ", ")
            return "GitHub refused \(endpoint) because the token lacks a required scope (it has: \(have)); "
                + "add one of these scopes to the token: \(accepted.joined(separator: ", "))."
        case .forbidden(let endpoint, let message, let permissions):
            let need = permissions.map { " (GitHub wants the permissions \($0))" } ?? ""
            return "GitHub refused \(endpoint) with 403 \"\(message)\"\(need); use a token of an organization owner "
                + "or enterprise owner/billing manager with the scopes in the README."
        case .notFound(let endpoint):
            return "GitHub answered 404 for \(endpoint): the organization or enterprise slug is wrong, it has no "
                + "Copilot Business/Enterprise subscription, or the token's owner may not see it; check the slug in "
                + "--github.org/--github.enterprise and that the token belongs to an owner."
        case .rejected(let endpoint, let status, let message):
            return "GitHub rejected \(endpoint) with \(status) \"\(message)\"; fix what the message says and retry."
        case .rateLimited(let endpoint, let resource, let reset):
            return "GitHub's \(resource) rate limit is spent, so \(endpoint) was not requested; requests resume at "
                + "\(RFC3339.timestamp(reset)); send fewer requests an hour to stay inside it."
        case .secondaryRateLimited(let endpoint, let retryAfter):
            return "GitHub's secondary rate limit stopped \(endpoint); the exporter waits \(Int(retryAfter)) s before "
                + "trying again; if it recurs, send requests less often."
        case .server(let endpoint, let status):
            return "GitHub answered \(status) for \(endpoint) on every retry: GitHub is having trouble; try again later."
        case .transport(let endpoint, let reason):
            return "No response from GitHub for \(endpoint) (\(reason)); check network access to the API URL."
        case .decoding(let endpoint, let detail):
            return "GitHub's answer to \(endpoint) was not the JSON expected (\(detail)); if this persists, report it "
                + "with the endpoint."
        case .credentials(let sentence):
            return sentence.prefix(1).uppercased() + sentence.dropFirst()
        case .reportsUnavailable(let endpoint, let days):
            return "GitHub answered 404 for \(endpoint) for each of the last \(days) days: the Copilot usage metrics policy is "
                + "probably disabled, or the token may not read metrics; enable the policy (enterprise settings, Policies, Copilot, "
                + "Copilot usage metrics) and use a token with read:org (organization) or manage_billing:copilot (enterprise)."
        case .foreignLink(let endpoint, let link):
            return "GitHub's pagination link for \(endpoint) points to another host (\(link)), so the token was not "
                + "sent there; check --github.api-url."
        case .redirected(let endpoint, let status, let location):
            return "GitHub answered \(endpoint) with a \(status) redirect to \(location), another origin or plain http, so the "
                + "exporter did not follow it and sent nothing there; set --github.api-url to the API's own https URL."
        case .tooLarge(let endpoint, let limit):
            return "GitHub's answer to \(endpoint) grew past \(ResponseLimits.describe(limit)) once decompressed, more than the exporter "
                + "accepts, so it was dropped; the last good values stay; check that --github.api-url points at GitHub."
        }
    }

    /// The HTTP status behind the error, or `-` when there was no response.
    public var status: String {
        switch self {
        case .unauthorized: "401"
        case .ssoRequired, .missingScope, .forbidden, .rateLimited, .secondaryRateLimited: "403"
        case .notFound, .reportsUnavailable: "404"
        case .rejected(_, let status, _), .server(_, let status), .redirected(_, let status, _): String(status)
        case .decoding: "200"
        case .transport, .foreignLink, .credentials, .tooLarge: "-"
        }
    }

    /// True for failures a later attempt may not repeat (GitHub's trouble, the network, a body
    /// that was not what GitHub documents, a rate limit).
    public var isTransient: Bool {
        switch self {
        case .server, .transport, .decoding, .rateLimited, .secondaryRateLimited: true
        default: false
        }
    }

    /// True for credential problems that no retry will fix (bad token, SSO, missing scope).
    public var isCredentialProblem: Bool {
        switch self {
        case .unauthorized, .ssoRequired, .missingScope, .credentials: true
        default: false
        }
    }

    /// Maps a non-success, non-rate-limit response to an error. Rate limits are decided by the
    /// client before this is called, because they change what it does next.
    public static func classify(_ response: TransportResponse, endpoint: String) -> GitHubAPIError {
        let message = Self.message(in: response.body)
        switch response.status {
        case 401:
            return .unauthorized(endpoint: endpoint)
        case 403:
            if let sso = response.header("x-github-sso"), sso.lowercased().hasPrefix("required") {
                return .ssoRequired(endpoint: endpoint, authorizationURL: Self.ssoURL(sso))
            }
            let accepted = Self.scopes(response.header("x-accepted-oauth-scopes"))
            let granted = Self.scopes(response.header("x-oauth-scopes"))
            if !accepted.isEmpty, Set(accepted).isDisjoint(with: Self.impliedScopes(granted)) {
                return .missingScope(endpoint: endpoint, accepted: accepted, granted: granted)
            }
            return .forbidden(
                endpoint: endpoint,
                message: message ?? "Forbidden",
                acceptedPermissions: response.header("x-accepted-github-permissions")
            )
        case 404:
            return .notFound(endpoint: endpoint)
        case 500...599:
            return .server(endpoint: endpoint, status: response.status)
        default:
            return .rejected(endpoint: endpoint, status: response.status, message: message ?? "no message")
        }
    }

    /// GitHub's `message` field of an error body, if any.
    static func message(in body: [UInt8]) -> String? {
        struct ErrorBody: Decodable { let message: String? }
        return (try? JSONDecoder().decode(ErrorBody.self, from: Data(body)))?.message
    }

    /// The `url=` part of `X-GitHub-SSO: required; url=https://github.com/orgs/ORG/sso?...`.
    static func ssoURL(_ header: String) -> String? {
        for part in header.split(separator: ";") {
            let trimmed = part.trimmingCharacters()
            if trimmed.hasPrefix("url=") { return String(trimmed.dropFirst(4)) }
        }
        return nil
    }

    static func scopes(_ header: String?) -> [String] {
        (header ?? "").split(separator: ",").map { $0.trimmingCharacters() }.filter { !$0.isEmpty }
    }

    /// Scopes a classic token effectively holds: `admin:org` implies `read:org`, and so on.
    static func impliedScopes(_ granted: [String]) -> Set<String> {
        var all = Set(granted)
        for scope in granted {
            switch scope {
            case "admin:org": all.formUnion(["write:org", "read:org"])
            case "write:org": all.insert("read:org")
            case "admin:enterprise": all.formUnion(["manage_billing:enterprise", "read:enterprise"])
            case "manage_billing:enterprise": all.insert("read:enterprise")
            default: break
            }
        }
        return all
    }
}
