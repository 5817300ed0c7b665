import PrometheusExposition

/// What one users-report day says per user: AI credits, interactions, whether the user was
/// active, and how many users run each IDE and plugin version.
public struct UsersDay: Sendable, Equatable {
    public var credits: [String: Double] = [:]
    public var interactions: [String: Double] = [:]
    public var active: Set<String> = []
    /// Users per (`ide`, `ide_version`) and per (`plugin`, `plugin_version`); empty versions
    /// are left out, and at most `maxVersions` distinct pairs are kept of each.
    public var ideVersions: [VersionKey: Set<String>] = [:]
    public var pluginVersions: [VersionKey: Set<String>] = [:]
    /// Distinct pairs passed over because of the bound.
    public var versionsCut = 0

    /// A name (IDE or plugin) and its version, as GitHub writes them.
    public struct VersionKey: Sendable, Hashable {
        public var name: String
        public var version: String
    }

    static let maxVersions = 300
    static let maxVersionLength = 200

    public init(credits: [String: Double] = [:]) { self.credits = credits }

    /// Most users `init(reserving:)` makes room for: a guess too high costs at most this many
    /// entries' room in each of the three tables (about 34 MB in all), which a day that size
    /// needs anyway. The guess is the previous day's users, rarely far from the next day's.
    static let maxReserved = 200_000

    /// An empty day with room for `users` users in each per-user table, so that reading a
    /// report does not rehash them each time they double (the tables held 100,000 users
    /// after 17 doublings).
    init(reserving users: Int) {
        let users = min(max(users, 0), Self.maxReserved)
        credits.reserveCapacity(users)
        interactions.reserveCapacity(users)
        active.reserveCapacity(users)
    }

    /// Adds one record.
    mutating func add(_ record: UserDayRecord) {
        guard let user = record.userLogin else { return }
        if let used = record.aiCreditsUsed { credits[user, default: 0] += used }
        if let count = record.interactions { interactions[user, default: 0] += count }
        if record.isActive { active.insert(user) }
        for entry in record.ides {
            if let ide = entry.ide, let version = entry.ideVersion {
                Self.count(&ideVersions, VersionKey(name: ide, version: version), user, cut: &versionsCut)
            }
            if let plugin = entry.plugin, let version = entry.pluginVersion {
                Self.count(&pluginVersions, VersionKey(name: plugin, version: version), user, cut: &versionsCut)
            }
        }
    }

    private static func count(_ table: inout [VersionKey: Set<String>], _ key: VersionKey, _ user: String, cut: inout Int) {
        guard !key.name.isEmpty, !key.version.isEmpty else { return }
        // One hash of the key when it is known (most records): its set is updated in place.
        if let index = table.index(forKey: key) {
            table.values[index].insert(user)
            return
        }
        guard table.count < Self.maxVersions, key.name.utf8.count + key.version.utf8.count <= Self.maxVersionLength else {
            cut += 1
            return
        }
        table[key] = [user]
    }
}

/// What the newest-day families need of a users-report day: each user's AI credits, and how
/// many users run each IDE and plugin version. The report cache keeps this of its newest final
/// day, not the whole `UsersDay`: the version sets and the interactions and active tables are
/// four more tables of every user, which nothing reads once the day is folded.
public struct NewestUsers: Sendable, Equatable {
    /// Packed: the cache keeps it until the next final day (`PackedTable`).
    public var credits = PackedTable<Double>()
    public var ideVersions: [UsersDay.VersionKey: Int] = [:]
    public var pluginVersions: [UsersDay.VersionKey: Int] = [:]
    /// Distinct version pairs passed over because of `UsersDay.maxVersions`.
    public var versionsCut = 0

    public init(credits: [String: Double] = [:]) { self.credits = PackedTable(credits) }

    public init(_ day: UsersDay) {
        credits = PackedTable(day.credits)
        ideVersions = day.ideVersions.mapValues(\.count)
        pluginVersions = day.pluginVersions.mapValues(\.count)
        versionsCut = day.versionsCut
    }
}

/// Per-user sums over the final report days of a month: AI credits, interactions, and the
/// days (a bit per day of the month) each user was active.
///
/// One table entry per user holds all three, so a record costs one hash of its login, not
/// three, and a user's key is stored once: the report cache keeps this for the whole month.
public struct MonthToDate: Sendable, Equatable {
    /// A user's sums, and which of them some report gave: a user whose records never had a
    /// field has no series for it, as before.
    public struct Sums: Sendable, Equatable {
        public var credits = 0.0
        public var interactions = 0.0
        public var activeDays: UInt32 = 0
        /// Bit 0: credits given; bit 1: interactions; bit 2: active on some day.
        var given: UInt8 = 0

