import Testing

@testable import CopilotExporter

/// A packed table holds exactly its dictionary's pairs, in arrays as long as the table.
@Suite struct PackedTableTests {
    static func table(_ count: Int) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: (0..<count).map { ("user-\($0)", Double($0) / 4) })
    }

    @Test func itGivesBackTheSamePairs() {
        for count in [0, 1, 7, 1_000] {
            let table = Self.table(count)
            let packed = PackedTable(table)
            #expect(packed.count == count && packed.isEmpty == (count == 0))
            #expect(packed.keys.count == count && packed.values.count == count)
            #expect(packed.table() == table)
            #expect(Set(packed.keys) == Set(table.keys), "each key once")
            for (index, key) in packed.keys.enumerated() { #expect(table[key] == packed.values[index], "values stay beside their keys") }
        }
    }

    @Test func itsArraysHoldRoomForThePairsOnly() {
        // 49,153 keys: one past what 65,536 buckets hold, so the dictionary takes 131,072.
        let packed = PackedTable(Self.table(49_153))
        #expect(packed.keys.capacity < 49_153 + 49_153 / 8 && packed.values.capacity < 49_153 + 49_153 / 8)
    }

    @Test func equalityIgnoresOrderButNotPairs() {
        let packed = PackedTable(["alice": 1.0, "bob": 2, "carol": 3])
        let other = PackedTable(["carol": 3.0, "alice": 1, "bob": 2])
        #expect(packed == other)
        #expect(packed != PackedTable(["alice": 1.0, "bob": 2, "carol": 4]))
        #expect(packed != PackedTable(["alice": 1.0, "bob": 2]))
        #expect(PackedTable<Double>() == PackedTable([:]))
    }

    @Test func aTableCanBeAskedForWithRoomAhead() {
        let packed = PackedTable(["alice": 1.0])
        #expect(packed.table(reserving: 1_000).capacity >= 1_000)
        #expect(packed.table(reserving: -3) == ["alice": 1])
    }
}
