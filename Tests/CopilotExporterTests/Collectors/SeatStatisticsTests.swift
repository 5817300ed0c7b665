import Testing

@testable import CopilotExporter
@testable import GitHubAPI

@Suite struct SeatStatisticsTests {
    static let now = RFC3339.parse("2026-11-20T12:00:00Z")!

    static func seat(
        _ login: String?,
        created: String,
        activity: String? = nil,
        editor: String? = nil,
        org: String = "o"
    ) -> CopilotSeat {
        CopilotSeat(
            assignee: login.map { CopilotSeat.Account(login: $0, id: 1) },
            organization: CopilotSeat.Account(login: org, id: 2),
            createdAt: created,
            lastActivityAt: activity,
            lastActivityEditor: editor,
            pendingCancellationDate: nil,
            planType: nil
        )
    }

    @Test func idleUsesLastActivityOrAssignmentAndIsStrictlyOlderThanTheThreshold() {
        let seats = [
            Self.seat("active", created: "2026-01-01T00:00:00Z", activity: "2026-11-19T00:00:00Z", editor: "vscode/1"),
            Self.seat("exactly30", created: "2026-01-01T00:00:00Z", activity: "2026-10-21T12:00:00Z", editor: "vscode/1"),
            Self.seat("stale", created: "2026-01-01T00:00:00Z", activity: "2026-10-01T00:00:00Z", editor: "JetBrains-IU/2024"),
            Self.seat("newNever", created: "2026-11-10T00:00:00Z"),
            Self.seat("oldNever", created: "2026-06-01T00:00:00Z"),
        ]
        let statistics = SeatStatistics(seats: seats, now: Self.now, idleDays: 30)
        #expect(statistics.idle == 2)  // stale and oldNever; exactly30 is not older than 30 days
        #expect(statistics.neverActive == 2)
        #expect(statistics.byEditor == ["vscode": 2, "JetBrains-IU": 1, "none": 2])
        #expect(statistics.users.first { $0.login == "newNever" }?.lastActivity == nil)
    }

    @Test func aUserWithSeveralRowsCountsOnceWithNewestActivityAndEarliestAssignment() {
        let seats = [
            Self.seat("dup", created: "2026-03-01T00:00:00Z", activity: "2026-09-01T00:00:00Z", editor: "Neovim/0.10", org: "a"),
            Self.seat("dup", created: "2026-02-01T00:00:00Z", activity: "2026-11-18T00:00:00Z", editor: "vscode/1.9", org: "b"),
            Self.seat("dup", created: "2026-04-01T00:00:00Z", org: "c"),
            Self.seat("solo", created: "2026-02-01T00:00:00Z"),
        ]
        let statistics = SeatStatistics(seats: seats, now: Self.now, idleDays: 30)
        #expect(statistics.users.count == 2)
        let dup = statistics.users.first { $0.login == "dup" }!
        #expect(dup.assigned == RFC3339.parse("2026-02-01T00:00:00Z"))
        #expect(dup.lastActivity == RFC3339.parse("2026-11-18T00:00:00Z"))
        #expect(dup.editor == "vscode")
        #expect(statistics.idle == 1)
        #expect(statistics.neverActive == 1)
        #expect(statistics.byEditor == ["vscode": 1, "none": 1])
    }

    @Test func rowsWithoutAssigneeCountAsSeatsButHaveNoUserSeries() {
        let seats = [Self.seat(nil, created: "2026-01-01T00:00:00Z"), Self.seat(nil, created: "2026-01-02T00:00:00Z")]
        let statistics = SeatStatistics(seats: seats, now: Self.now, idleDays: 30)
        #expect(statistics.users.isEmpty)
        #expect(statistics.neverActive == 2)
        #expect(statistics.idle == 2)
    }

    @Test(arguments: [
        ("vscode/1.77.3/copilot/1.86.82", "vscode"), ("JetBrains-IC/2024.3", "JetBrains-IC"), ("copilot-cli", "copilot-cli"),
        ("", "unknown"), (nil as String?, "unknown"), ("/x", "unknown"), ("vim", "vim"), ("é/1", "é"), ("a//b", "a"),
    ])
    func editorIsTheFirstSegment(editor: String?, expected: String) {
        #expect(SeatStatistics.editorName(editor) == expected)
    }
}
