/// A credential the simulator accepts, with what GitHub would let it do.
public struct SimulatedToken: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// A classic personal access token: `X-OAuth-Scopes` lists its scopes.
        case classic
        /// A fine-grained personal access token: no scopes header; enterprise endpoints refuse it.
        case fineGrained
        /// A GitHub App installation token for one organization or enterprise; enterprise
        /// endpoints other than the usage-metrics reports refuse it.
        case app
    }

    public var kind: Kind
    public var scopes: [String]
    /// False for a member who is neither owner nor billing manager: billing and seat endpoints refuse.
    public var owner: Bool
    /// Unix time after which GitHub answers 401.
    public var expires: Double?
    /// For App tokens, the organization of the installation.
    public var organization: String?
    /// For App tokens of an enterprise installation, the enterprise.
    public var enterprise: String?
    /// For App tokens, the installation that minted it.
    public var installation: Int?

    /// The rate-limit budget every personal access token draws on (the simulator has one user).
    public static let userBudget = "user"

    /// Whose hourly budget this token's requests spend: the user's, or its installation's.
    public var budget: String { installation.map { "installation-\($0)" } ?? Self.userBudget }

    public init(kind: Kind = .classic, scopes: [String] = [], owner: Bool = true, expires: Double? = nil, organization: String? = nil) {
        self.kind = kind
        self.scopes = scopes
        self.owner = owner
        self.expires = expires
        self.organization = organization
    }
}

/// A GitHub App the simulator knows: its client ID, public key and installations.
struct SimulatedApp: Sendable {
    var clientID: String
    var publicKey: String
    /// Organization login → installation ID.
    var installations: [String: Int]
    /// Enterprise slug → installation ID.
    var enterpriseInstallations: [String: Int] = [:]
}
