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
    public var interactions: Double?
    public var generations: Double?
    public var acceptances: Double?
    /// True when any `used_*` flag (`used_chat`, `used_cli`, …; an open set) is true.
    public var usedAny = false
    /// `totals_by_ide[]`: each IDE's last known IDE and plugin versions.
    public var ides: [IDEVersions] = []

    /// One entry of `totals_by_ide[]`, as far as versions go.
    public struct IDEVersions: Sendable, Equatable {
        public var ide: String?
        public var ideVersion: String?
        public var plugin: String?
        public var pluginVersion: String?
    }

    public init(userLogin: String? = nil, day: String? = nil, aiCreditsUsed: Double? = nil) {
        self.userLogin = userLogin
        self.day = day
        self.aiCreditsUsed = aiCreditsUsed
    }

    /// Whether the record shows any activity: an interaction, generation, acceptance, credits
    /// used, or a `used_*` flag set.
    public var isActive: Bool {
        usedAny || [interactions, generations, acceptances, aiCreditsUsed].contains { ($0 ?? 0) > 0 }
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
                } else if key == "user_initiated_interaction_count" {
                    record.interactions = try reader.readNumber()
                } else if key == "code_generation_activity_count" {
                    record.generations = try reader.readNumber()
                } else if key == "code_acceptance_activity_count" {
                    record.acceptances = try reader.readNumber()
                } else if key.hasPrefix("used_") {
                    if try reader.readBool() == true { record.usedAny = true }
                } else if key == "totals_by_ide" {
                    try reader.readArray { reader in record.ides.append(try IDEVersions.read(&reader)) }
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
        /// The adoption-and-impact fields of the day.
        public var adoption = AdoptionDay()

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
        flat = try DayTotals(decoding: decoder)
        dayTotals = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent([DayTotals].self, forKey: .dayTotals)
    }

    /// The totals for `day`: the flat record, or the matching `day_totals` entry.
    public func totals(for day: String) -> DayTotals? {
        if let dayTotals { return dayTotals.first { $0.day == day } ?? (dayTotals.count == 1 ? dayTotals[0] : nil) }
        let nothing = flat.dailyActiveUsers == nil && flat.weeklyActiveUsers == nil && flat.monthlyActiveUsers == nil
        return nothing && flat.adoption.isEmpty ? nil : flat
    }
}

extension AggregateRecord.DayTotals {
    public init(from decoder: any Decoder) throws { try self.init(decoding: decoder) }

    init(decoding decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        day = try container.decodeIfPresent(String.self, forKey: .day)
        dailyActiveUsers = try container.decodeIfPresent(Double.self, forKey: .dailyActiveUsers)
        weeklyActiveUsers = try container.decodeIfPresent(Double.self, forKey: .weeklyActiveUsers)
        monthlyActiveUsers = try container.decodeIfPresent(Double.self, forKey: .monthlyActiveUsers)
        adoption = try AdoptionDay(from: decoder)
    }
}
