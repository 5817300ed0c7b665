import GitHubAPI

/// `GET /orgs/{org}/copilot/billing`, the fields the exporter uses.
public struct OrganizationCopilotBilling: Decodable, Sendable, Equatable {
    public struct SeatBreakdown: Decodable, Sendable, Equatable {
        public var total: Int
        public var addedThisCycle: Int?
        public var pendingCancellation: Int?
        public var pendingInvitation: Int?
        public var activeThisCycle: Int?
        public var inactiveThisCycle: Int?

        enum CodingKeys: String, CodingKey {
            case total
            case addedThisCycle = "added_this_cycle"
            case pendingCancellation = "pending_cancellation"
            case pendingInvitation = "pending_invitation"
            case activeThisCycle = "active_this_cycle"
            case inactiveThisCycle = "inactive_this_cycle"
        }
    }

    public var seatBreakdown: SeatBreakdown
    public var planType: String?

    enum CodingKeys: String, CodingKey {
        case seatBreakdown = "seat_breakdown"
        case planType = "plan_type"
    }
}

/// One page of `GET /orgs/{org}/copilot/billing/seats` or the enterprise equivalent.
public struct CopilotSeatPage: Decodable, Sendable, Equatable {
    public var totalSeats: Int
    public var seats: [CopilotSeat]

    enum CodingKeys: String, CodingKey {
        case totalSeats = "total_seats"
        case seats
    }
}

/// One seat assignment ("Copilot Business Seat Detail"), the fields the exporter uses.
public struct CopilotSeat: Decodable, Sendable, Equatable {
    public struct Account: Decodable, Sendable, Equatable {
        public var login: String?
        public var id: Int64?
    }

    /// The team through which the seat is granted (`assigning_team`); null for a direct grant.
    public struct Team: Decodable, Sendable, Equatable {
        public var slug: String?
    }

    public var assignee: Account?
    public var organization: Account?
    public var createdAt: String
    public var lastActivityAt: String?
    public var lastActivityEditor: String?
    public var pendingCancellationDate: String?
    public var planType: String?
    public var assigningTeam: Team?

    enum CodingKeys: String, CodingKey {
        case assignee, organization
        case assigningTeam = "assigning_team"
        case createdAt = "created_at"
        case lastActivityAt = "last_activity_at"
        case lastActivityEditor = "last_activity_editor"
        case pendingCancellationDate = "pending_cancellation_date"
        case planType = "plan_type"
    }
}

extension CopilotSeatPage {
    /// Reads a page with `JSONReader`, handing each seat to `seat` as it is read instead of
    /// building the array: the same fields and the same failures as decoding `CopilotSeatPage`
    /// (missing `total_seats`, `seats` or a seat's `created_at`, a wrong type), several times
    /// faster and without holding the page's seats. Returns `total_seats`.
    public static func read(_ body: [UInt8], seat: (CopilotSeat) -> Void) throws -> Int {
        try read(body, row: CopilotSeat.read, seat)
    }

    /// `read` with each seat read by `readRow` (`SeatRow.read` for the seats collector).
    static func read<Row>(
        _ body: [UInt8],
        row readRow: (inout JSONReader, Int) throws -> Row,
        _ seat: (Row) -> Void
    ) throws -> Int {
        try body.withUnsafeBufferPointer { buffer in
            try JSONReader.document(buffer) { reader in
                var total: Int64?
                var sawSeats = false
                let found = try reader.readObject { key, reader in
                    if key == "total_seats" {
                        total = try reader.readInteger()
                    } else if key == "seats" {
                        var index = 0
                        sawSeats = try reader.readArray { reader in
                            seat(try readRow(&reader, index))
                            index += 1
                        }
                    } else {
                        try reader.skipValue()
                    }
                }
                guard found else { throw reader.failure("expected an object") }
                guard let total else { throw JSONReader.Failure(offset: 0, problem: "missing total_seats") }
                guard sawSeats else { throw JSONReader.Failure(offset: 0, problem: "missing seats") }
                return Int(clamping: total)
            }
        }
    }
}

extension CopilotSeat {
    static func read(_ reader: inout JSONReader, index: Int) throws -> CopilotSeat {
        let start = reader.position
        var assignee: Account?
        var organization: Account?
        var createdAt: String?
        var lastActivityAt: String?
        var lastActivityEditor: String?
        var pendingCancellationDate: String?
        var planType: String?
        var assigningTeam: Team?
        let found = try reader.readObject { key, reader in
            if key == "assignee" {
                assignee = try Account.read(&reader)
            } else if key == "organization" {
                organization = try Account.read(&reader)
            } else if key == "created_at" {
                createdAt = try reader.readString()
            } else if key == "last_activity_at" {
                lastActivityAt = try reader.readString()
            } else if key == "last_activity_editor" {
                lastActivityEditor = try reader.readString()
            } else if key == "pending_cancellation_date" {
                pendingCancellationDate = try reader.readString()
            } else if key == "plan_type" {
                planType = try reader.readString()
            } else if key == "assigning_team" {
                assigningTeam = try Team.read(&reader)
            } else {
                try reader.skipValue()
            }
        }
        guard found else { throw JSONReader.Failure(offset: start, problem: "null at seats.\(index)") }
        guard let createdAt else { throw JSONReader.Failure(offset: start, problem: "missing created_at at seats.\(index)") }
        return CopilotSeat(
            assignee: assignee,
            organization: organization,
            createdAt: createdAt,
            lastActivityAt: lastActivityAt,
            lastActivityEditor: lastActivityEditor,
            pendingCancellationDate: pendingCancellationDate,
            planType: planType,
            assigningTeam: assigningTeam
        )
    }
}

extension CopilotSeat.Team {
    static func read(_ reader: inout JSONReader) throws -> CopilotSeat.Team? {
        var team = CopilotSeat.Team()
        let found = try reader.readObject { key, reader in
            if key == "slug" {
                team.slug = try reader.readString()
            } else {
                try reader.skipValue()
            }
        }
        return found ? team : nil
    }
}

extension CopilotSeat.Account {
    static func read(_ reader: inout JSONReader) throws -> CopilotSeat.Account? {
        var account = CopilotSeat.Account()
        let found = try reader.readObject { key, reader in
            if key == "login" {
                account.login = try reader.readString()
            } else if key == "id" {
                account.id = try reader.readInteger()
            } else {
                try reader.skipValue()
            }
        }
        return found ? account : nil
    }
}
