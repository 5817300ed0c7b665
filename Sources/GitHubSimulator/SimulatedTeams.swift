import Foundation

/// The team side of a scenario, for the `user-teams-1-day` reports: every seated user is a
/// member of their seat's assigning team, plus the extra memberships below (users seated
/// directly can be members of a team too, and a user can be in two). GitHub leaves out teams
/// with fewer than `minimumMembers` seated users that day.
///
/// A team is known by its slug across an enterprise (its id is derived from the slug, as in the
/// seats' `assigning_team`), so at enterprise scope its members are those of every organization.
public struct SimulatedTeams: Sendable, Hashable {
    public enum Extra: Sendable, Hashable {
        /// Exactly these extra memberships: login to team slugs.
        case members([String: [String]])
        /// One user in six is also a member of one of their organization's teams, chosen by a
        /// hash of the login (a second team for most, a first for users seated directly).
        case procedural
    }

    public var extra: Extra
    public var minimumMembers: Int

    public init(extra: Extra = .procedural, minimumMembers: Int = 5) {
        self.extra = extra
        self.minimumMembers = minimumMembers
    }
}

/// One line of a user-teams report.
struct UserTeamValue: Equatable {
    var login: String
    var userID: Int
    var slug: String
    var teamID: Int
}

extension SimulatorScenario {
    /// The user-teams lines of `day` for the given organizations: seated users (seat created
    /// before the day ended) of teams with at least `minimumMembers` of them, by team then login.
    func userTeams(_ organizations: [String], day: String) -> [UserTeamValue] {
        guard let dayStart = SimulatedCalendar.dayStart(day) else { return [] }
        // The users report's ids, so the two reports join; seats' ids for users without a line.
        let reportIDs = Dictionary(userDays(organizations, day: day).map { ($0.login, $0.userID) }, uniquingKeysWith: { a, _ in a })
        var ids: [String: Int] = [:]
        var members: [String: Set<String>] = [:]
        for org in organizations.compactMap(organization) {
            let seated = org.seats.filter { !$0.login.isEmpty && $0.createdAt < dayStart + 86_400 }
            let orgTeams = Set(org.seats.compactMap(\.assigningTeam)).sorted()
            for seat in seated {
                ids[seat.login] = ids[seat.login] ?? reportIDs[seat.login] ?? seat.userID
                var teams: [String] = seat.assigningTeam.map { [$0] } ?? []
                switch self.teams.extra {
                case .members(let extra):
                    teams += extra[seat.login] ?? []
                case .procedural:
                    let hash = FNV1a.hash(Array("teams/\(seat.login)".utf8))
                    if hash % 6 == 0, !orgTeams.isEmpty { teams.append(orgTeams[Int((hash / 6) % UInt64(orgTeams.count))]) }
                }
                for team in teams { members[team, default: []].insert(seat.login) }
            }
        }
        var out: [UserTeamValue] = []
        for (slug, logins) in members.sorted(by: { $0.key < $1.key }) where logins.count >= self.teams.minimumMembers {
            let teamID = Int(FNV1a.hash(Array(slug.utf8)) % 100_000)
            out += logins.sorted().map { UserTeamValue(login: $0, userID: ids[$0]!, slug: slug, teamID: teamID) }
        }
        return out
    }
}
