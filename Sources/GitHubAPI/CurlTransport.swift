internal import CURLEasy
import Foundation
import Synchronization

/// The production transport: libcurl's easy interface, called directly (`Sources/CURLEasy`).
///
/// The same libcurl as URLSession on Linux (TLS, HTTP/2, proxies from `https_proxy` and
/// `no_proxy`, content decoding), without URLSession's queues: each exchange runs on a thread
/// of its own and hands the body straight to the caller. A report download is read while it
/// arrives, and a reader slower than the network slows the connection down (TCP flow control)
/// rather than piling the body up, so no temporary file is needed. Issue 17 measured URLSession's
/// threads at 38 % of a 100,000-seat refresh's CPU time.
///
/// Contract: as `HTTPTransport`. Redirects are decided here by `RedirectPolicy` (libcurl
/// follows none itself); a refused one is returned as the 3xx with its `Location` made
/// absolute. Bodies are counted after decoding against `limits`. A cancelled task ends its
/// exchange within about a second (libcurl asks at least once a second whether to go on).
public final class CurlTransport: HTTPTransport {
    /// True when libcurl's easy interface is in this process (FoundationNetworking loads it).
    public static var isAvailable: Bool { cx_easy_available() != 0 }

    let timeout: Double
    public let limits: ResponseLimits
    /// Idle easy handles, each keeping its open connections for the next exchange.
    private let idle = Mutex<[Handle]>([])
    static let maxIdleHandles = 4
    static let maxRedirects = 10
    /// libcurl's receive buffer, for every exchange: each socket read takes up to this much.
    /// At libcurl's default (16 KiB) a 100,000-seat refresh made about 27,000 `recvfrom` and
    /// 35,000 `poll` calls; at 256 KiB it makes 4,600 and 13,000 (`bench/syscalls.sh`). libcurl
    /// allocates it per easy handle, and at most `maxIdleHandles` handles are kept between polls.
    static let receiveBufferSize = 256 << 10
    /// Bodies of non-2xx answers are kept this long, for the message; the rest is not read.
    static let errorBodyLimit = 64 * 1024
    /// The most a body's announced length reserves before any of it arrives.
    static let reserveLimit = 8 << 20
    /// An answer's header lines, all together (libcurl's own cap differs between versions).
    static let headerLimit = 256 * 1024

    /// The threads exchanges block on, shared by every transport of the process.
    static let threads = TransferThreads()

