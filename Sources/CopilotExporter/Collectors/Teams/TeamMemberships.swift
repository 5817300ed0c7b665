/// The teams of one report day, built from a user-teams report line by line, with bounds: a
/// hostile or broken report cannot grow it without limit.
public struct TeamMemberships: Sendable, Equatable {
    /// Why a record was not added.
    public enum Refusal: Error, Equatable {
        /// The record lacks `user_id` or `slug`, or names another day, or its slug is too long.
        case unusable
        /// The day has more distinct teams, or more memberships, than the bounds allow.
        case overflow(String)
    }

    public static let maxTeams = 10_000
    public static let maxMemberships = 2_000_000
    public static let maxSlugBytes = 256

    public let day: String
    /// Team slug to its members' user ids.
    public private(set) var teams: [String: Set<Int64>] = [:]
    /// Every member's user id, each once.
    public private(set) var users: Set<Int64> = []
    public private(set) var memberships = 0

    public init(day: String) { self.day = day }

    /// An empty day with room for `users` members in `users` (a guess: the users of the newest
    /// final users-report day), so that reading a report does not rehash it each time it
    /// doubles. At most `UsersDay.maxReserved`: a guess too high costs that much room at most.
    init(day: String, reservingUsers users: Int) {
        self.day = day
        self.users.reserveCapacity(min(max(users, 0), UsersDay.maxReserved))
    }

    /// Adds one record. A record without a `day` is taken to be of the report's day; a user
    /// listed twice for a team counts once.
    public mutating func add(_ record: UserTeamRecord) throws(Refusal) {
        guard let user = record.userID, let slug = record.slug, !slug.isEmpty, slug.utf8.count <= Self.maxSlugBytes,
            record.day == nil || record.day == day
        else { throw .unusable }
        // One hash of the slug for a known team: its set is updated in place.
        let known = teams.index(forKey: slug)
        if known == nil, teams.count >= Self.maxTeams {
            throw .overflow("more than \(Self.maxTeams) teams on \(day)")
        }
        guard memberships < Self.maxMemberships else {
            throw .overflow("more than \(Self.maxMemberships) team memberships on \(day)")
        }
        let inserted: Bool
        if let known {
            inserted = teams.values[known].insert(user).inserted
        } else {
            teams[slug] = [user]
            inserted = true
        }
        if inserted {
            memberships += 1
            users.insert(user)
        }
    }
}
