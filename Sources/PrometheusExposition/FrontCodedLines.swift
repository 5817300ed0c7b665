/// Sorted exposition lines stored front-coded: each line keeps only the bytes that differ from
/// the line before it, behind the length of the prefix they share.
///
/// Sorted sample lines share most of their bytes (`name{org="acme",user="dev-0001` and the
/// next user), so a family of 100,000 per-user samples of about 90 bytes a line takes about a
/// quarter of its text size, and decoding is two `memcpy`s a line: cheap enough to do per
/// scrape instead of holding the plain body.
///
/// The value at the end of a line (`1.791900962e+09`, `54.5`) is stored as half-bytes when it
/// is made of digits and `.e+-` only and lies wholly past the shared prefix: values are about
/// half of what front coding leaves of a per-user line: a 100,000-seat exposition (830,000
/// lines) takes about 9.3 MB instead of 13.1 MB (`bench/README.md`, seventh pass).
///
/// Layout of `storage`: per line, a LEB128 shared-prefix length, then a LEB128 of the stored
/// text's length times two, plus one when a packed value follows; the text; then, when packed,
/// the value's characters two to a byte (high half first: `0`-`9`, then `.` `e` `+` `-` as 10
/// to 13) ended by the half-byte 15, after which the line's `\n` is implied. Unpacked text runs
/// to the end of the line, `\n` included. Every line ends with `\n`.
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
            let valueStart = Self.packableValue(line, after: shared)
            if let valueStart {
                Self.appendVarint((valueStart - shared) << 1 | 1, to: &lines.storage)
                lines.storage.append(contentsOf: UnsafeBufferPointer(rebasing: line[shared..<valueStart]))
                Self.appendPacked(UnsafeBufferPointer(rebasing: line[valueStart..<(line.count - 1)]), to: &lines.storage)
            } else {
                Self.appendVarint((line.count - shared) << 1, to: &lines.storage)
                lines.storage.append(contentsOf: UnsafeBufferPointer(rebasing: line[shared...]))
            }
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

        /// Where the line's value starts, when it can be packed: a line ending in `\n` whose
        /// last space-separated token is non-empty, lies at or past `shared`, and has only
        /// characters `nibble` knows.
        static func packableValue(_ line: UnsafeBufferPointer<UInt8>, after shared: Int) -> Int? {
            let end = line.count - 1
            guard end >= 0, line[end] == UInt8(ascii: "\n") else { return nil }
            var start = end
            while start > 0 && line[start - 1] != 0x20 {
                guard nibble(line[start - 1]) != nil else { return nil }
                start -= 1
            }
            return start < end && start >= shared ? start : nil
        }

        /// The half-byte of a value character; nil for any other byte.
        @inline(__always)
        static func nibble(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte &- UInt8(ascii: "0")
            case UInt8(ascii: "."): return 10
            case UInt8(ascii: "e"): return 11
            case UInt8(ascii: "+"): return 12
            case UInt8(ascii: "-"): return 13
            default: return nil
            }
        }

        /// `value`'s characters two to a byte, then the end mark 15.
        static func appendPacked(_ value: UnsafeBufferPointer<UInt8>, to storage: inout [UInt8]) {
            var index = 0
            while index + 1 < value.count {
                storage.append(nibble(value[index])! << 4 | nibble(value[index + 1])!)
                index += 2
            }
            storage.append(index < value.count ? nibble(value[index])! << 4 | 0x0F : 0xFF)
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
            // Value characters by half-byte (14 and 15 never occur before the end mark).
            let characters: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (
                48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 46, 101, 43, 45
            )
            func character(_ half: UInt8) -> UInt8 {
                withUnsafeBytes(of: characters) { $0[Int(half)] }
            }
            for _ in 0..<count {
                let shared = varint()
                let tagged = varint()
                let text = tagged >> 1
                (buffer + shared).update(from: bytes.baseAddress! + position, count: text)
                position += text
                var length = shared + text
                if tagged & 1 != 0 {
                    while true {
                        let byte = bytes[position]
                        position += 1
                        if byte >> 4 == 0x0F { break }
                        buffer[length] = character(byte >> 4)
                        length += 1
                        if byte & 0x0F == 0x0F { break }
                        buffer[length] = character(byte & 0x0F)
                        length += 1
                    }
                    buffer[length] = UInt8(ascii: "\n")
                    length += 1
                }
                try line(UnsafeBufferPointer(start: buffer, count: length))
            }
        }
    }
}