    struct Handle: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
    }

    /// A chain of redirects may take this much longer than one exchange (as URLSession's
    /// watchdog allowed a task), so that hops do not multiply the time a request takes.
    let redirectSlack: Double

    /// - Parameter timeout: seconds one API request may take, connection to last byte; a
    ///   download may take an hour (or `timeout`, if longer), but fails after `timeout` seconds
    ///   without a byte. Redirects followed all fit in that plus 30 seconds.
    public convenience init?(timeout: Double = 30, limits: ResponseLimits = ResponseLimits()) {
        self.init(timeout: timeout, limits: limits, redirectSlack: 30)
    }

    init?(timeout: Double, limits: ResponseLimits, redirectSlack: Double) {
        guard Self.isAvailable else { return nil }
        self.timeout = max(0.001, timeout)
        self.limits = limits
        self.redirectSlack = redirectSlack
    }

    deinit {
        for handle in idle.withLock({ $0 }) { cx_easy_free(handle.pointer) }
    }

    public func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        try await exchange(request, limit: limits.apiBody, onChunk: nil)
    }

    public func stream(
        _ request: TransportRequest,
        onChunk: @escaping ChunkHandler
    ) async throws(TransportError) -> TransportResponse {
        try await exchange(request, limit: limits.download, onChunk: onChunk)
    }

    /// Idle handles kept (tests).
    var idleHandles: Int { idle.withLock { $0.count } }

    private func exchange(
        _ original: TransportRequest,
        limit: Int,
        onChunk: ChunkHandler?
    ) async throws(TransportError) -> TransportResponse {
        let credentialed = original.headers.keys.contains { $0.lowercased() == "authorization" }
        var request = original
        // Each hop may take as long as one exchange, and the whole chain that plus
        // `redirectSlack`: hops must not multiply the time a request may take.
        let budget = Int(((onChunk != nil ? max(timeout, 3600) : timeout) * 1000).rounded(.up))
        let deadline = ContinuousClock.now + .milliseconds(budget + Int((redirectSlack * 1000).rounded(.up)))
        for _ in 0...Self.maxRedirects {
            guard URL(string: request.url)?.host != nil else { throw .invalidURL(request.url) }
            let response = try await perform(request, limit: limit, onChunk: onChunk, budget: budget, deadline: deadline)
            guard [301, 302, 303, 307, 308].contains(response.status), let location = response.header("location") else { return response }
            guard let target = URL(string: location, relativeTo: URL(string: request.url))?.absoluteURL.absoluteString else {
                return response
            }
            guard RedirectPolicy.allows(from: request.url, to: target, credentialed: credentialed) else {
                var refused = response
                refused.headers["location"] = target
                refused.body = []
                return refused
            }
            if response.status == 303 || ([301, 302].contains(response.status) && request.method == "POST") {
                request.method = "GET"
                request.body = []
            }
            request.url = target
        }
        throw .connection(url: original.url, reason: "more than \(Self.maxRedirects) redirects")
    }

    /// One exchange on a thread of its own.
    private func perform(
        _ request: TransportRequest,
        limit: Int,
        onChunk: ChunkHandler?,
        budget: Int,
        deadline: ContinuousClock.Instant
    ) async throws(TransportError) -> TransportResponse {
        let exchange = Exchange(url: request.url, limit: limit, onChunk: onChunk)
        let download = onChunk != nil
        let remaining = Int(ContinuousClock.now.duration(to: deadline) / .milliseconds(1))
        guard remaining > 0 else { throw .timedOut(url: request.url) }
        let timeouts = (
            total: min(budget, remaining),
            connect: min(remaining, Int((timeout * 1000).rounded(.up))),
            idle: download ? Int(timeout.rounded(.up)) : 0
        )
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
                if Task.isCancelled {
                    continuation.resume(returning: Outcome(code: Int32(cx_aborted), status: 0, message: ""))
                    return
                }
                Self.threads.run { [self] in
                    let handle = checkout()
                    let outcome = Self.run(request, on: handle, exchange: exchange, timeouts: timeouts)
                    if let handle { checkin(handle) }
                    continuation.resume(returning: outcome)
                }
            }
        } onCancel: {
            exchange.cancelled.store(true, ordering: .relaxed)
        }
        switch outcome.code {
        case Int32(cx_ok):
            break
        case Int32(cx_write_refused) where exchange.endedEarly:
            break  // the unread rest of a non-2xx body
        case _ where exchange.cancelled.load(ordering: .relaxed):
            throw .connection(url: request.url, reason: "the request was cancelled")
        case _ where exchange.failure != nil:
            throw exchange.failure!
        case Int32(cx_timed_out):
            throw .timedOut(url: request.url)
        case Int32(cx_aborted):
            throw .connection(url: request.url, reason: "the request was cancelled")
        default:
            throw .connection(url: request.url, reason: outcome.message)
        }
        // The body was streamed or kept by the status this side read; libcurl must agree, or a
        // status line it accepts and this side does not would pass a body off as empty.
        guard exchange.status == outcome.status else {
            throw .connection(
                url: request.url,
                reason: "the answer's status line could not be read (libcurl read \(outcome.status), the transport \(exchange.status))"
            )
        }
        if let failure = exchange.failure { throw failure }
        return TransportResponse(status: outcome.status, headers: exchange.headers, body: exchange.body)
    }

    struct Outcome: Sendable {
        var code: Int32
        var status: Int
        var message: String
    }

    private func checkout() -> Handle? {
        if let handle = idle.withLock({ $0.popLast() }) { return handle }
        return cx_easy_new().map(Handle.init)
    }

    private func checkin(_ handle: Handle) {
        let kept = idle.withLock { idle -> Bool in
            guard idle.count < Self.maxIdleHandles else { return false }
            idle.append(handle)
            return true
        }
        if !kept { cx_easy_free(handle.pointer) }
    }

    /// Blocks the calling thread for the whole exchange.
    private static func run(
        _ request: TransportRequest,
        on handle: Handle?,
        exchange: Exchange,
        timeouts: (total: Int, connect: Int, idle: Int)
    ) -> Outcome {
        guard let handle else { return Outcome(code: -1, status: 0, message: "libcurl could not make a handle") }
        // A header line is sent as given: one holding a line break would smuggle more headers
        // (an ETag echoed back from a hostile answer, say), so such a request is not sent.
        if let bad = request.headers.first(where: { Self.breaksLine($0.key) || Self.breaksLine($0.value) }) {
            return Outcome(code: -1, status: 0, message: "the request header \(bad.key) holds a line break, so the request was not sent")
        }
        guard !request.method.isEmpty, request.method.utf8.allSatisfy({ (0x41...0x5A).contains($0) }) else {
            return Outcome(code: -1, status: 0, message: "the request method \(request.method) is not a token of capital letters")
        }
        let lines = request.headers.sorted { $0.key < $1.key }.map { strdup("\($0.key): \($0.value)") }
        defer { for line in lines { free(line) } }
        guard lines.allSatisfy({ $0 != nil }) else { return Outcome(code: -1, status: 0, message: "out of memory") }
        var status = 0
        var message = [CChar](repeating: 0, count: 256)
        let context = Unmanaged.passUnretained(exchange).toOpaque()
        let code = withExtendedLifetime(exchange) {
            request.url.withCString { url in
                request.method.withCString { method in
                    request.body.withUnsafeBytes { body in
                        lines.map { UnsafePointer($0) }.withUnsafeBufferPointer { headers in
                            var description = cx_request(
                                url: url,
                                method: method,
                                headers: headers.baseAddress,
                                header_count: Int32(headers.count),
                                body: body.baseAddress,
                                body_length: body.count,
                                timeout_ms: timeouts.total,
                                connect_timeout_ms: timeouts.connect,
                                idle_timeout_s: timeouts.idle,
                                buffer_size: Self.receiveBufferSize
                            )
                            return cx_easy_perform(
                                handle.pointer,
                                &description,
                                context,
                                { context, data, length in
                                    let exchange = Unmanaged<Exchange>.fromOpaque(context!).takeUnretainedValue()
                                    return exchange.receive(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
                                },
                                { context, line, length in
                                    let exchange = Unmanaged<Exchange>.fromOpaque(context!).takeUnretainedValue()
                                    return exchange.header(UnsafeRawBufferPointer(start: line, count: length)) ? 1 : 0
                                },
                                { context in
                                    let exchange = Unmanaged<Exchange>.fromOpaque(context!).takeUnretainedValue()
                                    return exchange.cancelled.load(ordering: .relaxed) ? 1 : 0
                                },
                                &status,
                                &message
                            )
                        }
                    }
                }
            }
        }
        let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return Outcome(code: code, status: status, message: text)
    }

    static func breaksLine(_ text: String) -> Bool {
        text.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
    }

    /// One exchange's state: touched by its transfer thread while libcurl runs, then read by
    /// the awaiting task after the thread has resumed it (the continuation orders the two).
    final class Exchange: @unchecked Sendable {
        let limit: Int
        let onChunk: ChunkHandler?
        let cancelled = Atomic<Bool>(false)
        var status = 0
        var headers: [String: String] = [:]
        var body: [UInt8] = []
        var received = 0
        var headerBytes = 0
        /// The exchange stopped reading a non-2xx body once `errorBodyLimit` of it was kept.
        var endedEarly = false
        var failure: TransportError?
        let url: String

        init(url: String, limit: Int, onChunk: ChunkHandler?) {
            self.url = url
            self.limit = limit
            self.onChunk = onChunk
        }

        /// A header line; a status line starts a new header block (after a 1xx or a proxy's
        /// CONNECT answer). Read as bytes: Foundation's `trimmingCharacters` here cost 4 % of a
        /// 100,000-seat refresh. False stops the exchange (headers over `headerLimit`).
        func header(_ line: UnsafeRawBufferPointer) -> Bool {
            headerBytes += line.count
            if headerBytes > CurlTransport.headerLimit {
                failure = .connection(url: url, reason: "the answer's headers exceed \(CurlTransport.headerLimit / 1024) KiB")
                return false
            }
            // Trailers of a chunked body come through here too; they are not headers.
            guard received == 0 else { return true }
            let bytes = line.bindMemory(to: UInt8.self)
            func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
            var end = bytes.count
            while end > 0, isBlank(bytes[end - 1]) { end -= 1 }
            // "HTTP/" in any case, as libcurl accepts it.
            if end >= 5, bytes[0] | 0x20 == 0x68, bytes[1] | 0x20 == 0x74, bytes[2] | 0x20 == 0x74, bytes[3] | 0x20 == 0x70,
                bytes[4] == 0x2F
            {
                // Room for a GitHub answer's headers (about 20) at once: grown from empty, the
                // table was rehashed four times per response.
                headers = Dictionary(minimumCapacity: 32)
                // "HTTP/1.1 200 OK", "HTTP/2 200": the three digits after the version.
                var index = 5
                while index < end, !isBlank(bytes[index]) { index += 1 }
                while index < end, isBlank(bytes[index]) { index += 1 }
                var code = 0
                var digits = 0
                while index < end, digits < 3, (0x30...0x39).contains(bytes[index]) {
                    code = code * 10 + Int(bytes[index] - 0x30)
                    digits += 1
                    index += 1
                }
                status = digits == 3 && (index == end || isBlank(bytes[index])) ? code : 0
                return true
            }
            guard let colon = bytes[..<end].firstIndex(of: 0x3A) else { return true }
            var nameStart = 0
            var nameEnd = colon
            while nameStart < nameEnd, isBlank(bytes[nameStart]) { nameStart += 1 }
            while nameEnd > nameStart, isBlank(bytes[nameEnd - 1]) { nameEnd -= 1 }
            guard nameStart < nameEnd else { return true }
            var valueStart = colon + 1
            while valueStart < end, isBlank(bytes[valueStart]) { valueStart += 1 }
            let name = String(
                decoding: bytes[nameStart..<nameEnd].lazy.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 },
                as: UTF8.self
            )
            let value = String(decoding: UnsafeBufferPointer(rebasing: bytes[valueStart..<end]), as: UTF8.self)
            // Repeated names are joined in place: copying the joined value for each line made
            // many repeats quadratic.
            if headers[name] != nil {
                headers[name]!.append(", ")
                headers[name]!.append(value)
            } else {
                headers[name] = value
            }
            return true
        }

        /// A piece of the body; false stops the exchange.
        func receive(_ data: UnsafeRawBufferPointer) -> Bool {
            if cancelled.load(ordering: .relaxed) { return false }
            received += data.count
            if received > limit {
                failure = .tooLarge(url: url, limit: limit)
                return false
            }
            guard (200..<300).contains(status) else {
                // A non-2xx body (an error message, a redirect's page) is kept for the message,
                // up to `errorBodyLimit`; the rest is not read.
                body.append(contentsOf: data.prefix(max(0, CurlTransport.errorBodyLimit - body.count)))
                if body.count >= CurlTransport.errorBodyLimit {
                    endedEarly = true
                    return false
                }
                return true
            }
            guard let onChunk else {
                if body.isEmpty {
                    // Room for the whole body at once when its length is announced (growing by
                    // doubling copied a 200 KB seat page about twice): at most the limit and
                    // `reserveLimit`, since the header is the peer's word.
                    let announced = headers["content-length"].flatMap { Int($0) } ?? 0
                    body.reserveCapacity(min(max(announced, data.count), limit, CurlTransport.reserveLimit))
                }
                body.append(contentsOf: data)
                return true
            }
            // Straight from libcurl's receive buffer (up to `receiveBufferSize` a call) to the
            // reader: copying it into a chunk of our own first moved every report byte once more.
            onChunk(UnsafeBufferPointer(start: data.baseAddress?.assumingMemoryBound(to: UInt8.self), count: data.count))
            return true
        }
    }
}

