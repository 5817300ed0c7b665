import Testing

@testable import CopilotExporter

@Suite struct CSVReaderTests {
    /// Reads `text` in chunks of `size` bytes (0: whole).
    func read(_ text: String, chunk size: Int = 0, reader: CSVReader = CSVReader()) -> (records: [[String]], failure: CSVReader.Failure?) {
        var reader = reader
        var out: [[String]] = []
        let bytes = Array(text.utf8)
        let step = size == 0 ? max(1, bytes.count) : size
        for start in stride(from: 0, to: bytes.count, by: step) {
            reader.feed(Array(bytes[start..<min(bytes.count, start + step)])) { out.append($0) }
        }
        reader.finish { out.append($0) }
        return (out, reader.failure)
    }

    static let quoted =
        "\u{FEFF}name,note,count\r\n" + "\"Smith, Jane\",\"said \"\"hi\"\"\",3\r\n" + "bob,\"two\nlines\",\r\n" + "\r\n"
        + ",\"\",\"a\"\"\"\n" + "last,row,9"

    static let expected = [
        ["name", "note", "count"], ["Smith, Jane", "said \"hi\"", "3"], ["bob", "two\nlines", ""], ["", "", "a\""],
        ["last", "row", "9"],
    ]

    @Test(arguments: [0, 1, 2, 3, 7])
    func quotedFieldsHoldCommasQuotesAndLineBreaksWhateverTheChunking(_ chunk: Int) {
        let (records, failure) = read(Self.quoted, chunk: chunk)
        #expect(failure == nil)
        #expect(records == Self.expected)
    }

    @Test func aRecordLongerThanTheBoundStopsTheReader() {
        let long = "a,b\n" + String(repeating: "x", count: 100) + ",y\nc,d\n"
        let (records, failure) = read(long, chunk: 16, reader: CSVReader(maxRecordBytes: 64))
        #expect(records == [["a", "b"]])
        #expect(failure == .recordTooLong(record: 2, limit: 64))
    }

    @Test func aQuotedFieldCannotHideAnOverlongRecord() {
        let (_, failure) = read("\"" + String(repeating: "z\n", count: 100), chunk: 10, reader: CSVReader(maxRecordBytes: 50))
        #expect(failure == .recordTooLong(record: 1, limit: 50))
    }

    @Test func tooManyRecordsOrBytesStopTheReader() {
        let rows = String(repeating: "1,2\n", count: 10)
        #expect(read(rows, reader: CSVReader(maxRecords: 4)).failure == .tooManyRecords(limit: 4))
        #expect(read(rows, reader: CSVReader(maxRecords: 4)).records.count == 4)
        #expect(read(rows, chunk: 8, reader: CSVReader(maxBytes: 20)).failure == .tooLarge(limit: 20))
        #expect(read(rows, chunk: 8, reader: CSVReader(maxBytes: 40)).failure == nil)
    }

    @Test func anUnterminatedQuoteIsAnError() {
        let (records, failure) = read("a,b\n\"open,c\n")
        #expect(records == [["a", "b"]])
        #expect(failure == .unterminatedQuote(record: 2))
    }
}
