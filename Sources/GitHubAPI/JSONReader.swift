/// A forward-only JSON reader over UTF-8 bytes, for the two large inputs: seat pages (about
/// 1.9 KB a seat of which the exporter needs six fields) and usage-report lines.
///
/// `JSONDecoder` builds a map of the whole document and then decodes through `Codable`; this
/// reader walks the bytes once, reads the fields asked for and skips the rest without building
/// anything, while still rejecting what is not JSON (RFC 8259): unterminated strings, control
/// characters in strings, bad escapes, malformed numbers and literals, missing separators,
/// trailing bytes, unpaired UTF-16 surrogates in `\\u` escapes and nesting deeper than 512. Numbers are range-checked when read (beyond
/// Double's range is refused, as Foundation does), not when skipped. Invalid UTF-8 inside a string is repaired (U+FFFD)
/// rather than rejected, as `String(decoding:)` does.
///
/// Use it inside `withUnsafeBufferPointer`: each read consumes exactly one value.
public struct JSONReader {
    /// Why the input is not what was expected, and where (a byte offset).
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var offset: Int
        public var problem: String

        public init(offset: Int, problem: String) {
            self.offset = offset
            self.problem = problem
        }

        public var description: String { "\(problem) at byte \(offset)" }
    }

    /// An object key, still as bytes: compared with a literal without building a String.
    public struct Key {
        @usableFromInline let bytes: UnsafeBufferPointer<UInt8>
        /// The decoded key, only for keys that contain escapes (GitHub never sends those).
        @usableFromInline let unescaped: String?

        @usableFromInline init(bytes: UnsafeBufferPointer<UInt8>, unescaped: String?) {
            self.bytes = bytes
            self.unescaped = unescaped
        }

        /// Inlined into the readers, where the literal's length is a constant: most keys are
        /// told apart by their length alone.
        @inlinable @inline(__always)
        public static func == (key: Key, literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            if let unescaped = key.unescaped { return unescaped == literal.description }
            guard key.bytes.count == count else { return false }
            guard let bytes = key.bytes.baseAddress else { return count == 0 }
            let pointer = literal.utf8Start
            var index = 0
            while index < count {
                if bytes[index] != pointer[index] { return false }
                index += 1
            }
            return true
        }

        /// True when the key starts with `literal`.
        public func hasPrefix(_ literal: StaticString) -> Bool {
            if let unescaped { return unescaped.hasPrefix(literal.description) }
            let count = literal.utf8CodeUnitCount
            guard bytes.count >= count else { return false }
            let pointer = literal.utf8Start
            for index in 0..<count where bytes[index] != pointer[index] { return false }
            return true
        }
    }

    static let maxDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    public private(set) var position: Int
    private var depth = 0

    public init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.position = 0
    }

    // MARK: Whole documents

    /// Runs `read` on the document, then requires that only whitespace follows.
    public static func document<T>(_ bytes: UnsafeBufferPointer<UInt8>, _ read: (inout JSONReader) throws -> T) throws -> T {
        var reader = JSONReader(bytes)
        let value = try read(&reader)
        reader.skipWhitespace()
        guard reader.position == bytes.count else { throw reader.failure("unexpected bytes after the JSON value") }
        return value
    }

    // MARK: Reading values

    /// True when the next value is `null` (which is then consumed).
    public mutating func readNull() throws -> Bool {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    /// Calls `field` for every key of an object; `field` must consume the value (read it or
    /// call `skipValue`). Returns false for `null`.
    @discardableResult
    public mutating func readObject(_ field: (Key, inout JSONReader) throws -> Void) throws -> Bool {
        if try readNull() { return false }
        try expect(UInt8(ascii: "{"), "expected an object")
        try enter()
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return true
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw failure("expected a key") }
            let key = try readKey()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "expected ':'")
            try field(key, &self)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                depth -= 1
                return true
            default: throw failure("expected ',' or '}'")
            }
        }
    }

    /// Calls `element` for every element of an array; `element` must consume it. Returns false
    /// for `null`.
    @discardableResult
    public mutating func readArray(_ element: (inout JSONReader) throws -> Void) throws -> Bool {
        if try readNull() { return false }
        try expect(UInt8(ascii: "["), "expected an array")
        try enter()
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return true
        }
        while true {
            try element(&self)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                depth -= 1
                return true
            default: throw failure("expected ',' or ']'")
            }
        }
    }

    /// A string value; nil for `null`; any other type is a failure.
    public mutating func readString() throws -> String? {
        if try readNull() { return nil }
        guard peek() == UInt8(ascii: "\"") else { throw failure("expected a string") }
        let (range, escaped) = try scanString()
        let raw = UnsafeBufferPointer(rebasing: bytes[range])
        return escaped ? unescape(raw) : String(decoding: raw, as: UTF8.self)
    }

    /// A string value's UTF-8 bytes handed to `use` in place, without building a String (which
    /// allocates past 15 bytes); nil for `null`; any other type is a failure. A string with
    /// escapes is decoded first, so `use` sees what `readString` would return.
    public mutating func readStringBytes<T>(_ use: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T? {
        if try readNull() { return nil }
        guard peek() == UInt8(ascii: "\"") else { throw failure("expected a string") }
        let (range, escaped) = try scanString()
        let raw = UnsafeBufferPointer(rebasing: bytes[range])
        guard escaped else { return try use(raw) }
        var decoded = unescape(raw)
        return try decoded.withUTF8(use)
    }

    /// A number value; nil for `null`; any other type is a failure.
    public mutating func readNumber() throws -> Double? {
        if try readNull() { return nil }
        let start = position
        try scanNumber()
        // Most numbers are small integers: exact as a double, with no text to convert.
        if let integer = smallInteger(start..<position, maxDigits: 15) {
            return integer == 0 && bytes[start] == UInt8(ascii: "-") ? -0.0 : Double(integer)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw Failure(offset: start, problem: "number out of range") }
        return value
    }

    /// The integer a scanned number spells when it has no fraction or exponent and at most
    /// `maxDigits` digits (so it cannot overflow); nil otherwise.
    private func smallInteger(_ range: Range<Int>, maxDigits: Int) -> Int64? {
        var index = range.lowerBound
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard range.upperBound - index <= maxDigits else { return nil }
        var value: Int64 = 0
        while index < range.upperBound {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int64(digit)
            index += 1
        }
        return negative ? -value : value
    }

    /// An integer value (no fraction or exponent, within Int64); nil for `null`.
    public mutating func readInteger() throws -> Int64? {
        if try readNull() { return nil }
        let start = position
        try scanNumber()
        if let value = smallInteger(start..<position, maxDigits: 18) { return value }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Int64(text) else { throw Failure(offset: start, problem: "expected an integer") }
        return value
    }

    /// A boolean value; nil for `null`; any other type is a failure.
    public mutating func readBool() throws -> Bool? {
        if try readNull() { return nil }
        switch peek() {
        case UInt8(ascii: "t"):
            try literal("true")
            return true
        case UInt8(ascii: "f"):
            try literal("false")
            return false
        default: throw failure("expected a boolean")
        }
    }

    /// Consumes one value of any type, checking that it is well formed.
    public mutating func skipValue() throws {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "\""): _ = try scanString()
        case UInt8(ascii: "{"): try skipObject()
        case UInt8(ascii: "["): try readArray { reader in try reader.skipValue() }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case nil: throw failure("unexpected end of input")
        default: try scanNumber()
        }
    }

    /// `readObject` with every value skipped, without building keys or calling a closure per
    /// field (at the `{`): the same checks and failures, kept apart from `readObject` because
    /// most skipped bytes are objects' fields (an array's elements go through `readArray`).
    private mutating func skipObject() throws {
        position += 1
        try enter()
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw failure("expected a key") }
            _ = try scanString()
            try expect(UInt8(ascii: ":"), "expected ':'")
            try skipValue()
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                depth -= 1
                return
            default: throw failure("expected ',' or '}'")
            }
        }
    }

    // MARK: Scanning

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    public func failure(_ problem: String) -> Failure {
        Failure(offset: position, problem: position < bytes.count ? problem : "unexpected end of input")
    }

    private mutating func expect(_ byte: UInt8, _ problem: String) throws {
        skipWhitespace()
        guard peek() == byte else { throw failure(problem) }
        position += 1
    }

    private mutating func enter() throws {
        depth += 1
        guard depth <= Self.maxDepth else { throw failure("nesting deeper than \(Self.maxDepth)") }
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw Failure(offset: bytes.count, problem: "unexpected end of input") }
        for index in 0..<count where bytes[position + index] != word.utf8Start[index] {
            throw failure("invalid literal")
        }
        position += count
    }

    private mutating func readKey() throws -> Key {
        let (range, escaped) = try scanString()
        let raw = UnsafeBufferPointer(rebasing: bytes[range])
        return Key(bytes: raw, unescaped: escaped ? unescape(raw) : nil)
    }

    /// Consumes a string (at its opening quote); returns the range between the quotes and
    /// whether it holds escapes.
    private mutating func scanString() throws -> (Range<Int>, Bool) {
        position += 1
        let start = position
        var escaped = false
        while position < bytes.count {
            position = skipPlainBytes(from: position)
            guard position < bytes.count else { break }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return (start..<position - 1, escaped)
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                position += 1
                guard position < bytes.count else { break }
                switch bytes[position] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 1
                case UInt8(ascii: "u"):
                    let unit = try scanUnicodeEscape()
                    if (0xDC00...0xDFFF).contains(unit) { throw failure("lone low surrogate") }
                    if (0xD800...0xDBFF).contains(unit) {
                        // A high surrogate must be followed by an escaped low one (as Foundation requires).
                        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                            bytes[position + 1] == UInt8(ascii: "u")
                        else { throw failure("lone high surrogate") }
                        position += 1
                        guard (0xDC00...0xDFFF).contains(try scanUnicodeEscape()) else { throw failure("lone high surrogate") }
                    }
                default: throw failure("invalid escape")
                }
                continue
            }
            if byte < 0x20 { throw failure("control character in a string") }
            position += 1
        }
        throw Failure(offset: bytes.count, problem: "unexpected end of input")
    }

    /// The index of the first `"`, `\\` or control character at or after `index`, found eight
    /// bytes at a time (most of a seat page is URLs: this was the reader's hottest loop); in the
    /// last seven bytes it stops at once and the caller goes on byte by byte.
    @inline(__always)
    private func skipPlainBytes(from index: Int) -> Int {
        guard let base = bytes.baseAddress else { return index }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var index = index
        while index &+ 8 <= bytes.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            // A byte is zero (after the XOR), or below 0x20: the borrow trick sets its high bit.
            let found =
                ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
            // Borrows only run upwards, so the lowest flagged byte is a real one: stop on it.
            if found & highs != 0 { return index &+ (found & highs).trailingZeroBitCount >> 3 }
            index &+= 8
        }
        return index
    }

    /// Consumes a `u` and its four hex digits (at the `u`) and returns the code unit.
    private mutating func scanUnicodeEscape() throws -> UInt16 {
        guard position + 4 < bytes.count else { throw Failure(offset: bytes.count, problem: "unexpected end of input") }
        var unit: UInt16 = 0
        for offset in 1...4 {
            guard let digit = Self.hexValue(bytes[position + offset]) else {
                position += offset
                throw failure("invalid \\u escape")
            }
            unit = unit << 4 | digit
        }
        position += 5
        return unit
    }

    /// Consumes a number, checking RFC 8259's grammar.
    private mutating func scanNumber() throws {
        func digits() -> Int {
            let start = position
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
                position += 1
            }
            return position - start
        }
        skipWhitespace()
        let start = position
        if peek() == UInt8(ascii: "-") { position += 1 }
        let integer = position
        let count = digits()
        guard count > 0 else {
            position = start
            throw failure(start == bytes.count ? "unexpected end of input" : "expected a value")
        }
        if count > 1, bytes[integer] == UInt8(ascii: "0") { throw Failure(offset: integer, problem: "leading zero in a number") }
        if peek() == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw failure("expected digits after '.'") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw failure("expected digits in an exponent") }
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt16? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt16(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt16(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt16(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// Decodes a string body that has escapes, already checked by `scanString`: every escape is
    /// complete and every high surrogate is followed by an escaped low one.
    private func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(raw.count)
        var index = 0
        func hex4(_ at: Int) -> UInt32 {
            (0..<4).reduce(0) { $0 << 4 | UInt32(Self.hexValue(raw[at + $1])!) }
        }
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                index += 1
                continue
            }
            let kind = raw[index + 1]
            index += 2
            switch kind {
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                var value = hex4(index)
                index += 4
                if (0xD800...0xDBFF).contains(value) {  // then `\uDC00-DFFF` follows
                    value = 0x10000 + ((value - 0xD800) << 10) + (hex4(index + 2) - 0xDC00)
                    index += 6
                }
                utf8.append(contentsOf: String(Unicode.Scalar(value)!).utf8)
            default: utf8.append(kind)  // \" \\ \/
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }
}