/// Threads for blocking work, one per job in flight: a job starts at once on an idle thread or
/// on a new one (so a slow download never holds up an API request), and a thread idle for
/// `idleLifetime` seconds ends, so an exporter between polls keeps none. Creating a thread per
/// request cost about 2 % of a 100,000-seat refresh (`clone3` and fresh stacks).
final class TransferThreads: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var idle = 0
    private var count = 0
    private var created = 0
    let idleLifetime: Double

    init(idleLifetime: Double = 30) {
        self.idleLifetime = idleLifetime
    }

    /// Threads alive (busy or idle), idle, and created since the start (tests).
    var census: (alive: Int, idle: Int, created: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (count, idle, created)
    }

    func run(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        // Every idle thread already woken has a job waiting for it; past that, a new thread.
        let spawn = idle < jobs.count
        if spawn {
            count += 1
            created += 1
        }
        condition.signal()
        condition.unlock()
        if spawn {
            let thread = Thread { [self] in work() }
            thread.name = "copilot_exporter transfer"
            thread.start()
        }
    }

    private func work() {
        condition.lock()
        while true {
            if !jobs.isEmpty {
                let job = jobs.removeFirst()
                condition.unlock()
                job()
                condition.lock()
                continue
            }
            idle += 1
            let woken = condition.wait(until: Date(timeIntervalSinceNow: idleLifetime))
            idle -= 1
            if !woken && jobs.isEmpty {
                count -= 1
                condition.unlock()
                return
            }
        }
    }
}

/// The transport the exporter runs on: `CurlTransport`, or `URLSessionTransport` (which writes
/// downloads to `downloadDirectory`) in a process where libcurl's easy interface is not found.
public enum StandardTransport {
    public static func make(
        timeout: Double,
        limits: ResponseLimits = ResponseLimits(),
        downloadDirectory: DownloadDirectory = .standard
    ) -> any HTTPTransport {
        CurlTransport(timeout: timeout, limits: limits)
            ?? URLSessionTransport(timeout: timeout, limits: limits, downloadDirectory: downloadDirectory)
    }
}
