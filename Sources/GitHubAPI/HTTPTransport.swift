/// An HTTP request as the GitHub client hands it to a transport.
public struct TransportRequest: Sendable, Hashable {
    public var method: String
    public var url: String
    public var headers: [String: String]
    public var body: [UInt8]

    public init(method: String = "GET", url: String, headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// An HTTP response as a transport returns it; header names are lower-cased.
public struct TransportResponse: Sendable, Hashable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.body = body
        // Names already in lower-case ASCII (all of libcurl's, as `CurlTransport` reads them)
        // are kept as they are: rebuilding the table cost a rehash per response.
        if headers.keys.allSatisfy(Self.isLowercaseASCII) {
            self.headers = headers
            return
        }
        var lowered = [String: String](minimumCapacity: headers.count)
        for (name, value) in headers { lowered[name.lowercased()] = value }
        self.headers = lowered
    }

    /// True when `lowercased()` would leave `name` as it is because it is ASCII without A-Z.
    static func isLowercaseASCII(_ name: String) -> Bool {
        !name.utf8.contains { $0 >= 0x80 || (0x41...0x5A).contains($0) }
    }

    /// The header called `name` (any case).
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A failure below HTTP: no response was received.
public enum TransportError: Error, Sendable, Equatable {
    /// The request did not complete within the transport's timeout.
    case timedOut(url: String)
    /// The connection failed or broke (refused, reset, truncated, DNS, TLS).
    case connection(url: String, reason: String)
    /// The URL could not be used.
    case invalidURL(String)
    /// The body, counted after any decompression, grew past `limit` bytes; the exchange was
    /// cancelled there.
    case tooLarge(url: String, limit: Int)
}

/// The seam between the GitHub client and the network.
///
/// Contract: `send` performs exactly one HTTP exchange (no retries, no caching, no cookie
/// store), returns any HTTP status as a response (errors included), and throws
/// `TransportError` only when no complete response arrived. It never adds credentials:
/// what is in `request.headers` is what is sent. It follows a redirect only when
/// `RedirectPolicy` allows it; a refused redirect is returned as the 3xx response.
public protocol HTTPTransport: Sendable {
    func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse

    /// Like `send`, but hands a 2xx body to `onChunk` piece by piece as it arrives, so that a
    /// large body never sits in memory whole; the returned response has an empty body (error
    /// bodies, which are small, are returned whole). `onChunk` calls never overlap, and none
    /// comes after `stream` returns or throws. When it throws, `onChunk` may already have seen
    /// part of the body: the caller drops what it read. A chunk's bytes are valid only during
    /// the call (they may be the transport's own receive buffer): copy what must outlive it.
    func stream(
        _ request: TransportRequest,
        onChunk: @escaping ChunkHandler
    ) async throws(TransportError)
        -> TransportResponse
}

/// Takes a piece of a streamed body, valid only during the call.
public typealias ChunkHandler = @Sendable (UnsafeBufferPointer<UInt8>) -> Void

extension HTTPTransport {
    /// For transports without streaming (test stubs): the whole body as one chunk.
    public func stream(
        _ request: TransportRequest,
        onChunk: @escaping ChunkHandler
    ) async throws(TransportError)
        -> TransportResponse
    {
        var response = try await send(request)
        if (200..<300).contains(response.status) {
            response.body.withUnsafeBufferPointer(onChunk)
            response.body = []
        }
        return response
    }
}

extension TransportError {
    /// The limit, when the exchange was cut off for growing past it.
    public var limitExceeded: Int? {
        if case .tooLarge(_, let limit) = self { return limit }
        return nil
    }
}
