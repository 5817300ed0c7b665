/// Parses HTTP/1.x requests from the bytes received so far: pure, so it is fuzzed and tested
/// on its own.
public struct HTTPRequestParser: Sendable {
    /// Size limits; anything beyond them is refused with the matching status.
    public struct Limits: Sendable, Hashable {
        /// Request line and headers together (431 beyond, 414 if the request line alone is).
        public var maxHeaderBytes: Int
        public var maxHeaderCount: Int
        /// Request body (413 beyond). 0, the default, refuses every request with a body,
        /// `Transfer-Encoding` included, as soon as its headers are complete: no endpoint of the
        /// exporter takes one, so none is read (or held) before authentication.
        public var maxBodyBytes: Int

        public init(maxHeaderBytes: Int = 16 * 1024, maxHeaderCount: Int = 100, maxBodyBytes: Int = 0) {
            self.maxHeaderBytes = maxHeaderBytes
            self.maxHeaderCount = maxHeaderCount
            self.maxBodyBytes = maxBodyBytes
        }
    }

    /// The outcome of one parse.
    public enum Outcome: Sendable, Equatable {
        /// More bytes are needed.
        case incomplete
        /// A request, and how many bytes of the buffer it used.
        case request(HTTPRequest, consumed: Int)
        /// The bytes cannot be a valid request; answer with this status and close.
        case invalid(status: Int, reason: String)
    }

    public let limits: Limits

    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Why bytes cannot be a request: the status to answer with, and the reason.
    struct Refusal: Error {
        let status: Int
        let reason: String
    }

    /// Parses the first request at the start of `buffer`.
    public func parse(_ buffer: ArraySlice<UInt8>) -> Outcome {
        do throws(Refusal) {
            guard let (headerStart, headerEnd) = try headerSection(buffer) else { return .incomplete }
            let lines = Self.lines(buffer, from: headerStart, to: headerEnd)
            guard let first = lines.first else { throw Refusal(status: 400, reason: "empty request") }
            let line = try Self.requestLine(first)
            var request = HTTPRequest(
                method: line.method,
                target: line.target,
                version: line.version,
                headers: try headers(lines.dropFirst())
            )
            try Self.checkHost(&request, authority: line.authority)
            let length = try bodyLength(request)
            guard buffer.endIndex - headerEnd >= length else { return .incomplete }
            request.body = Array(buffer[headerEnd..<(headerEnd + length)])
            return .request(request, consumed: headerEnd + length - buffer.startIndex)
        } catch {
            return .invalid(status: error.status, reason: error.reason)
        }
    }

    /// Where the header section starts (after the empty lines RFC 9112 §2.2 lets a client send
    /// first) and ends (just past its blank line); nil while it is incomplete.
    func headerSection(_ buffer: ArraySlice<UInt8>) throws(Refusal) -> (start: Int, end: Int)? {
        var index = buffer.startIndex
        while index + 1 < buffer.endIndex, buffer[index] == 0x0D, buffer[index + 1] == 0x0A { index += 2 }
        while index < buffer.endIndex, buffer[index] == 0x0A { index += 1 }
        if let end = Self.find(buffer, from: index, limit: limits.maxHeaderBytes) { return (index, end) }
        if buffer.count - (index - buffer.startIndex) > limits.maxHeaderBytes {
            if Self.findLineEnd(buffer, from: index) == nil { throw Refusal(status: 414, reason: "request line too long") }
            throw Refusal(status: 431, reason: "request headers too large")
        }
        if buffer[index...].contains(0) { throw Refusal(status: 400, reason: "NUL byte in request") }
        return nil
    }

