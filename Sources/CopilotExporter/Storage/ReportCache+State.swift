import GitHubAPI

extension StateWriter {
    mutating func scope(_ scope: Scope) {
        string(scope.kind.rawValue)
        string(scope.slug)
    }

    mutating func numbers(_ values: [String: Double]) {
        integer(UInt32(values.count))
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            string(key)
            double(value)
        }
    }

    mutating func strings(_ values: [String]) {
        integer(UInt32(values.count))
        for value in values { string(value) }
    }
}

extension StateReader {
    mutating func scope() throws(Malformed) -> Scope {
        let kind = try string()
        let slug = try string()
        switch Scope.Kind(rawValue: kind) {
        case .organization: return .organization(slug)
        case .enterprise: return .enterprise(slug)
        case nil: throw Malformed()
        }
    }

    mutating func numbers() throws(Malformed) -> [String: Double] {
        let count = try self.count(UInt32.self, minimumSize: 12)
        var values: [String: Double] = [:]
        values.reserveCapacity(count)
        for _ in 0..<count {
            let key = try string()
            values[key] = try double()
        }
        return values
    }

    mutating func strings() throws(Malformed) -> [String] {
        let count = try self.count(UInt32.self, minimumSize: 4)
        var values: [String] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try string()) }
        return values
    }
}

extension ReportCache {
    /// The folded months and newest final days, for `--storage.path`.
    func state() -> (generation: Int, bytes: [UInt8]) {
        var writer = StateWriter()
        writer.integer(UInt32(months.count))
        for (scope, month) in months.sorted(by: { $0.key < $1.key }) {
            writer.scope(scope)
            writer.string(month.month)
            writer.strings(month.finalDays.sorted())
            let sums = MonthToDate(users: month.sums.table())
            writer.numbers(sums.credits)
            writer.numbers(sums.interactions)
            writer.numbers(sums.activeDays.mapValues(Double.init))
        }
        writer.integer(UInt32(newestFinal.count))
        for (scope, newest) in newestFinal.sorted(by: { $0.key < $1.key }) {
            writer.scope(scope)
            writer.string(newest.day)
            writer.numbers(newest.users.credits.table())
            for table in [newest.users.ideVersions, newest.users.pluginVersions] {
                writer.integer(UInt32(table.count))
                for (key, users) in table.sorted(by: { ($0.key.name, $0.key.version) < ($1.key.name, $1.key.version) }) {
                    writer.string(key.name)
                    writer.string(key.version)
                    writer.integer(UInt32(clamping: users))
                }
            }
            writer.integer(UInt32(clamping: newest.users.versionsCut))
        }
        return (generation, writer.bytes)
    }

    /// Replaces the cache with what `state()` wrote; on a malformed payload the cache is left
    /// as it was.
    func restore(_ bytes: [UInt8]) throws(StateReader.Malformed) {
        var reader = StateReader(bytes)
        var months: [Scope: Month] = [:]
        for _ in 0..<(try reader.count(UInt32.self, minimumSize: 28)) {
            let scope = try reader.scope()
            var month = Month(month: try reader.string())
            month.finalDays = Set(try reader.strings())
            let credits = try reader.numbers()
            let interactions = try reader.numbers()
            var activeDays: [String: UInt32] = [:]
            for (user, bits) in try reader.numbers() {
                guard bits >= 0, bits <= Double(UInt32.max), bits == bits.rounded() else { throw .init() }
                activeDays[user] = UInt32(bits)
            }
            month.sums = PackedTable(MonthToDate(credits: credits, interactions: interactions, activeDays: activeDays).users)
            months[scope] = month
        }
        var newestFinal: [Scope: (day: String, users: NewestUsers)] = [:]
        for _ in 0..<(try reader.count(UInt32.self, minimumSize: 28)) {
            let scope = try reader.scope()
            let day = try reader.string()
            var users = NewestUsers(credits: try reader.numbers())
            var tables: [[UsersDay.VersionKey: Int]] = []
            for _ in 0..<2 {
                var table: [UsersDay.VersionKey: Int] = [:]
                for _ in 0..<(try reader.count(UInt32.self, minimumSize: 12)) {
                    let key = UsersDay.VersionKey(name: try reader.string(), version: try reader.string())
                    table[key] = Int(try reader.integer(UInt32.self))
                }
                guard table.count <= UsersDay.maxVersions else { throw .init() }
                tables.append(table)
            }
            (users.ideVersions, users.pluginVersions) = (tables[0], tables[1])
            users.versionsCut = Int(try reader.integer(UInt32.self))
            newestFinal[scope] = (day, users)
        }
        guard reader.isAtEnd else { throw .init() }
        self.months = months
        self.newestFinal = newestFinal
    }
}

extension TeamReportCache {
    /// The folded months and newest final days, for `--storage.path`.
    func state() -> (generation: Int, bytes: [UInt8]) {
        var writer = StateWriter()
        writer.integer(UInt32(months.count))
        for (scope, month) in months.sorted(by: { $0.key < $1.key }) {
            writer.scope(scope)
            writer.string(month.month)
            writer.strings(month.finalDays.sorted())
            writer.numbers(month.sums)
        }
        writer.integer(UInt32(newestFinal.count))
        for (scope, newest) in newestFinal.sorted(by: { $0.key < $1.key }) {
            writer.scope(scope)
            writer.string(newest.day)
            writer.numbers(newest.teams.members.mapValues(Double.init))
            writer.numbers(newest.teams.activeUsers.mapValues(Double.init))
            writer.numbers(newest.teams.credits)
            writer.numbers(newest.teams.interactions)
            writer.numbers(newest.teams.acceptances)
        }
        return (generation, writer.bytes)
    }

    /// Replaces the cache with what `state()` wrote; on a malformed payload the cache is left
    /// as it was.
    func restore(_ bytes: [UInt8]) throws(StateReader.Malformed) {
        var reader = StateReader(bytes)
        var months: [Scope: Month] = [:]
        for _ in 0..<(try reader.count(UInt32.self, minimumSize: 20)) {
            let scope = try reader.scope()
            var month = Month(month: try reader.string())
            month.finalDays = Set(try reader.strings())
            month.sums = try reader.numbers()
            months[scope] = month
        }
        var newestFinal: [Scope: (day: String, teams: TeamDay)] = [:]
        for _ in 0..<(try reader.count(UInt32.self, minimumSize: 32)) {
            let scope = try reader.scope()
            let day = try reader.string()
            var teams = TeamDay()
            teams.members = try Self.counts(try reader.numbers())
            teams.activeUsers = try Self.counts(try reader.numbers())
            teams.credits = try reader.numbers()
            teams.interactions = try reader.numbers()
            teams.acceptances = try reader.numbers()
            newestFinal[scope] = (day, teams)
        }
        guard reader.isAtEnd else { throw .init() }
        self.months = months
        self.newestFinal = newestFinal
    }

    private static func counts(_ values: [String: Double]) throws(StateReader.Malformed) -> [String: Int] {
        var out: [String: Int] = [:]
        for (key, value) in values {
            guard value >= 0, value <= 1e9, value == value.rounded() else { throw .init() }
            out[key] = Int(value)
        }
        return out
    }
}
