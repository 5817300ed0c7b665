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

/// Per-user sums over the final report days of a month: AI credits, interactions, and the
/// days (a bit per day of the month) each user was active.
public struct MonthToDate: Sendable, Equatable {
    public var credits: [String: Double] = [:]
    public var interactions: [String: Double] = [:]
    public var activeDays: [String: UInt32] = [:]

    public init() {}

    /// Empty sums with room for `users` users in each table (bounded as `UsersDay(reserving:)`).
    init(reserving users: Int) {
        let users = min(max(users, 0), UsersDay.maxReserved)
        credits.reserveCapacity(users)
        interactions.reserveCapacity(users)
        activeDays.reserveCapacity(users)
    }

    /// The bit of `day` (`YYYY-MM-DD`) in `activeDays`; nil for a malformed day.
    static func bit(_ day: String) -> UInt32? {
        guard let number = Int(day.suffix(2)), (1...31).contains(number) else { return nil }
        return 1 << UInt32(number - 1)
    }

    /// Adds one day's per-user values.
    mutating func add(_ day: UsersDay, on date: String) {
        // Each table ends with at least as many users as the larger of the two: room for them
        // at once (most days name the same users, so this is usually the final size).
        credits.reserveCapacity(max(credits.count, day.credits.count))
        interactions.reserveCapacity(max(interactions.count, day.interactions.count))
        activeDays.reserveCapacity(max(activeDays.count, day.active.count))
        for (user, value) in day.credits { credits[user, default: 0] += value }
        for (user, value) in day.interactions { interactions[user, default: 0] += value }
        if let bit = Self.bit(date) { for user in day.active { activeDays[user, default: 0] |= bit } }
    }

    /// Adds one record of the day `bit` stands for.
    mutating func add(_ record: UserDayRecord, bit: UInt32) {
        guard let user = record.userLogin else { return }
        if let used = record.aiCreditsUsed { credits[user, default: 0] += used }
        if let count = record.interactions { interactions[user, default: 0] += count }
        if record.isActive { activeDays[user, default: 0] |= bit }
    }

    /// Both months' sums together (final days and days still in the revision window).
    func merging(_ other: MonthToDate) -> MonthToDate {
        var out = self
        Self.merge(&out.credits, other.credits, +)
        Self.merge(&out.interactions, other.interactions, +)
        Self.merge(&out.activeDays, other.activeDays, |)
        return out
    }

    /// `table.merge(other)`: taken whole when `table` is empty (the first fold of a month, or
    /// no day in the revision window), otherwise with room for the larger of the two at once.
    private static func merge<Value>(_ table: inout [String: Value], _ other: [String: Value], _ combine: (Value, Value) -> Value) {
        if other.isEmpty { return }
        if table.isEmpty {
            table = other
            return
        }
        table.reserveCapacity(max(table.count, other.count))
        table.merge(other, uniquingKeysWith: combine)
    }
}
