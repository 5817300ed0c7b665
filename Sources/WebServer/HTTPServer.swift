import Foundation
import Glibc
import Synchronization

/// A small HTTP/1.1 server on Glibc sockets: keep-alive, pipelining, GET/HEAD, bounded in
/// every dimension a client controls.
///
/// One thread accepts; each connection is served on a thread of its own with non-blocking
/// I/O and `poll`, every wait bounded by an absolute deadline (first byte, TLS handshake,
/// request headers, whole response), so a slow client holds at most its own thread, and only
/// until its deadline. Past `maxConnections` (or `maxConnectionsPerAddress` from one address)
/// a new connection gets 503 at once; past `maxInFlight` concurrent requests, a request gets
/// 503. A `GatedHTTPHandler`'s check runs before the in-flight limit.
public final class HTTPServer: Sendable {
    /// Limits and timeouts (seconds).
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var parser: HTTPRequestParser.Limits
        /// From a request's first byte to the end of its headers (slowloris bound); 408 after.
        public var requestReadTimeout: Double
        /// How long a keep-alive connection may sit idle between requests.
        public var idleTimeout: Double
        /// How long writing one whole response may take, however the client paces its reads.
        public var writeTimeout: Double
        public var maxConnections: Int
        public var maxInFlight: Int
        /// Open connections allowed from one client address (IPv4, or IPv6 address).
        public var maxConnectionsPerAddress: Int
        /// From accepting a connection (or completing its TLS handshake) to its first byte.
        public var firstByteTimeout: Double
        /// From accepting a connection to the end of its TLS handshake.
        public var handshakeTimeout: Double

