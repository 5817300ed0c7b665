/// Reads RFC 4180 CSV from a byte stream as chunks arrive: fields separated by commas,
/// records by CRLF or LF, a field in double quotes may hold commas, line breaks and `""` for
/// one quote. A UTF-8 byte-order mark before the first field is dropped; empty lines are
/// skipped.
///
/// Bounded: memory holds one record at most (`maxRecordBytes`); past `maxRecords` records or
/// `maxBytes` bytes the reader stops with an error, because a billing report read in part would
/// misstate money. After an error it ignores the rest of the stream.
public struct CSVReader: Sendable {
    /// Why the input was not read to its end.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case recordTooLong(record: Int, limit: Int)
        case tooManyRecords(limit: Int)
        case tooLarge(limit: Int)
        case unterminatedQuote(record: Int)

        public var description: String {
            switch self {
            case .recordTooLong(let record, let limit): "record \(record) is longer than \(limit) bytes"
            case .tooManyRecords(let limit): "it has more than \(limit) records"
            case .tooLarge(let limit): "it is larger than \(limit) bytes"
            case .unterminatedQuote(let record): "record \(record) opens a quoted field that never closes"
            }
        }
    }

    public let maxRecordBytes: Int
    public let maxRecords: Int
    public let maxBytes: Int
    public private(set) var failure: Failure?
    /// Records read so far (the header included).
    public private(set) var records = 0
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

    public init(maxRecordBytes: Int = 64 << 10, maxRecords: Int = 5_000_000, maxBytes: Int = 1 << 30) {
        self.maxRecordBytes = maxRecordBytes
        self.maxRecords = maxRecords
        self.maxBytes = maxBytes
    }

    /// Reads `chunk`, calling `record` with the fields of every record it completes.
    public mutating func feed(_ chunk: [UInt8], _ record: ([String]) -> Void) {
        chunk.withUnsafeBufferPointer { feed($0, record) }
    }

    /// `feed` of bytes read in place (a transport's receive buffer).
    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ record: ([String]) -> Void) {
        guard failure == nil else { return }
        bytes += chunk.count
        if bytes > maxBytes {
            failure = .tooLarge(limit: maxBytes)
            return
        }
        var index = 0
        while index < chunk.count, failure == nil {
            let byte = chunk[index]
            if let matched = bomMatched {
                index += 1
                if byte == Self.bom[matched] {
                    bomMatched = matched + 1 == Self.bom.count ? nil : matched + 1
                    continue
                }
                bomMatched = nil
                for earlier in Self.bom[..<matched] { step(earlier, record) }
                step(byte, record)
                continue
            }
            // A run of bytes that only extend the field is taken whole: what `step` does
            // byte by byte to them (count, bound, append) done once.
            let end = plainRun(chunk, from: index)
            if end > index {
                recordBytes += end - index
                if recordBytes > maxRecordBytes {
                    failure = .recordTooLong(record: records + 1, limit: maxRecordBytes)
                    return
                }
                field.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[index..<end]))
                if !inQuotes {
                    fieldFresh = false
                    recordStarted = true
                }
                index = end
                continue
            }
            step(byte, record)
            index += 1
        }
    }

    /// The end of the run from `index` of bytes `step` would only append to the field: inside
    /// quotes (no quote pending) anything but a quote; outside, anything but a comma, a quote,
    /// CR or LF.
    private func plainRun(_ chunk: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        var end = index
        if inQuotes {
            guard !quotePending else { return index }
            while end < chunk.count, chunk[end] != 0x22 { end += 1 }
        } else {
            while end < chunk.count {
                let byte = chunk[end]
                if byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D { break }
                end += 1
            }
        }
        return end
    }

    /// Ends the stream: completes a last record without a line break.
    public mutating func finish(_ record: ([String]) -> Void) {
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
