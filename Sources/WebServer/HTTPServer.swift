import Foundation
import Glibc
import Synchronization

/// A small HTTP/1.1 server on Glibc sockets: keep-alive, pipelining, GET/HEAD and small bodies,
/// bounded in every dimension a client controls.
///
/// One thread accepts; each connection is served on a thread of its own with blocking I/O and
/// `poll` deadlines, so a slow client can hold at most its own thread, and only until its
/// deadline. Past `maxConnections` a new connection gets 503 at once; past `maxInFlight`
/// concurrent requests, a request gets 503.
public final class HTTPServer: Sendable {
    /// Limits and timeouts.
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var parser: HTTPRequestParser.Limits
        /// Seconds from a request's first byte to its last (slowloris bound); 408 after.
        public var requestReadTimeout: Double
        /// Seconds a keep-alive connection may sit idle between requests.
        public var idleTimeout: Double
        /// Seconds a blocked write may wait for the client to read.
        public var writeTimeout: Double
        public var maxConnections: Int
        public var maxInFlight: Int

        public init(
            host: String = "",
            port: Int = 9185,
            parser: HTTPRequestParser.Limits = .init(),
            requestReadTimeout: Double = 10,
            idleTimeout: Double = 120,
            writeTimeout: Double = 30,
            maxConnections: Int = 512,
            maxInFlight: Int = 64
        ) {
            self.host = host
            self.port = port
            self.parser = parser
            self.requestReadTimeout = requestReadTimeout
            self.idleTimeout = idleTimeout
            self.writeTimeout = writeTimeout
            self.maxConnections = maxConnections
            self.maxInFlight = maxInFlight
        }
    }

    struct State {
        var listenFD: Int32 = -1
        /// Open connections; true while a request is being handled or answered.
        var connections: [Int32: Bool] = [:]
        var inFlight = 0
        var stopping = false
        var accepted = 0
    }

    public let configuration: Configuration
    let handler: any HTTPHandler
    let logger: ServerLog
    let tls: TLSContext?
    let state = Mutex(State())

    /// - Parameter tls: when given, every connection must complete a TLS handshake first.
    public init(configuration: Configuration, handler: any HTTPHandler, logger: ServerLog = .silent, tls: TLSContext? = nil) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.tls = tls
    }

    /// Binds, listens and starts accepting; returns the port bound (useful with port 0).
    @discardableResult
    public func start() throws(SocketError) -> Int {
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
            if state.listenFD >= 0 {
                Glibc.shutdown(state.listenFD, Int32(SHUT_RDWR))
                close(state.listenFD)
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
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if state.withLock({ $0.stopping }) { return }
                switch errno {
                case EINTR, ECONNABORTED, EPROTO: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    logger.warn("The server ran out of file descriptors or memory accepting a connection; retrying shortly.")
                    usleep(50_000)
                    continue
                default:
                    logger.error("Accepting connections failed: \(SocketError("accept")); the server stops listening.")
                    return
                }
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            Socket.configureConnection(fd, sendTimeout: configuration.writeTimeout)
            let admitted = state.withLock { state -> Bool in
                guard !state.stopping, state.connections.count < configuration.maxConnections else { return false }
                state.connections[fd] = false
                state.accepted += 1
                return true
            }
            guard admitted else {
                reject(fd, status: 503, message: "too many connections")
                continue
            }
            let thread = Thread { [self] in
                if let tls {
                    if let io = tls.accept(fd, timeout: configuration.requestReadTimeout) {
                        serve(io)
                        io.close()
                    } else {
                        logger.debug("A TLS handshake failed or timed out; the connection was closed.")
                    }
                } else {
                    serve(PlainIO(fd: fd))
                }
                state.withLock { _ = $0.connections.removeValue(forKey: fd) }
                close(fd)
            }
            thread.stackSize = 512 * 1024
            thread.start()
        }
    }

    private func reject(_ fd: Int32, status: Int, message: String) {
        let response = HTTPResponse.text(status, message, close: true)
        _ = Socket.writeAll(fd, head: head(response, bodyLength: response.body.count, keepAlive: false), body: response.body)
        close(fd)
    }

    private func serve(_ io: any ConnectionIO) {
        let parser = HTTPRequestParser(limits: configuration.parser)
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        var requestStarted: Double?
        while true {
            switch parser.parse(buffer[...]) {
            case .request(let request, let consumed):
                buffer.removeFirst(consumed)
                requestStarted = buffer.isEmpty ? nil : Self.now()
                guard respond(io, to: request) else { return }
                continue
            case .invalid(let status, let reason):
                logger.debug("Refused a malformed HTTP request.", [("status", String(status)), ("reason", reason)])
                let response = HTTPResponse.text(status, reason, close: true)
                _ = io.writeAll(head: head(response, bodyLength: response.body.count, keepAlive: false), body: response.body)
                return
            case .incomplete:
                break
            }
            if state.withLock({ $0.stopping }) && buffer.isEmpty { return }
            let deadline = requestStarted.map { $0 + configuration.requestReadTimeout } ?? (Self.now() + configuration.idleTimeout)
            let remaining = deadline - Self.now()
            guard remaining > 0, io.waitReadable(milliseconds: Int32(min(remaining * 1000, 3_600_000))) else {
                if !buffer.isEmpty {
                    let response = HTTPResponse.text(408, "request not received in time", close: true)
                    _ = io.writeAll(head: head(response, bodyLength: response.body.count, keepAlive: false), body: response.body)
                }
                return
            }
            let count = io.receive(into: &chunk)
            guard count > 0 else { return }
            if buffer.isEmpty { requestStarted = Self.now() }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }

    /// Handles one request and writes the answer; false when the connection must close.
    private func respond(_ io: any ConnectionIO, to request: HTTPRequest) -> Bool {
        let fd = io.fd
        let admitted = state.withLock { state -> Bool in
            guard state.inFlight < configuration.maxInFlight else { return false }
            state.inFlight += 1
            state.connections[fd] = true
            return true
        }
        var response: HTTPResponse
        if admitted {
            response = handler.handle(request)
            state.withLock { $0.inFlight -= 1 }
        } else {
            response = HTTPResponse.text(503, "too many requests in flight", headers: [("Retry-After", "1")])
        }
        let stopping = state.withLock { state -> Bool in
            state.connections[fd] = false
            return state.stopping
        }
        let keepAlive = request.keepAlive && !response.close && !stopping && response.declaredLength == nil
        let body = request.method == "HEAD" ? [] : response.body
        let length = response.declaredLength ?? response.stream?.length ?? response.body.count
        var written = io.writeAll(head: head(response, bodyLength: length, keepAlive: keepAlive), body: body)
        if written, let stream = response.stream, request.method != "HEAD" {
            do {
                try stream.write { chunk in
                    guard io.write(chunk) else { throw BodyStream.Aborted() }
                }
            } catch {
                written = false
            }
        }
        return written && keepAlive
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

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
