/// A parsed HTTP/1.x request.
public struct HTTPRequest: Sendable, Hashable {
    public var method: String
    /// The request target as sent: path and optional query.
    public var target: String
    /// `HTTP/1.1` or `HTTP/1.0`.
    public var version: String
    /// Header fields in order, names as sent.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, target: String, version: String = "HTTP/1.1", headers: [(String, String)] = [], body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers.map { (name: $0.0, value: $0.1) }
        self.body = body
    }

    /// The path part of the target, without the query.
    public var path: String {
        String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// Query parameters in order, percent-decoded.
    public var query: [(name: String, value: String)] {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return [] }
        return parts[1].split(separator: "&").map { pair in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in String(s).replacingPlus().removingPercentEncodingSafe() }
            return (decode(kv[0]), kv.count > 1 ? decode(kv[1]) : "")
        }
    }

    /// The first query value called `name`.
    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }

    /// The first header called `name`, in any case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Whether the connection stays open after this request (HTTP/1.1 unless `Connection: close`;
    /// HTTP/1.0 only with `Connection: keep-alive`).
    public var keepAlive: Bool {
        let connection = header("connection")?.lowercased() ?? ""
        let tokens = connection.split(separator: ",").map { $0.trimmingOWS() }
        if version == "HTTP/1.0" { return tokens.contains("keep-alive") }
        return !tokens.contains("close")
    }

    public static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
        lhs.method == rhs.method && lhs.target == rhs.target && lhs.version == rhs.version && lhs.body == rhs.body
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(method)
        hasher.combine(target)
    }
}

/// An HTTP response to write.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Close the connection after writing, whatever the request asked.
    public var close: Bool
    /// A `Content-Length` to declare instead of the body's size, then close: only the
    /// simulator uses it, to send truncated bodies.
    public var declaredLength: Int?
    /// A body written in chunks instead of `body` (a large exposition is never held whole).
    public var stream: BodyStream?

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = [], close: Bool = false) {
        self.status = status
        self.headers = headers.map { (name: $0.0, value: $0.1) }
        self.body = body
        self.close = close
    }

    /// A plain-text response.
    public static func text(_ status: Int, _ text: String, headers: [(String, String)] = [], close: Bool = false) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: [("Content-Type", "text/plain; charset=utf-8")] + headers,
            body: Array((text + "\n").utf8),
            close: close
        )
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The standard reason phrase of a status code.
    public static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 422: "Unprocessable Entity"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }
}

/// Answers HTTP requests for the server.
///
/// Contract: `handle` is called on a connection's own thread, possibly on many threads at once;
/// it must be thread-safe, must not wait on actors, and returns a complete response (the server
/// adds `Content-Length`, `Date`-free framing and connection handling; for HEAD it sends the
/// headers of the GET response without the body).
public protocol HTTPHandler: Sendable {
    func handle(_ request: HTTPRequest) -> HTTPResponse
}

extension String {
    fileprivate func replacingPlus() -> String {
        contains("+") ? String(map { $0 == "+" ? " " : $0 }) : self
    }

    fileprivate func removingPercentEncodingSafe() -> String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var iterator = Array(utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == 0x25, iterator.count >= 2, let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A response body of known length produced in chunks while it is sent.
public struct BodyStream: Sendable {
    /// Thrown by a sink to stop the producer (the peer went away).
    public struct Aborted: Error {}

    /// The exact number of bytes `write` produces (the `Content-Length`).
    public let length: Int
    /// Produces the body, handing each chunk to the sink; the chunk is valid only during the call.
    public let write: @Sendable (_ sink: (UnsafeRawBufferPointer) throws -> Void) throws -> Void

    public init(length: Int, write: @escaping @Sendable (_ sink: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) {
        self.length = length
        self.write = write
    }
}

extension StringProtocol {
    /// The text without the optional whitespace (spaces and tabs, RFC 9110 §5.6.3) around it.
    public func trimmingOWS() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
