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

    public var assignee: Account?
    public var organization: Account?
    public var createdAt: String
    public var lastActivityAt: String?
    public var lastActivityEditor: String?
    public var pendingCancellationDate: String?
    public var planType: String?

    enum CodingKeys: String, CodingKey {
        case assignee, organization
        case createdAt = "created_at"
        case lastActivityAt = "last_activity_at"
        case lastActivityEditor = "last_activity_editor"
        case pendingCancellationDate = "pending_cancellation_date"
        case planType = "plan_type"
    }
}
