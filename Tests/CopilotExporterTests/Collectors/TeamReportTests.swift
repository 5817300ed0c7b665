import Testing

@testable import CopilotExporter
@testable import GitHubAPI

/// The teams collector's pure parts: reading report lines, bounded memberships, the join, and
/// the per-team month cache.
@Suite struct TeamReportTests {
    static func teamRecord(_ line: String) throws -> UserTeamRecord {
        try Array(line.utf8).withUnsafeBufferPointer(UserTeamRecord.read)
    }

    static func activity(_ line: String) throws -> UserActivityRecord {
        try Array(line.utf8).withUnsafeBufferPointer(UserActivityRecord.read)
    }

    @Test func readsTheDocumentedUserTeamsFields() throws {
        let line =
            #"{"user_id":42,"user_login":"octo","day":"2026-11-19","organization_id":"7","team_id":9,"slug":"platform","x":[{"y":null}]}"#
        #expect(try Self.teamRecord(line) == UserTeamRecord(userID: 42, day: "2026-11-19", slug: "platform"))
        #expect(try Self.teamRecord(#"{"user_id":"43","slug":"a\"b"}"#) == UserTeamRecord(userID: 43, slug: "a\"b"))
        #expect(try Self.teamRecord(#"{"user_id":"x","slug":"s"}"#) == UserTeamRecord(slug: "s"))
        #expect(throws: (any Error).self) { try Self.teamRecord(#"{"user_id":4.5}"#) }
        #expect(throws: (any Error).self) { try Self.teamRecord("[1]") }
    }

    /// (line, credits, interactions, acceptances, active)
    static let activityTable: [(String, Double?, Double?, Double?, Bool)] = [
        (#"{"user_id":1,"ai_credits_used":2.5,"user_initiated_interaction_count":3,"code_acceptance_activity_count":1}"#, 2.5, 3, 1, true),
        (#"{"user_id":1,"user_initiated_interaction_count":0,"code_generation_activity_count":0,"used_chat":false}"#, nil, 0, nil, false),
        (#"{"user_id":1,"user_initiated_interaction_count":0,"used_copilot_code_review_passive": true}"#, nil, 0, nil, true),
        (#"{"user_id":1,"code_generation_activity_count":4}"#, nil, nil, nil, true),
        (#"{"user_id":1,"ai_credits_used":0}"#, 0, nil, nil, false),
        // No activity field at all: listed in the report, so active.
        (#"{"user_id":1,"user_login":"octo","totals_by_ide":[]}"#, nil, nil, nil, true),
    ]

    @Test(arguments: activityTable) func readsActivity(
        line: String,
        credits: Double?,
        interactions: Double?,
        acceptances: Double?,
        active: Bool
    ) throws {
        let record = try Self.activity(line)
        #expect(record.userID == 1)
        #expect(record.activity == .init(credits: credits, interactions: interactions, acceptances: acceptances, active: active))
    }

    @Test func membershipsRefuseUnusableRecordsAndCountEachMemberOnce() throws {
        var teams = TeamMemberships(day: "2026-11-19")
        try teams.add(UserTeamRecord(userID: 1, day: "2026-11-19", slug: "a"))
        try teams.add(UserTeamRecord(userID: 1, day: nil, slug: "a"))
        try teams.add(UserTeamRecord(userID: 1, day: "2026-11-19", slug: "b"))
        try teams.add(UserTeamRecord(userID: 2, slug: "b"))
        for bad in [
            UserTeamRecord(userID: nil, slug: "a"), UserTeamRecord(userID: 3, slug: nil), UserTeamRecord(userID: 3, slug: ""),
            UserTeamRecord(userID: 3, day: "2026-11-18", slug: "a"),
            UserTeamRecord(userID: 3, slug: String(repeating: "x", count: TeamMemberships.maxSlugBytes + 1)),
        ] {
            #expect(throws: TeamMemberships.Refusal.unusable) { try teams.add(bad) }
        }
        #expect(teams.teams == ["a": [1], "b": [1, 2]])
        #expect(teams.users == [1, 2] && teams.memberships == 3)
    }

    @Test func membershipsStopAtTheTeamBound() throws {
        var teams = TeamMemberships(day: "d")
        for index in 0..<TeamMemberships.maxTeams { try teams.add(UserTeamRecord(userID: 1, slug: "t\(index)")) }
        try teams.add(UserTeamRecord(userID: 2, slug: "t0"))  // an existing team still takes members
        #expect(throws: TeamMemberships.Refusal.overflow("more than \(TeamMemberships.maxTeams) teams on d")) {
            try teams.add(UserTeamRecord(userID: 1, slug: "one-too-many"))
        }
        #expect(teams.teams.count == TeamMemberships.maxTeams)
    }

    @Test func theJoinCountsAUserInEveryTeamAndLeavesAbsentFieldsAbsent() throws {
        var teams = TeamMemberships(day: "d")
        for (user, slug) in [(1, "a"), (2, "a"), (1, "b"), (3, "b"), (4, "quiet")] as [(Int64, String)] {
            try teams.add(UserTeamRecord(userID: user, slug: slug))
        }
        let activity: [Int64: UserActivityRecord.Activity] = [
            1: .init(credits: 2, interactions: 5, acceptances: nil, active: true),
            2: .init(credits: 1.5, interactions: nil, acceptances: nil, active: true),
            3: .init(credits: nil, interactions: 0, acceptances: nil, active: false),
            9: .init(credits: 100, interactions: 100, acceptances: 100, active: true),  // in no team
        ]
        let day = TeamDay(teams: teams, activity: activity)
        #expect(day.members == ["a": 2, "b": 2, "quiet": 1])
        #expect(day.activeUsers == ["a": 2, "b": 1, "quiet": 0])
        #expect(day.credits == ["a": 3.5, "b": 2])
        #expect(day.interactions == ["a": 5, "b": 5])
        #expect(day.acceptances.isEmpty)
    }

    @Test func theCacheFoldsADayOnceAndStartsEachMonthAfresh() async {
        let cache = TeamReportCache()
        let org = Scope.organization("north")
        var day = TeamDay()
        day.credits = ["a": 2, "b": 1]
        await cache.fold(org, month: "2026-11", day: "2026-11-10", teams: day)
        await cache.fold(org, month: "2026-11", day: "2026-11-10", teams: day)
        day.credits = ["a": 0.5]
        await cache.fold(org, month: "2026-11", day: "2026-11-11", teams: day)
        #expect(await cache.sums(org, month: "2026-11") == ["a": 2.5, "b": 1])
        #expect(await cache.finalDays(org, month: "2026-11") == ["2026-11-10", "2026-11-11"])
        #expect(await cache.finalDay(org, day: "2026-11-11") == day)
        #expect(await cache.finalDay(org, day: "2026-11-10") == nil)
        #expect(await cache.sums(Scope.enterprise("globex"), month: "2026-11").isEmpty)
        await cache.fold(org, month: "2026-12", day: "2026-12-01", teams: TeamDay())
        #expect(await cache.sums(org, month: "2026-11").isEmpty)
        #expect(await cache.finalDays(org, month: "2026-12") == ["2026-12-01"])
    }
}
