import GitHubAPI

extension CopilotSeatPage {
    /// `read`, each seat as the seats collector keeps it (`SeatRow`): the same failures.
    static func readRows(_ body: [UInt8], seat: (SeatRow) -> Void) throws -> Int {
        try read(body, row: SeatRow.read, seat)
    }
}

/// The fields of a seat row the seats collector keeps, read from the page's bytes in place
/// (`CopilotSeatPage.readRows`): the timestamps parsed and the editor cut to its name without
/// first building the strings `CopilotSeat` holds (three allocations a row, past 15 bytes each).
struct SeatRow: Equatable {
    var login: String?
    /// `created_at` parsed; nil when it is not a timestamp.
    var created: Double?
    /// `last_activity_at` parsed; nil when null, absent or not a timestamp.
    var lastActivity: Double?
    /// `SeatStatistics.editorName` of `last_activity_editor`.
    var editor: String
    var team: String?
    var organization: String?
    var plan: SeatPlan
}

extension SeatRow {
    /// What the collector keeps of a decoded seat.
    init(_ seat: CopilotSeat) {
        self.init(
            login: seat.assignee?.login,
            created: RFC3339.parse(seat.createdAt),
            lastActivity: seat.lastActivityAt.flatMap(RFC3339.parse),
            editor: SeatStatistics.editorName(seat.lastActivityEditor),
            team: seat.assigningTeam?.slug,
            organization: seat.organization?.login,
            plan: SeatPlan(seat.planType)
        )
    }

    /// `CopilotSeat.read`'s fields, checks and failures, kept as `init(_:)` would keep them.
    static func read(_ reader: inout JSONReader, index: Int) throws -> SeatRow {
        let start = reader.position
        var row = SeatRow(login: nil, created: nil, lastActivity: nil, editor: "unknown", team: nil, organization: nil, plan: .unknown)
        var sawCreated = false
        let found = try reader.readObject { key, reader in
            if key == "assignee" {
                row.login = try CopilotSeat.Account.read(&reader)?.login
            } else if key == "organization" {
                row.organization = try CopilotSeat.Account.read(&reader)?.login
            } else if key == "created_at" {
                // A repeated key: the last one counts, as in `CopilotSeat.read`.
                let created = try reader.readStringBytes(RFC3339.parse)
                sawCreated = created != nil
                row.created = created ?? nil
            } else if key == "last_activity_at" {
                row.lastActivity = try reader.readStringBytes(RFC3339.parse) ?? nil
            } else if key == "last_activity_editor" {
                row.editor = try reader.readStringBytes(SeatStatistics.editorName) ?? "unknown"
            } else if key == "pending_cancellation_date" {
                _ = try reader.readStringBytes { _ in () }
            } else if key == "plan_type" {
                row.plan = SeatPlan(try reader.readString())
            } else if key == "assigning_team" {
                row.team = try CopilotSeat.Team.read(&reader)?.slug
            } else {
                try reader.skipValue()
            }
        }
        guard found else { throw JSONReader.Failure(offset: start, problem: "null at seats.\(index)") }
        guard sawCreated else { throw JSONReader.Failure(offset: start, problem: "missing created_at at seats.\(index)") }
        return row
    }
}
