import Testing

@testable import CopilotExporter

/// `CSVReader`, which takes runs of plain bytes whole, against the byte-by-byte reader it
/// replaced: the same records and the same failure for random input, chunking and bounds.
@Suite struct CSVReaderDifferentialTests {
    @Test func agreesWithTheByteByByteReader() {
        var generator = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = [
            Array("a".utf8), Array("bc".utf8), Array(",".utf8), Array("\"".utf8), Array("\"\"".utf8), Array("\n".utf8),
            Array("\r\n".utf8), Array("\r".utf8), Array("é".utf8), [0xEF, 0xBB, 0xBF], [0xEF, 0xBB], Array("long-field-text".utf8),
        ]
        var records = 0
        var failures = 0
        for _ in 0..<5_000 {
            var input: [UInt8] = []
            for _ in 0..<Int.random(in: 0...40, using: &generator) { input += pieces.randomElement(using: &generator)! }
            let limit = [8, 16, 64, 64 << 10].randomElement(using: &generator)!
            let maxRecords = [2, 5, 5_000_000].randomElement(using: &generator)!
            let size = Int.random(in: 1...max(1, input.count), using: &generator)
            var reader = CSVReader(maxRecordBytes: limit, maxRecords: maxRecords)
            var oracle = ReferenceCSVReader(maxRecordBytes: limit, maxRecords: maxRecords)
            var got: [[String]] = []
            var want: [[String]] = []
            for start in stride(from: 0, to: input.count, by: size) {
                let chunk = Array(input[start..<min(input.count, start + size)])
                reader.feed(chunk) { got.append($0) }
                oracle.feed(chunk) { want.append($0) }
            }
            reader.finish { got.append($0) }
            oracle.finish { want.append($0) }
            #expect(got == want, "\(input)")
            #expect(reader.failure == oracle.failure, "\(input)")
            records += want.count
            if oracle.failure != nil { failures += 1 }
        }
        #expect(records > 5_000, "the inputs made records")
        #expect(failures > 500, "and broke the bounds")
    }
}

/// The reader as it was before runs were taken whole (2195db1), kept as the oracle.
struct ReferenceCSVReader {
    /// Why the input was not read to its end.
    typealias Failure = CSVReader.Failure
    let maxRecordBytes: Int
    let maxRecords: Int
    let maxBytes: Int
    private(set) var failure: Failure?
    /// Records read so far (the header included).
    private(set) var records = 0
    private var bytes = 0
    private var fields: [String] = []
    private var field: [UInt8] = []
    private var recordBytes = 0
    private var inQuotes = false
    /// The previous byte was a quote inside a quoted field: either an escaped quote or the end.
    private var quotePending = false
    /// Bytes of a leading byte-order mark matched so far; nil once past the stream's start.
    private var bomMatched: Int? = 0
    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    /// No byte of the current field read yet: only there does a quote open a quoted field.
    private var fieldFresh = true
    private var recordStarted = false

    init(maxRecordBytes: Int = 64 << 10, maxRecords: Int = 5_000_000, maxBytes: Int = 1 << 30) {
        self.maxRecordBytes = maxRecordBytes
        self.maxRecords = maxRecords
        self.maxBytes = maxBytes
    }

    /// Reads `chunk`, calling `record` with the fields of every record it completes.
    mutating func feed(_ chunk: [UInt8], _ record: ([String]) -> Void) {
        guard failure == nil else { return }
        bytes += chunk.count
        if bytes > maxBytes {
            failure = .tooLarge(limit: maxBytes)
            return
        }
        for byte in chunk {
            guard failure == nil else { return }
            if let matched = bomMatched {
                if byte == Self.bom[matched] {
                    bomMatched = matched + 1 == Self.bom.count ? nil : matched + 1
                    continue
                }
                bomMatched = nil
                for earlier in Self.bom[..<matched] { step(earlier, record) }
            }
            step(byte, record)
        }
    }

    /// Ends the stream: completes a last record without a line break.
    mutating func finish(_ record: ([String]) -> Void) {
        guard failure == nil else { return }
        if let matched = bomMatched {
            bomMatched = nil
            for earlier in Self.bom[..<matched] { step(earlier, record) }
        }
        if inQuotes && !quotePending {
            failure = .unterminatedQuote(record: records + 1)
            return
        }
        if recordStarted { endRecord(record) }
    }

    private mutating func step(_ byte: UInt8, _ record: ([String]) -> Void) {
        recordBytes += 1
        if recordBytes > maxRecordBytes {
            failure = .recordTooLong(record: records + 1, limit: maxRecordBytes)
            return
        }
        if inQuotes {
            if quotePending {
                quotePending = false
                if byte == 0x22 {
                    field.append(0x22)
                    return
                }
                inQuotes = false  // the quote closed the field; this byte follows it
            } else if byte == 0x22 {
                quotePending = true
                return
            } else {
                field.append(byte)
                return
            }
        }
        switch byte {
        case 0x22 where fieldFresh:
            inQuotes = true
            fieldFresh = false
            recordStarted = true
        case 0x2C:
            endField()
            fieldFresh = true
            recordStarted = true
        case 0x0A:
            if recordStarted { endRecord(record) } else { recordBytes = 0 }
        case 0x0D:
            break  // CRLF: the LF ends the record; a lone CR is dropped
        default:
            field.append(byte)
            fieldFresh = false
            recordStarted = true
        }
    }

    private mutating func endField() {
        fields.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
    }

    private mutating func endRecord(_ record: ([String]) -> Void) {
        endField()
        records += 1
        if records > maxRecords {
            failure = .tooManyRecords(limit: maxRecords)
            return
        }
        record(fields)
        fields.removeAll(keepingCapacity: true)
        recordBytes = 0
        fieldFresh = true
        recordStarted = false
    }
}
