import GitHubAPI

/// One line of a `user-teams-1-day` report: one user's membership of one team on one day.
/// `team_id` and the scope's id are not read: teams are told apart by `slug`, their label.
public struct UserTeamRecord: Sendable, Equatable {
    public var userID: Int64?
    public var day: String?
    public var slug: String?

    public init(userID: Int64? = nil, day: String? = nil, slug: String? = nil) {
        self.userID = userID
        self.day = day
        self.slug = slug
    }

    /// Reads one user-teams line with `JSONReader`; other fields are skipped. `user_id` may be
    /// a number (as documented) or a string of digits.
    public static func read(_ line: UnsafeBufferPointer<UInt8>) throws -> UserTeamRecord {
        try JSONReader.document(line) { reader in
            var record = UserTeamRecord()
            let found = try reader.readObject { key, reader in
                if key == "user_id" {
                    record.userID = try reader.readUserID(in: line)
                } else if key == "day" {
                    record.day = try reader.readString()
                } else if key == "slug" {
                    record.slug = try reader.readString()
                } else {
                    try reader.skipValue()
                }
            }
            guard found else { throw reader.failure("expected an object") }
            return record
        }
    }
}

extension JSONReader {
    /// The first byte of the next value in `line` (which this reader reads), after whitespace.
    func nextByte(in line: UnsafeBufferPointer<UInt8>) -> UInt8? {
        var index = position
        while index < line.count, [0x20, 0x09, 0x0A, 0x0D].contains(line[index]) { index += 1 }
        return index < line.count ? line[index] : nil
    }

    /// A user id: an integer, or a string holding one; nil for `null` or a string that is not one.
    mutating func readUserID(in line: UnsafeBufferPointer<UInt8>) throws -> Int64? {
        if nextByte(in: line) == UInt8(ascii: "\"") { return try readString().flatMap { Int64($0) } }
        return try readInteger()
    }

    /// A boolean: true only for the literal `true`; any other value is consumed and is false.
    mutating func readFlag(in line: UnsafeBufferPointer<UInt8>) throws -> Bool {
        let isTrue = nextByte(in: line) == UInt8(ascii: "t")
        try skipValue()
        return isTrue
    }
}
