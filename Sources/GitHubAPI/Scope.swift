/// What a collector collects for: one organization or one enterprise.
public enum Scope: Sendable, Hashable, CustomStringConvertible, Comparable {
    case organization(String)
    case enterprise(String)

    /// Organization or enterprise, without the slug.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case organization, enterprise
    }

    public var kind: Kind {
        switch self {
        case .organization: .organization
        case .enterprise: .enterprise
        }
    }

    /// The label every series derived from GitHub carries: `org="LOGIN"` or `enterprise="SLUG"`.
    public var labelName: String {
        switch self {
        case .organization: "org"
        case .enterprise: "enterprise"
        }
    }

    public var slug: String {
        switch self {
        case .organization(let login): login
        case .enterprise(let slug): slug
        }
    }

    public var description: String { "\(labelName)=\(slug)" }

    public static func < (lhs: Scope, rhs: Scope) -> Bool {
        (lhs.labelName, lhs.slug) < (rhs.labelName, rhs.slug)
    }
}