        mutating func add(credits: Double?, interactions: Double?, days: UInt32?) {
            if let credits {
                self.credits += credits
                given |= 1
            }
            if let interactions {
                self.interactions += interactions
                given |= 2
            }
            if let days {
                activeDays |= days
                given |= 4
            }
        }

        mutating func merge(_ other: Sums) {
            credits += other.credits
            interactions += other.interactions
            activeDays |= other.activeDays
            given |= other.given
        }
    }

    public private(set) var users: [String: Sums] = [:]

    public init() {}

    /// The sums of `users`.
    init(users: [String: Sums]) { self.users = users }

    /// Sums given as one table per value (the state file's layout, and tests).
    public init(credits: [String: Double], interactions: [String: Double], activeDays: [String: UInt32]) {
        users.reserveCapacity(max(credits.count, interactions.count, activeDays.count))
        for (user, value) in credits { users[user, default: Sums()].add(credits: value, interactions: nil, days: nil) }
        for (user, value) in interactions { users[user, default: Sums()].add(credits: nil, interactions: value, days: nil) }
        for (user, value) in activeDays { users[user, default: Sums()].add(credits: nil, interactions: nil, days: value) }
    }

    /// Empty sums with room for `users` users (bounded as `UsersDay(reserving:)`).
    init(reserving users: Int) {
        self.users.reserveCapacity(min(max(users, 0), UsersDay.maxReserved))
    }

    /// Per-user credits (a table built on each call: the state file and tests).
    public var credits: [String: Double] { table(1) { $0.credits } }
    public var interactions: [String: Double] { table(2) { $0.interactions } }
    public var activeDays: [String: UInt32] { table(4) { $0.activeDays } }

    /// The users with credits and their sums, in one order, for a family.
    var creditsSeries: (users: [String], values: [Double]) { series(1) { $0.credits } }
    var interactionsSeries: (users: [String], values: [Double]) { series(2) { $0.interactions } }
    var activeDaysSeries: (users: [String], values: [Double]) { series(4) { Double($0.activeDays.nonzeroBitCount) } }

    private func table<Value>(_ bit: UInt8, _ value: (Sums) -> Value) -> [String: Value] {
        var table: [String: Value] = [:]
        for (user, sums) in users where sums.given & bit != 0 { table[user] = value(sums) }
        return table
    }

    private func series(_ bit: UInt8, _ value: (Sums) -> Double) -> (users: [String], values: [Double]) {
        var out: (users: [String], values: [Double]) = ([], [])
        out.users.reserveCapacity(users.count)
        out.values.reserveCapacity(users.count)
        for (user, sums) in users where sums.given & bit != 0 {
            out.users.append(user)
            out.values.append(value(sums))
        }
        return out
    }

    /// The bit of `day` (`YYYY-MM-DD`) in `activeDays`; nil for a malformed day.
    static func bit(_ day: String) -> UInt32? {
        guard let number = Int(day.suffix(2)), (1...31).contains(number) else { return nil }
        return 1 << UInt32(number - 1)
    }

    /// Adds one day's per-user values.
    mutating func add(_ day: UsersDay, on date: String) {
        // The table ends with at least as many users as the day names: room for them at once
        // (most days name the same users, so this is usually the final size).
        users.reserveCapacity(max(users.count, day.credits.count))
        for (user, value) in day.credits { users[user, default: Sums()].add(credits: value, interactions: nil, days: nil) }
        for (user, value) in day.interactions { users[user, default: Sums()].add(credits: nil, interactions: value, days: nil) }
        if let bit = Self.bit(date) {
            for user in day.active { users[user, default: Sums()].add(credits: nil, interactions: nil, days: bit) }
        }
    }

    /// Adds one record of the day `bit` stands for.
    mutating func add(_ record: UserDayRecord, bit: UInt32) {
        guard let user = record.userLogin else { return }
        let credits = record.aiCreditsUsed
        let interactions = record.interactions
        let active = record.isActive
        guard credits != nil || interactions != nil || active else { return }
        users[user, default: Sums()].add(credits: credits, interactions: interactions, days: active ? bit : nil)
    }

    /// Both months' sums together (final days and days still in the revision window): an empty
    /// side gives the other whole, otherwise room for the larger of the two at once.
    func merging(_ other: MonthToDate) -> MonthToDate {
        var out = self
        out.merge(other)
        return out
    }

    /// Adds `other`'s sums in place (no copy of a table held only here).
    mutating func merge(_ other: MonthToDate) {
        if other.users.isEmpty { return }
        if users.isEmpty {
            self = other
            return
        }
        users.reserveCapacity(max(users.count, other.users.count))
        for (user, sums) in other.users { users[user, default: Sums()].merge(sums) }
    }
}

extension MetricFamily {
    /// A per-user family of one of `MonthToDate`'s series.
    init(name: String, help: String, labels: [Label], series: (users: [String], values: [Double])) {
        self.init(name: name, help: help, labels: labels, users: series.users, values: series.values)
    }
}