        public init(
            host: String = "",
            port: Int = 9185,
            parser: HTTPRequestParser.Limits = .init(),
            requestReadTimeout: Double = 10,
            idleTimeout: Double = 120,
            writeTimeout: Double = 60,
            maxConnections: Int = 512,
            maxInFlight: Int = 64,
            maxConnectionsPerAddress: Int = 32,
            firstByteTimeout: Double = 10,
            handshakeTimeout: Double = 10
        ) {
            self.host = host
            self.port = port
            self.parser = parser
            self.requestReadTimeout = requestReadTimeout
            self.idleTimeout = idleTimeout
            self.writeTimeout = writeTimeout
            self.maxConnections = maxConnections
            self.maxInFlight = maxInFlight
            self.maxConnectionsPerAddress = maxConnectionsPerAddress
            self.firstByteTimeout = firstByteTimeout
            self.handshakeTimeout = handshakeTimeout
        }
    }

    struct State {
        var listenFD: Int32 = -1
        /// Open connections; true while a request is being handled or answered.
        var connections: [Int32: Bool] = [:]
        /// Open connections per client address.
        var perAddress: [[UInt8]: Int] = [:]
        var inFlight = 0
        var stopping = false
        var accepted = 0
    }

    public let configuration: Configuration
    let handler: any HTTPHandler
    let logger: ServerLog
    let tls: TLSContext?
    let observe: @Sendable (_ path: String?, _ status: Int) -> Void
    let state = Mutex(State())

    /// - Parameters:
    ///   - tls: when given, every connection must complete a TLS handshake first.
    ///   - observe: told the status of every handled request (with its path), and of every
    ///     connection refused at once (path nil), on the connection's thread; it must not block.
    public init(
        configuration: Configuration,
        handler: any HTTPHandler,
        logger: ServerLog = .silent,
        tls: TLSContext? = nil,
        observe: @escaping @Sendable (_ path: String?, _ status: Int) -> Void = { _, _ in }
    ) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.tls = tls
        self.observe = observe
    }

    /// Binds, listens and starts accepting; returns the port bound (useful with port 0).
    @discardableResult
    public func start() throws(SocketError) -> Int {
        // OpenSSL writes with write(2), which raises SIGPIPE when a client has reset the
        // connection; its default action would end the process.
        signal(SIGPIPE, SIG_IGN)
        let (fd, port) = try Socket.listen(host: configuration.host, port: configuration.port)
        state.withLock { $0.listenFD = fd }
        let thread = Thread { [self] in acceptLoop(fd) }
        thread.name = "http-accept"
        thread.start()
        return port
    }

    /// Connections open now, and connections accepted since start.
    public var connectionCounts: (open: Int, accepted: Int) { state.withLock { ($0.connections.count, $0.accepted) } }

    /// Stops accepting, closes idle connections, lets in-flight responses finish (up to
    /// `grace` seconds), then returns.
    public func shutdown(grace: Double = 10) async {
        let idle: [Int32] = state.withLock { state in
            state.stopping = true
            // Only woken here: the accept loop closes the socket itself when it sees `stopping`,
            // so its descriptor number cannot be reused (by another server's socket) while the
            // loop may still call accept on it.
            if state.listenFD >= 0 {
                Glibc.shutdown(state.listenFD, Int32(SHUT_RDWR))
                state.listenFD = -1
            }
            return state.connections.filter { !$0.value }.map(\.key)
        }
        for fd in idle { Glibc.shutdown(fd, Int32(SHUT_RDWR)) }
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            let open: [Int32] = state.withLock { state in state.connections.filter { !$0.value }.map(\.key) }
            for fd in open { Glibc.shutdown(fd, Int32(SHUT_RDWR)) }
            if state.withLock({ $0.connections.isEmpty }) { return }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
    }

    private func acceptLoop(_ listenFD: Int32) {
        defer { close(listenFD) }
        while true {
            guard let (fd, peer) = Socket.accept(listenFD) else {
                if state.withLock({ $0.stopping }) { return }
                switch errno {
                case EINTR, ECONNABORTED, EPROTO, EAGAIN: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    logger.warn("The server ran out of file descriptors or memory accepting a connection; retrying shortly.")
                    usleep(50_000)
                    continue
                default:
                    logger.error("Accepting connections failed: \(SocketError("accept")); the server stops listening.")
                    return
                }
            }
            Socket.configureConnection(fd)
            if let refusal = admit(fd, from: peer) {
                reject(fd, status: 503, message: refusal)
                observe(nil, 503)
                continue
            }
            let thread = Thread { [self] in
                let accepted = Socket.now()
                var drain = false
                if let tls {
                    if let io = tls.accept(fd, until: accepted + configuration.handshakeTimeout) {
                        drain = serve(io)
                        io.close()
                    } else {
                        logger.debug("A TLS handshake failed or timed out; the connection was closed.")
                    }
                } else {
                    drain = serve(PlainIO(fd: fd))
                }
                if drain { Socket.drain(fd, until: Socket.now() + 2) }
                state.withLock { state in
                    state.connections.removeValue(forKey: fd)
                    state.perAddress[peer, default: 1] -= 1
                    if state.perAddress[peer] == 0 { state.perAddress.removeValue(forKey: peer) }
                }
                close(fd)
            }
            thread.stackSize = 512 * 1024
            thread.start()
        }
    }

    /// Counts a new connection in, or says why it is refused.
    private func admit(_ fd: Int32, from peer: [UInt8]) -> String? {
        state.withLock { state -> String? in
            guard !state.stopping, state.connections.count < configuration.maxConnections else { return "too many connections" }
            guard state.perAddress[peer, default: 0] < configuration.maxConnectionsPerAddress else {
                return "too many connections from your address"
            }
            state.connections[fd] = false
            state.perAddress[peer, default: 0] += 1
            state.accepted += 1
            return nil
        }
    }

    private func reject(_ fd: Int32, status: Int, message: String) {
        let response = HTTPResponse.text(status, message, close: true)
        // The socket is fresh and the answer small: it fits the send buffer, so no wait.
        let head = head(response, bodyLength: response.body.count, keepAlive: false)
        _ = Socket.writeAll(fd, head: head, body: response.body, until: Socket.now())
        close(fd)
    }

    /// Serves requests until the connection ends; true when the client may still be sending
    /// (a refused request), so the caller drains before closing.
    func serve(_ io: any ConnectionIO) -> Bool {
        let parser = HTTPRequestParser(limits: configuration.parser)
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        var requestStarted: Double?
        // A new connection must start its first request sooner than a kept-alive one its next.
        var idleDeadline = Socket.now() + configuration.firstByteTimeout
        while true {
            switch parser.parse(buffer[...]) {
            case .request(let request, let consumed):
                buffer.removeFirst(consumed)
                guard respond(io, to: request) else { return false }
                requestStarted = buffer.isEmpty ? nil : Socket.now()
                idleDeadline = Socket.now() + configuration.idleTimeout
                continue
            case .invalid(let status, let reason):
                logger.debug("Refused a malformed HTTP request.", [("status", String(status)), ("reason", reason)])
                answer(io, HTTPResponse.text(status, reason, close: true))
                return true
            case .incomplete:
                break
            }
            if state.withLock({ $0.stopping }) && buffer.isEmpty { return false }
            let deadline = requestStarted.map { $0 + configuration.requestReadTimeout } ?? idleDeadline
            switch io.receive(into: &chunk, until: deadline) {
            case .bytes(let count):
                if buffer.isEmpty { requestStarted = Socket.now() }
                buffer.append(contentsOf: chunk[0..<count])
            case .closed:
                return false
            case .timedOut:
                if !buffer.isEmpty { answer(io, HTTPResponse.text(408, "request not received in time", close: true)) }
                return false
            }
        }
    }

    /// Writes a small final answer (an error) within the write timeout.
    private func answer(_ io: any ConnectionIO, _ response: HTTPResponse) {
        let head = head(response, bodyLength: response.body.count, keepAlive: false)
        _ = io.writeAll(head: head, body: response.body, until: Socket.now() + configuration.writeTimeout)
    }

    /// Handles one request and writes the answer; false when the connection must close.
    private func respond(_ io: any ConnectionIO, to request: HTTPRequest) -> Bool {
        let fd = io.fd
        state.withLock { $0.connections[fd] = true }
        let response = handle(request)
        let stopping = state.withLock { state -> Bool in
            state.connections[fd] = false
            return state.stopping
        }
        let keepAlive = request.keepAlive && !response.close && !stopping && response.declaredLength == nil
        let body = request.method == "HEAD" ? [] : response.body
        let length = response.declaredLength ?? response.stream?.length ?? response.body.count
        let deadline = Socket.now() + configuration.writeTimeout
        var written = io.writeAll(head: head(response, bodyLength: length, keepAlive: keepAlive), body: body, until: deadline)
        if written, let stream = response.stream, request.method != "HEAD" {
            do {
                try stream.write { chunk in
                    guard io.write(chunk, until: deadline) else { throw BodyStream.Aborted() }
                }
            } catch {
                written = false
            }
        }
        return written && keepAlive
    }

    /// The handler's answer, reported to `observe`.
    private func handle(_ request: HTTPRequest) -> HTTPResponse {
        let response = answer(request)
        observe(request.path, response.status)
        return response
    }

    /// A gate's refusal, 503 past the in-flight limit, or the handler's response.
    private func answer(_ request: HTTPRequest) -> HTTPResponse {
        let gate = handler as? any GatedHTTPHandler
        if let refusal = gate?.admit(request) { return refusal }
        let admitted = state.withLock { state -> Bool in
            guard state.inFlight < configuration.maxInFlight else { return false }
            state.inFlight += 1
            return true
        }
        guard admitted else { return HTTPResponse.text(503, "too many requests in flight", headers: [("Retry-After", "1")]) }
        defer { state.withLock { $0.inFlight -= 1 } }
        return gate?.handleAdmitted(request) ?? handler.handle(request)
    }

    private func head(_ response: HTTPResponse, bodyLength: Int, keepAlive: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(response.status) \(HTTPResponse.reason(response.status))\r\n"
        for header in response.headers where header.name.lowercased() != "content-length" && header.name.lowercased() != "connection" {
            text += "\(header.name): \(header.value)\r\n"
        }
        if response.status != 204 && response.status != 304 { text += "Content-Length: \(bodyLength)\r\n" }
        text += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        return Array(text.utf8)
    }
}
