import GitHubAPI

/// The answer of a `.../copilot/metrics/reports/...` endpoint: signed links to NDJSON files.
public struct ReportLinks: Decodable, Sendable, Equatable {
    public var downloadLinks: [String]

    enum CodingKeys: String, CodingKey {
        case downloadLinks = "download_links"
    }
}

/// One line of a users report: the fields the exporter uses.
public struct UserDayRecord: Decodable, Sendable, Equatable {
    public var userLogin: String?
    public var day: String?
    public var aiCreditsUsed: Double?

    enum CodingKeys: String, CodingKey {
        case userLogin = "user_login"
        case day
        case aiCreditsUsed = "ai_credits_used"
    }
}

extension UserDayRecord {
    /// Reads one users-report line with `JSONReader`: the same result as decoding it, without
    /// `JSONDecoder`'s cost for the many fields a record has and the exporter skips.
    public static func read(_ line: UnsafeBufferPointer<UInt8>) throws -> UserDayRecord {
        try JSONReader.document(line) { reader in
            var record = UserDayRecord()
            let found = try reader.readObject { key, reader in
                if key == "user_login" {
                    record.userLogin = try reader.readString()
                } else if key == "day" {
                    record.day = try reader.readString()
                } else if key == "ai_credits_used" {
                    record.aiCreditsUsed = try reader.readNumber()
                } else {
                    try reader.skipValue()
                }
            }
            guard found else { throw reader.failure("expected an object") }
            return record
        }
    }
}

/// One line of an organization or enterprise report: a flat 1-day record, or a 28-day record
/// whose `day_totals` hold one entry per day.
public struct AggregateRecord: Decodable, Sendable, Equatable {
    public struct DayTotals: Decodable, Sendable, Equatable {
        public var day: String?
        public var dailyActiveUsers: Double?
        public var weeklyActiveUsers: Double?
        public var monthlyActiveUsers: Double?

        enum CodingKeys: String, CodingKey {
            case day
            case dailyActiveUsers = "daily_active_users"
            case weeklyActiveUsers = "weekly_active_users"
            case monthlyActiveUsers = "monthly_active_users"
        }
    }

    public var flat: DayTotals
    public var dayTotals: [DayTotals]?

    enum CodingKeys: String, CodingKey {
        case dayTotals = "day_totals"
    }

    public init(from decoder: any Decoder) throws {
        flat = try DayTotals(from: decoder)
        dayTotals = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent([DayTotals].self, forKey: .dayTotals)
    }

    /// The totals for `day`: the flat record, or the matching `day_totals` entry.
    public func totals(for day: String) -> DayTotals? {
        if let dayTotals { return dayTotals.first { $0.day == day } ?? (dayTotals.count == 1 ? dayTotals[0] : nil) }
        return flat.dailyActiveUsers == nil && flat.weeklyActiveUsers == nil && flat.monthlyActiveUsers == nil ? nil : flat
    }
}
