import Foundation
import GitHubSimulator
import Testing

@testable import CopilotExporter
@testable import GitHubAPI

/// `JSONReader` against Foundation's JSON: the same values from the same documents, and the
/// same documents refused.
@Suite struct JSONReaderTests {
    @Test(arguments: ["orgs-copilot-billing-seats.json", "enterprises-copilot-billing-seats.json"])
    func documentedSeatPagesReadAsJSONDecoderDecodesThem(file: String) throws {
        let body = try fixture(file)
        let decoded = try JSONDecoder().decode(CopilotSeatPage.self, from: Data(body))
        var read: [CopilotSeat] = []
        let total = try CopilotSeatPage.read(body) { read.append($0) }
        #expect(total == decoded.totalSeats)
        #expect(read == decoded.seats)
        #expect(read.count == 2)
    }

    /// Random pages with escapes, non-ASCII text, nulls, absent optional fields and unknown
    /// nested fields: field for field what `JSONDecoder` makes of them.
    @Test func randomSeatPagesMatchJSONDecoder() throws {
        var random = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let body = randomSeatPage(&random)
            let decoded = try JSONDecoder().decode(CopilotSeatPage.self, from: Data(body))
            var read: [CopilotSeat] = []
            let total = try CopilotSeatPage.read(body) { read.append($0) }
            #expect(total == decoded.totalSeats)
            #expect(read == decoded.seats)
        }
    }

    /// The seats collector's rows (read in place) are what it would keep of the decoded seats,
    /// on the documented pages, on random ones, and on edge cases of the fields read in place.
    @Test func seatRowsAreWhatTheCollectorKeepsOfDecodedSeats() throws {
        var pages = try ["orgs-copilot-billing-seats.json", "enterprises-copilot-billing-seats.json"].map(fixture)
        var random = SplitMix64(seed: 11)
        pages += (0..<200).map { _ in randomSeatPage(&random) }
        let edges = [
            #"{"created_at":"2026-01-01T00:00:00\u005A","last_activity_at":"2026-02-03T04:05:06.5+01:30","last_activity_editor":"vs\/code/1"}"#,
            #"{"created_at":"not a time","last_activity_at":"2026-02-30","last_activity_editor":"\/x"}"#,
            #"{"created_at":"2026-01-01","last_activity_at":null,"last_activity_editor":""}"#,
            #"{"created_at":"2026-01-01","last_activity_at":"","last_activity_editor":"\u00e9\ud83d\ude00/1","plan_type":"business"}"#,
            #"{"created_at":null,"created_at":"2026-01-01T00:00:00Z","last_activity_at":"2026-01-01T00:00:00Z","last_activity_at":"x"}"#,
        ]
        pages += edges.map { Array(#"{"total_seats":1,"seats":["#.utf8) + Array($0.utf8) + Array("]}".utf8) }
        // Invalid UTF-8 in the editor, before and after its "/".
        pages.append(
            Array(#"{"total_seats":1,"seats":[{"created_at":"2026-01-01","last_activity_at":"2026-01-02","last_activity_editor":""#.utf8)
                + [0xFF, 0xE2, 0x2F, 0xF0, 0x9F] + Array(#""}]}"#.utf8)
        )
        for body in pages {
            var seats: [CopilotSeat] = []
            var rows: [SeatRow] = []
            let total = try CopilotSeatPage.read(body) { seats.append($0) }
            #expect(try CopilotSeatPage.readRows(body) { rows.append($0) } == total)
            #expect(rows == seats.map(SeatRow.init), "\(String(decoding: body, as: UTF8.self))")
        }
        var editors: [String] = []
        _ = try CopilotSeatPage.readRows(pages[pages.count - 1]) { editors.append($0.editor) }
        #expect(editors == ["\u{FFFD}\u{FFFD}"])
        // Refused alike, at the same place.
        let refused = [
            #"{"created_at":5}"#, #"{"created_at":null}"#, #"{"created_at":"2026-01-01","last_activity_at":1}"#,
            #"{"created_at":"2026-01-01","last_activity_editor":{}}"#, #"{"created_at":"2026-01-01","pending_cancellation_date":true}"#,
            #"{"created_at":"2026-01-01","plan_type":[]}"#, #"{"created_at":"2026-01-01","assignee":{"id":"1"}}"#,
            #"{"created_at":"20\x"}"#, "null", #"{"created_at":"2026-01-01""#,
        ]
        for seat in refused {
            let body = Array(#"{"total_seats":1,"seats":["#.utf8) + Array(seat.utf8) + Array("]}".utf8)
            let expected = try #require(throws: JSONReader.Failure.self) { try CopilotSeatPage.read(body) { _ in } }
            #expect(throws: expected, "\(seat)") { try CopilotSeatPage.readRows(body) { _ in } }
        }
    }

    @Test func usersReportRecordsReadAsJSONDecoderDecodesThem() throws {
        let lines = try fixture("copilot-usage-metrics-users-report-record.ndjson").split(separator: 0x0A)
        #expect(!lines.isEmpty)
        for line in lines {
            let decoded = try JSONDecoder().decode(UserDayRecord.self, from: Data(line))
            let read = try Array(line).withUnsafeBufferPointer(UserDayRecord.read)
            #expect(read == decoded)
            #expect(read.userLogin != nil && read.aiCreditsUsed != nil)
        }
    }

    /// Read numbers beyond Double's range are refused, as Foundation refuses them; skipped ones
    /// are only checked for form.
    @Test func numbersOutOfRangeAreRefusedWhenRead() throws {
        for text in [#"{"ai_credits_used":1e400}"#, #"{"ai_credits_used":-1E666}"#] {
            #expect(throws: JSONReader.Failure.self) { try Array(text.utf8).withUnsafeBufferPointer(UserDayRecord.read) }
        }
        let skipped = try Array(#"{"other":1e400,"ai_credits_used":1e-400}"#.utf8).withUnsafeBufferPointer(UserDayRecord.read)
        #expect(skipped.aiCreditsUsed == 0)
    }

    @Test func escapesDecode() throws {
        let line = Array(#"{"user_login":"a\"b\\c\/d\n\t\u00e9\ud83d\ude00x","day":null,"ai_credits_used":-1.5e2}"#.utf8)
        let record = try line.withUnsafeBufferPointer(UserDayRecord.read)
        #expect(record.userLogin == "a\"b\\c/d\n\té😀x")
        #expect(record.day == nil)
        #expect(record.aiCreditsUsed == -150)
    }

    /// Strings are skimmed eight bytes at a time: an escape, a quote, a control character or a
    /// multi-byte character at every offset of a word reads as Foundation reads it.
    @Test func specialBytesAtEveryOffsetOfAWord() throws {
        for special in [#"\""#, #"\\"#, #"\n"#, #"\u00e9"#, "é", "😀", "\u{7F}", "~", "\u{01}", "\u{1F}"] {
            for offset in 0..<17 {
                let text = "\"" + String(repeating: "a", count: offset) + special + String(repeating: "b", count: 19 - offset) + "\""
                let bytes = Array(text.utf8)
                let expected = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) as? String
                let read = try? bytes.withUnsafeBufferPointer { buffer in try JSONReader.document(buffer) { try $0.readString() } }
                #expect(read == expected, "\(special) at \(offset)")
                if special.unicodeScalars.first!.value < 0x20 { #expect(read == nil) }
            }
        }
    }

    /// Each of these is refused by both readers.
    @Test(arguments: [
        "", "{", "{\"a\":1", "{\"a\" 1}", "[1,2", "[1 2]", "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}",
        "{\"a\":1e}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":\"x}", "{\"a\":\"\u{01}\"}", "{\"a\":\"\\x\"}",
        "{\"a\":\"\\u12G4\"}", "\"\\ud800\"", "\"\\udc00x\"", "\"\\ud800\\u0041\"", "{\"a\":1} x", "{a:1}", "{\"a\":.5}", "{\"a\":+1}",
        String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
    ])
    func malformedDocumentsAreRefused(text: String) {
        let bytes = Array(text.utf8)
        #expect((try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) == nil)
        #expect(throws: JSONReader.Failure.self) {
            try bytes.withUnsafeBufferPointer { buffer in try JSONReader.document(buffer) { try $0.skipValue() } }
        }
    }

    /// Trailing commas: Foundation on Linux accepts them, RFC 8259 does not, nor does the reader.
    @Test(arguments: ["{\"a\":1,}", "{\"a\":[1,]}"])
    func trailingCommasAreRefused(text: String) {
        #expect(throws: JSONReader.Failure.self) {
            try Array(text.utf8).withUnsafeBufferPointer { buffer in try JSONReader.document(buffer) { try $0.skipValue() } }
        }
    }

    /// Random valid documents (as `JSONSerialization` writes them, plus whitespace) are skipped
    /// whole without complaint.
    @Test func randomValidDocumentsAreAccepted() throws {
        var random = SplitMix64(seed: 11)
        for _ in 0..<300 {
            let value = randomJSONValue(&random, depth: 0)
            var bytes = Array(try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]))
            bytes.insert(contentsOf: Array(" \n".utf8), at: 0)
            bytes.append(contentsOf: Array("\r\n\t ".utf8))
            try bytes.withUnsafeBufferPointer { buffer in try JSONReader.document(buffer) { try $0.skipValue() } }
        }
    }

    /// `skipValue` walks containers without `readObject` and `readArray`: it fails exactly as a
    /// walk through them does, at the same offset with the same problem, and accepts the same
    /// documents (random ones cut short or with a byte replaced, and the malformed list above).
    @Test func skippingFailsAsReadingDoes() throws {
        func walk(_ reader: inout JSONReader) throws {
            reader.skipWhitespace()
            switch reader.peek() {
            case UInt8(ascii: "{"): try reader.readObject { _, reader in try walk(&reader) }
            case UInt8(ascii: "["): try reader.readArray { reader in try walk(&reader) }
            default: try reader.skipValue()
            }
        }
        func outcome(_ bytes: [UInt8], _ read: (inout JSONReader) throws -> Void) -> JSONReader.Failure? {
            do {
                try bytes.withUnsafeBufferPointer { buffer in try JSONReader.document(buffer, read) }
                return nil
            } catch let failure as JSONReader.Failure {
                return failure
            } catch {
                Issue.record("\(error)")
                return nil
            }
        }
        var random = SplitMix64(seed: 23)
        var documents: [[UInt8]] = ["{\"a\":[1,{\"b\":{}},[]],\"c\":\"d\"}", "{\"a\" 1}", "[1 2]", "{\"a\":1,}", "{a:1}"].map {
            Array($0.utf8)
        }
        documents.append(Array((String(repeating: "[", count: 600) + String(repeating: "]", count: 600)).utf8))
        for _ in 0..<300 {
            let value = randomJSONValue(&random, depth: 0)
            let bytes = Array(try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]))
            documents.append(bytes)
            documents.append(Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &random))))
            var mutated = bytes
            if !mutated.isEmpty {
                let bytesToTry = Array("{}[],:\"\\ x0-.e".utf8)
                mutated[Int.random(in: 0..<mutated.count, using: &random)] = bytesToTry.randomElement(using: &random)!
            }
            documents.append(mutated)
        }
        var failures = 0
        for document in documents {
            let skipped = outcome(document) { try $0.skipValue() }
            #expect(skipped == outcome(document, walk), "\(String(decoding: document, as: UTF8.self))")
            if skipped != nil { failures += 1 }
        }
        #expect(failures > 100, "the mutations must make many documents fail")
    }

    /// Integers are read without converting text (up to 18 digits; 15 for doubles): the same
    /// values as `Int64(text)` and `Double(text)`, and the same refusals.
    @Test func numbersReadAsTheirTextConverts() throws {
        var random = SplitMix64(seed: 5)
        var texts = ["0", "-0", "7", "-7", "999999999999999", "1000000000000000", "-999999999999999999", "999999999999999999"]
        texts += [
            "9223372036854775807", "-9223372036854775808", "9223372036854775808", "1.5", "-2e3", "1E2", "0.0", "123456789012345678901",
        ]
        for digits in 1...19 {
            for _ in 0..<20 {
                let text = (0..<digits).map { _ in String(Int.random(in: 0...9, using: &random)) }.joined()
                let trimmed = String(text.drop { $0 == "0" })
                let number = trimmed.isEmpty ? "0" : trimmed
                texts += [number, "-" + number]
            }
        }
        for text in texts {
            let bytes = Array(text.utf8)
            let integer = try? bytes.withUnsafeBufferPointer { buffer in try JSONReader.document(buffer) { try $0.readInteger() } }
            #expect(integer == Int64(text), "\(text)")
            let double = try bytes.withUnsafeBufferPointer { buffer in try JSONReader.document(buffer) { try $0.readNumber() } }
            #expect(double?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }

    @Test func aPageMissingRequiredFieldsFailsWithWhere() throws {
        let noCreated = Array(#"{"total_seats":1,"seats":[{"assignee":{"login":"x"}}]}"#.utf8)
        #expect(throws: JSONReader.Failure(offset: 26, problem: "missing created_at at seats.0")) {
            try CopilotSeatPage.read(noCreated) { _ in }
        }
        #expect(throws: JSONReader.Failure(offset: 0, problem: "missing total_seats")) {
            try CopilotSeatPage.read(Array(#"{"seats":[]}"#.utf8)) { _ in }
        }
        #expect(throws: JSONReader.Failure.self) {
            try CopilotSeatPage.read(Array(#"{"total_seats":"1","seats":[]}"#.utf8)) { _ in }
        }
        let error = try #require(throws: GitHubAPIError.self) {
            try GitHubClient.reading("GET /x") { try CopilotSeatPage.read(Array(#"{"total_seats":1,"seats":[{"#.utf8)) { _ in } }
        }
        #expect(error.description.contains("GET /x was not the JSON expected (unexpected end of input at byte 27)"))
    }
}

private func randomText(_ random: inout SplitMix64) -> String {
    let pieces = ["a", "Z", "0", "-", " ", "\"", "\\", "/", "\n", "\t", "\u{01}", "é", "😀", "日本", "\u{7F}", "dev-000123"]
    return (0..<Int.random(in: 0...8, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
}

private func randomJSONValue(_ random: inout SplitMix64, depth: Int) -> Any {
    switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &random) {
    case 0: return NSNull()
    case 1: return Bool.random(using: &random)
    case 2: return Int.random(in: -1_000_000...1_000_000, using: &random)
    case 3: return Double.random(in: -1e6...1e6, using: &random)
    case 4: return randomText(&random)
    case 5:
        return (0..<Int.random(in: 0...4, using: &random)).map { _ in randomJSONValue(&random, depth: depth + 1) }
    default:
        var object: [String: Any] = [:]
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            object[randomText(&random)] = randomJSONValue(&random, depth: depth + 1)
        }
        return object
    }
}

private func randomSeatPage(_ random: inout SplitMix64) -> [UInt8] {
    func maybe(_ value: Any) -> Any { Bool.random(using: &random) ? value : NSNull() }
    var seats: [[String: Any]] = []
    for _ in 0..<Int.random(in: 0...6, using: &random) {
        var seat: [String: Any] = ["created_at": "2026-0\(Int.random(in: 1...9, using: &random))-01T00:00:00Z"]
        if Bool.random(using: &random) { seat["last_activity_at"] = maybe("2026-11-2\(Int.random(in: 0...9, using: &random))T10:00:00Z") }
        if Bool.random(using: &random) { seat["last_activity_editor"] = maybe(randomText(&random)) }
        if Bool.random(using: &random) { seat["pending_cancellation_date"] = maybe("2026-12-01") }
        if Bool.random(using: &random) { seat["plan_type"] = maybe(randomText(&random)) }
        if Bool.random(using: &random) {
            var assignee: [String: Any] = ["login": maybe(randomText(&random)), "extra": randomJSONValue(&random, depth: 1)]
            if Bool.random(using: &random) { assignee["id"] = maybe(Int.random(in: 1...1_000_000_000, using: &random)) }
            seat["assignee"] = maybe(assignee)
        }
        if Bool.random(using: &random) { seat["organization"] = ["login": randomText(&random), "url": "https://x/y"] }
        seat["unknown_\(Int.random(in: 0...9, using: &random))"] = randomJSONValue(&random, depth: 0)
        seats.append(seat)
    }
    let page: [String: Any] = ["total_seats": Int.random(in: 0...100_000, using: &random), "seats": seats]
    return Array(try! JSONSerialization.data(withJSONObject: page))
}
