/// One user's AI credits on one day in one organization, for the users reports.
public struct SimulatedUserDay: Sendable, Hashable {
    public var day: String
    public var organization: String
    public var login: String
    /// nil: the record has no `ai_credits_used` field.
    public var credits: Double?

    public init(day: String, organization: String, login: String, credits: Double?) {
        self.day = day
        self.organization = organization
        self.login = login
        self.credits = credits
    }
}

/// The usage-metrics side of a scenario.
public struct SimulatedReports: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// Exactly these rows.
        case rows([SimulatedUserDay])
        /// Generated from the seats: a user is active on about 60 % of the days between their
        /// assignment and their last activity, with 0 to 60 credits.
        case procedural(seed: UInt64)
    }

    public var source: Source
    /// A day is published once it is at least this many days before today (1: yesterday is).
    public var publicationLagDays: Int
    /// Scopes (`org/LOGIN`, `enterprise/SLUG`) whose usage-metrics policy is off: every report 404.
    public var disabled: Set<String>
    /// Files each report is split into (GitHub returns several download links).
    public var parts: Int
    /// Days (`YYYY-MM-DD`) published late, by how many days beyond `publicationLagDays`:
    /// GitHub documents no publication deadline.
    public var lateDays: [String: Int]

    public init(
        source: Source = .rows([]),
        publicationLagDays: Int = 1,
        disabled: Set<String> = [],
        parts: Int = 2,
        lateDays: [String: Int] = [:]
    ) {
        self.source = source
        self.publicationLagDays = publicationLagDays
        self.disabled = disabled
        self.parts = parts
        self.lateDays = lateDays
    }
}

/// The per-user values of one report day.
struct UserDayValue {
    var login: String
    var userID: Int
    var credits: Double?
}

extension SimulatorScenario {
    /// Users active on `day` in the given organizations (one record per login; credits summed).
    func userDays(_ organizations: [String], day: String) -> [UserDayValue] {
        switch reports.source {
        case .rows(let rows):
            var order: [String] = []
            var values: [String: UserDayValue] = [:]
            for row in rows where row.day == day && organizations.contains(row.organization) {
                if var existing = values[row.login] {
                    if let credits = row.credits { existing.credits = (existing.credits ?? 0) + credits }
                    values[row.login] = existing
                } else {
                    order.append(row.login)
                    values[row.login] = UserDayValue(
                        login: row.login,
                        userID: Int(FNV1a.hash(Array(row.login.utf8)) % 10_000_000),
                        credits: row.credits
                    )
                }
            }
            return order.map { values[$0]! }
        case .procedural(let seed):
            guard let dayStart = SimulatedCalendar.dayStart(day) else { return [] }
            var seen = Set<String>()
            var out: [UserDayValue] = []
            for org in organizations.compactMap(organization) {
                for seat in org.seats where !seat.login.isEmpty && seen.insert(seat.login).inserted {
                    guard let last = seat.lastActivityAt, seat.createdAt < dayStart + 86_400, last >= dayStart else { continue }
                    let hash = FNV1a.hash(Array("\(seed)/\(seat.login)/\(day)".utf8))
                    guard hash % 100 < 60 else { continue }
                    out.append(UserDayValue(login: seat.login, userID: seat.userID, credits: Double((hash / 100) % 121) / 2))
                }
            }
            return out
        }
    }
}

extension SimulatorScenario {
    /// The seed of the users' simulated activity (features, IDEs, counters).
    var activitySeed: UInt64 {
        if case .procedural(let seed) = reports.source { return seed }
        return 0
    }

    /// Whether `day` is published at `today` (00:00 UTC of the simulator's today).
    func isPublished(_ day: String, today: Double) -> Bool {
        guard let dayStart = SimulatedCalendar.dayStart(day) else { return false }
        let lag = reports.publicationLagDays + (reports.lateDays[day] ?? 0)
        return dayStart <= today - Double(lag) * 86_400
    }

    /// The window of the 28-day reports: it ends on the newest published day before which
    /// every day of the window is published too (a late day holds the window back), or nil.
    func latestWindow(today: Double) -> (start: String, end: String)? {
        var end = today - Double(reports.publicationLagDays) * 86_400
        var tries = 0
        while tries < 400 {
            tries += 1
            guard
                let late = (0..<28).map({ end - Double($0) * 86_400 }).first(where: {
                    !isPublished(SimulatedCalendar.day($0), today: today)
                })
            else { return (SimulatedCalendar.day(end - 27 * 86_400), SimulatedCalendar.day(end)) }
            end = late - 86_400
        }
        return nil
    }
}
