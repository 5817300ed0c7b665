/// One report day's values per team: the user-teams report joined with the users report on
/// `user_id` (both of that day). A user in several teams counts in each.
public struct TeamDay: Sendable, Equatable {
    /// Members listed in the user-teams report.
    public var members: [String: Int] = [:]
    /// Members whose users-report record shows activity (0 when none does).
    public var activeUsers: [String: Int] = [:]
    /// Sums over members whose record carries the field; a team none of whose members' records
    /// carries it has no entry.
    public var credits: [String: Double] = [:]
    public var interactions: [String: Double] = [:]
    public var acceptances: [String: Double] = [:]

    public init() {}

    /// Joins the day's teams with the members' activity of the same day.
    public init(teams: TeamMemberships, activity: [Int64: UserActivityRecord.Activity]) {
        for (slug, members) in teams.teams {
            self.members[slug] = members.count
            var active = 0
            for user in members {
                guard let day = activity[user] else { continue }
                if day.active { active += 1 }
                if let value = day.credits { credits[slug, default: 0] += value }
                if let value = day.interactions { interactions[slug, default: 0] += value }
                if let value = day.acceptances { acceptances[slug, default: 0] += value }
            }
            activeUsers[slug] = active
        }
    }
}
