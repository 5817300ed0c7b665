/// A table kept for long and read whole: its keys and values in two arrays exactly as long as
/// the table, in no particular order.
///
/// A dictionary keeps a power of two of buckets at most three quarters full, so a table of
/// 47,934 users takes 65,536 buckets and one of 27,595 takes 65,536 too: between a third and
/// over half of its room empty, and every page of it touched, since keys land by hash. The
/// report cache holds a month's per-user sums and the newest final day's credits this way
/// between polls, and turns them back into a dictionary only for a fold or a poll's merge.
public struct PackedTable<Value: Sendable>: Sendable {
    public private(set) var keys: [String] = []
    public private(set) var values: [Value] = []

    public init() {}

    public init(_ table: [String: Value]) {
        keys.reserveCapacity(table.count)
        values.reserveCapacity(table.count)
        for (key, value) in table {
            keys.append(key)
            values.append(value)
        }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The table as a dictionary, with room for at least `minimum` keys at once.
    public func table(reserving minimum: Int = 0) -> [String: Value] {
        var table: [String: Value] = [:]
        table.reserveCapacity(max(keys.count, minimum))
        for index in keys.indices { table[keys[index]] = values[index] }
        return table
    }
}

/// Two packed tables are equal when they hold the same pairs, in whatever order. Both are
/// turned into dictionaries to compare: for tests, not for a poll's path.
extension PackedTable: Equatable where Value: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.count == rhs.count && lhs.table() == rhs.table()
    }
}