    /// The lines of the header section, without their line ends, up to the blank line.
    static func lines(_ buffer: ArraySlice<UInt8>, from start: Int, to end: Int) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = start
        for cursor in start..<end where buffer[cursor] == 0x0A {
            var line = buffer[lineStart..<cursor]
            if line.last == 0x0D { line = line.dropLast() }
            if line.isEmpty { break }
            lines.append(line)
            lineStart = cursor + 1
        }
        return lines
    }

    /// Method, origin-form target, version, and the authority of an absolute-form target.
    static func requestLine(
        _ line: ArraySlice<UInt8>
    ) throws(Refusal) -> (method: String, target: String, version: String, authority: String?) {
        let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty,
            parts[0].allSatisfy(isTokenByte), parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { throw Refusal(status: 400, reason: "malformed request line") }
        let version = String(decoding: parts[2], as: UTF8.self)
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            if version.hasPrefix("HTTP/") && version.count == 8 { throw Refusal(status: 505, reason: "unsupported HTTP version") }
            throw Refusal(status: 400, reason: "malformed HTTP version")
        }
        var target = String(decoding: parts[1], as: UTF8.self)
        var authority: String?
        if let absolute = absoluteForm(target) {
            (authority, target) = absolute
        }
        guard target.hasPrefix("/") || target == "*" else { throw Refusal(status: 400, reason: "malformed request target") }
        return (String(decoding: parts[0], as: UTF8.self), target, version, authority)
    }

    /// The header fields, names as sent and values without surrounding whitespace.
    func headers(_ lines: ArraySlice<ArraySlice<UInt8>>) throws(Refusal) -> [(String, String)] {
        var headers: [(String, String)] = []
        for line in lines {
            guard headers.count < limits.maxHeaderCount else { throw Refusal(status: 431, reason: "too many headers") }
            guard let colon = line.firstIndex(of: 0x3A), colon > line.startIndex else {
                throw Refusal(status: 400, reason: "malformed header line")
            }
            let name = line[line.startIndex..<colon]
            guard name.allSatisfy(Self.isTokenByte) else { throw Refusal(status: 400, reason: "malformed header name") }
            let rawValue = line[(colon + 1)...]
            guard !rawValue.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) else {
                throw Refusal(status: 400, reason: "control character in header value")
            }
            headers.append((String(decoding: name, as: UTF8.self), String(decoding: rawValue, as: UTF8.self).trimmingOWS()))
        }
        return headers
    }

    /// RFC 9112 §3.2: HTTP/1.1 needs exactly one Host (at most one for HTTP/1.0); with an
    /// absolute-form target (§3.2.2) the target's authority replaces it.
    static func checkHost(_ request: inout HTTPRequest, authority: String?) throws(Refusal) {
        let hosts = request.headers.count { $0.name.lowercased() == "host" }
        if request.version == "HTTP/1.1", hosts == 0 { throw Refusal(status: 400, reason: "missing Host header") }
        if hosts > 1 { throw Refusal(status: 400, reason: "more than one Host header") }
        if let authority, let index = request.headers.firstIndex(where: { $0.name.lowercased() == "host" }) {
            request.headers[index].value = authority
        }
    }

    /// The body's length from `Content-Length` (0 without one), within the limit.
    func bodyLength(_ request: HTTPRequest) throws(Refusal) -> Int {
        if request.header("transfer-encoding") != nil {
            if limits.maxBodyBytes == 0 { throw Refusal(status: 413, reason: "request bodies are not accepted") }
            throw Refusal(status: 501, reason: "chunked request bodies are not supported")
        }
        let lengths = request.headers.filter { $0.name.lowercased() == "content-length" }.map(\.value)
        guard let first = lengths.first else { return 0 }
        guard lengths.allSatisfy({ $0 == first }), let parsed = Int(first), parsed >= 0, first.allSatisfy(\.isASCIIDigit)
        else { throw Refusal(status: 400, reason: "malformed Content-Length") }
        guard parsed <= limits.maxBodyBytes else { throw Refusal(status: 413, reason: "request body too large") }
        return parsed
    }

    /// Splits an absolute-form target (`http://host:9185/metrics?x=1`, RFC 9112 §3.2.2) into its
    /// authority and the origin-form target (`/metrics?x=1`; `/` when the path is empty); nil for
    /// any other form. The scheme is case-insensitive (RFC 9110 §4.2.3).
    static func absoluteForm(_ target: String) -> (authority: String, target: String)? {
        let lower = target.lowercased()
        guard let scheme = ["http://", "https://"].first(where: { lower.hasPrefix($0) }) else { return nil }
        let rest = target.dropFirst(scheme.count)
        let end = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = String(rest[..<end])
        guard !authority.isEmpty, !authority.contains("@") else { return (authority, "") }
        let remainder = String(rest[end...])
        return (authority, remainder.hasPrefix("/") ? remainder : "/" + remainder)
    }

    /// The index just past the blank line that ends the header section, searching at most
    /// `limit` bytes; accepts CRLF CRLF and bare LF LF.
    static func find(_ buffer: ArraySlice<UInt8>, from start: Int, limit: Int) -> Int? {
        let end = min(buffer.endIndex, start + limit + 4)
        var index = start
        while index < end {
            if buffer[index] == 0x0A {
                if index + 1 < end, buffer[index + 1] == 0x0A { return index + 2 }
                if index + 2 < end, buffer[index + 1] == 0x0D, buffer[index + 2] == 0x0A { return index + 3 }
            }
            index += 1
        }
        return nil
    }

    static func findLineEnd(_ buffer: ArraySlice<UInt8>, from start: Int) -> Int? {
        buffer[start...].firstIndex(of: 0x0A)
    }

    /// RFC 9110 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: true
        default: false
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
