public import GitHubAPI

/// Which kind of credential a collector's requests carry.
public enum CredentialKind: String, Sendable {
    /// A GitHub App installation token.
    case app
    /// A personal access token (`GITHUB_TOKEN` or `--github.token-file`).
    case token
}

/// Sends each collector's requests with a credential that can read its endpoints: the GitHub
/// App where the collector declares that GitHub accepts an App for that kind of scope
/// (`CollectorAccess.acceptsApp`), the personal access token otherwise.
///
/// Contract: holds an App, a token, or both. With both, `kind(for:scope:)` is `.app` exactly
/// when the collector's access for the scope's kind accepts an App; with one, it is that one
/// (GitHub's refusal then explains itself, and the configuration refuses such a set-up at
/// start-up). Used directly as a `CredentialSource`, for requests no collector makes, it
/// answers with the token when there is one.
public struct CredentialRouter: CredentialSource {
    public let app: (any CredentialSource)?
    public let token: (any CredentialSource)?

    /// A router over an App and a token.
    public init(app: any CredentialSource, token: any CredentialSource) {
        self.app = app
        self.token = token
    }

    /// How `credentials` routes: itself when it is a router; otherwise it alone, as the App
    /// when it is GitHub App credentials and as the token when it is anything else.
    public init(_ credentials: any CredentialSource) {
        if let router = credentials as? CredentialRouter {
            self = router
        } else if credentials is GitHubAppCredentials {
            app = credentials
            token = nil
        } else {
            app = nil
            token = credentials
        }
    }

    /// The kind of credential `collector` uses for a scope of kind `scope`.
    public func kind(for collector: any Collector, scope: Scope.Kind) -> CredentialKind {
        guard app != nil else { return .token }
        guard token != nil else { return .app }
        return collector.access.first { $0.scope == scope }?.acceptsApp == true ? .app : .token
    }

    /// The credential `collector` uses for a scope of kind `scope`.
    public func source(for collector: any Collector, scope: Scope.Kind) -> any CredentialSource {
        switch kind(for: collector, scope: scope) {
        case .app: app ?? self
        case .token: token ?? self
        }
    }

    private var fallback: any CredentialSource { (token ?? app)! }

    public func token(for scope: Scope?) async throws(CredentialError) -> String {
        try await fallback.token(for: scope)
    }

    public func credential(for scope: Scope?) async throws(CredentialError) -> Credential {
        try await fallback.credential(for: scope)
    }

    public func rejected(_ credential: Credential, for scope: Scope?) async -> Bool {
        await fallback.rejected(credential, for: scope)
    }
}

extension GitHubClient {
    /// The same client for `collector`'s requests about `scope`, sending the credential its
    /// router picks for them.
    public func routed(for collector: any Collector, scope: Scope) -> GitHubClient {
        scoped(scope).authenticating(with: CredentialRouter(credentials).source(for: collector, scope: scope.kind))
    }
}
