import GitHubAPI

/// One line of a users report, as the teams collector reads it: who, which day, and the
/// activity a team sums.
public struct UserActivityRecord: Sendable, Equatable {
    /// What a team sums of one member's day. nil: the field was absent.
    public struct Activity: Sendable, Equatable {
        public var credits: Double?
        public var interactions: Double?
        public var acceptances: Double?
        /// Whether the record shows activity: a positive counter, positive credits or a true
        /// `used_*` flag. A record that carries none of those fields counts as active (GitHub
        /// lists a user in the report because of activity); one whose fields are all zero or
        /// false does not.
        public var active: Bool

        public init(credits: Double? = nil, interactions: Double? = nil, acceptances: Double? = nil, active: Bool = true) {
            self.credits = credits
            self.interactions = interactions
            self.acceptances = acceptances
            self.active = active
        }

        /// Two lines for one user on one day: values added, active if either is.
        public func merged(with other: Activity) -> Activity {
            func add(_ a: Double?, _ b: Double?) -> Double? { a.map { $0 + (b ?? 0) } ?? b }
            return Activity(
                credits: add(credits, other.credits),
                interactions: add(interactions, other.interactions),
                acceptances: add(acceptances, other.acceptances),
                active: active || other.active
            )
        }
    }

    public var userID: Int64?
    public var day: String?
    public var activity: Activity

    public init(userID: Int64? = nil, day: String? = nil, activity: Activity = Activity()) {
        self.userID = userID
        self.day = day
        self.activity = activity
    }

    /// Reads one users-report line with `JSONReader`; other fields are skipped.
    public static func read(_ line: UnsafeBufferPointer<UInt8>) throws -> UserActivityRecord {
        try JSONReader.document(line) { reader in
            var record = UserActivityRecord()
            var sawActivityField = false
            var sawActivity = false
            func counter(_ value: Double?) {
                guard let value else { return }
                sawActivityField = true
                if value > 0 { sawActivity = true }
            }
            let found = try reader.readObject { key, reader in
                if key == "user_id" {
                    record.userID = try reader.readUserID(in: line)
                } else if key == "day" {
                    record.day = try reader.readString()
                } else if key == "ai_credits_used" {
                    record.activity.credits = try reader.readNumber()
                    counter(record.activity.credits)
                } else if key == "user_initiated_interaction_count" {
                    record.activity.interactions = try reader.readNumber()
                    counter(record.activity.interactions)
                } else if key == "code_acceptance_activity_count" {
                    record.activity.acceptances = try reader.readNumber()
                    counter(record.activity.acceptances)
                } else if key == "code_generation_activity_count" {
                    counter(try reader.readNumber())
                } else if key == "used_agent" || key == "used_chat" || key == "used_cli"
                    || key == "used_copilot_code_review_active" || key == "used_copilot_code_review_passive"
                    || key == "used_copilot_coding_agent" || key == "used_copilot_cloud_agent" || key == "used_copilot_app"
                {
                    sawActivityField = true
                    if try reader.readFlag(in: line) { sawActivity = true }
                } else {
                    try reader.skipValue()
                }
            }
            guard found else { throw reader.failure("expected an object") }
            record.activity.active = !sawActivityField || sawActivity
            return record
        }
    }
}
