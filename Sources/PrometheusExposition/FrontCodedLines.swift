/// Sorted exposition lines stored front-coded: each line keeps only the bytes that differ from
/// the line before it, behind the length of the prefix they share.
///
/// Sorted sample lines share most of their bytes (`name{org="acme",user="dev-0001` and the
/// next user), so a family of 100,000 per-user samples of about 90 bytes a line takes about a
/// quarter of its text size, and decoding is two `memcpy`s a line: cheap enough to do per
/// scrape instead of holding the plain body.
///
/// Layout of `storage`: per line, a LEB128 shared-prefix length, a LEB128 suffix length, then
/// the suffix bytes. Every line ends with `\n`.
public struct FrontCodedLines: Sendable {
    public private(set) var storage: [UInt8]
    /// Number of lines.
    public private(set) var count: Int
    /// Bytes of the decoded lines.
    public private(set) var decodedByteCount: Int
    /// Lines whose value is an integer without `.` or exponent (OpenMetrics adds `.0` to them).
    public private(set) var integerValueCount: Int
    /// The longest line, so decoding needs one buffer of this size.
    public private(set) var maxLineLength: Int

    /// Appends lines one at a time; `finish` gives the compact result.
    public struct Builder {
        private var lines = FrontCodedLines(storage: [], count: 0, decodedByteCount: 0, integerValueCount: 0, maxLineLength: 0)
        private var previous: [UInt8] = []

        public init() {}

        /// Appends one line, which must end with `\n` and follow the previous line in order.
        public mutating func append(_ line: UnsafeBufferPointer<UInt8>) {
            var shared = 0
            let limit = min(previous.count, line.count - 1)
            previous.withUnsafeBufferPointer { last in
                while shared < limit && last[shared] == line[shared] { shared += 1 }
            }
            Self.appendVarint(shared, to: &lines.storage)
            Self.appendVarint(line.count - shared, to: &lines.storage)
            lines.storage.append(contentsOf: UnsafeBufferPointer(rebasing: line[shared...]))
            lines.count += 1
            lines.decodedByteCount += line.count
            lines.maxLineLength = max(lines.maxLineLength, line.count)
            if Self.hasIntegerValue(line) { lines.integerValueCount += 1 }
            previous.removeAll(keepingCapacity: true)
            previous.append(contentsOf: line)
        }

        /// The lines, in storage of exactly their size.
        public func finish() -> FrontCodedLines {
            var result = lines
            result.storage = Array(unsafeUninitializedCapacity: lines.storage.count) { buffer, initialized in
                _ = buffer.initialize(from: lines.storage)
                initialized = lines.storage.count
            }
            return result
        }

        static func appendVarint(_ value: Int, to storage: inout [UInt8]) {
            var value = UInt(value)
            while value >= 0x80 {
                storage.append(UInt8(truncatingIfNeeded: value) | 0x80)
                value >>= 7
            }
            storage.append(UInt8(value))
        }

        /// True when the value (the last space-separated token, before `\n`) has no `.`, `e`,
        /// `NaN` or `Inf`: the values OpenMetrics writes with `.0` appended.
        static func hasIntegerValue(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
            var index = line.count - 2
            while index >= 0 && line[index] != 0x20 {
                switch line[index] {
                case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "N"), UInt8(ascii: "I"): return false
                default: index -= 1
                }
            }
            return true
        }
    }

    /// Calls `line` with every line in order (each ending in `\n`), decoded into one reused buffer.
    public func forEachLine(_ line: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        guard count > 0 else { return }
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: maxLineLength)
        defer { buffer.deallocate() }
        try storage.withUnsafeBufferPointer { bytes in
            var position = 0
            func varint() -> Int {
                var value = 0
                var shift = 0
                while true {
                    let byte = bytes[position]
                    position += 1
                    value |= Int(byte & 0x7F) << shift
                    if byte < 0x80 { return value }
                    shift += 7
                }
            }
            for _ in 0..<count {
                let shared = varint()
                let suffix = varint()
                (buffer + shared).update(from: bytes.baseAddress! + position, count: suffix)
                position += suffix
                try line(UnsafeBufferPointer(start: buffer, count: shared + suffix))
            }
        }
    }
}
