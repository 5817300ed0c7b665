import Dispatch
import Foundation
import Glibc
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The URLSession delegate of `URLSessionTransport`: it decides redirects by `RedirectPolicy`,
/// counts each body as it arrives (after the transparent decompression) against a limit, and
/// keeps the body in memory or writes it to a file descriptor.
///
/// Contract: `run` resolves exactly once per request, with the final response, or with a
/// `TransportError` when the body outgrew its limit (the task is cancelled there), the file
/// could not be written, or the exchange failed. Without a delegate URLSession would follow
/// every redirect with every header, the token included, and hold any body whole.
final class TransportDelegate: NSObject, URLSessionDataDelegate, Sendable {
    /// Where a 2xx body goes; other bodies are kept in memory up to `errorBodyLimit`.
    enum Sink {
        case memory
        case file(Int32)
    }

    struct Outcome: Sendable {
        var response: HTTPURLResponse
        var body: [UInt8]
    }

    /// Error bodies of downloads are kept this long, for the message.
    static let errorBodyLimit = 64 * 1024

    /// One request in flight; read and changed only under the lock of `exchanges`.
    private final class Exchange: @unchecked Sendable {
        let url: String
        let limit: Int
        let sink: Sink
        let continuation: CheckedContinuation<Result<Outcome, TransportError>, Never>
        /// When the watchdog gives up (`DispatchTime` nanoseconds), and the task it cancels then.
        var deadline: UInt64 = .max
        var task: URLSessionTask?
        var received = 0
        var body: [UInt8] = []
        var failure: TransportError?
        var refusedRedirect: HTTPURLResponse?

        init(url: String, limit: Int, sink: Sink, continuation: CheckedContinuation<Result<Outcome, TransportError>, Never>) {
            self.url = url
            self.limit = limit
            self.sink = sink
            self.continuation = continuation
        }
    }

    private let exchanges = Mutex<[ObjectIdentifier: Exchange]>([:])

    /// One timer for every request's watchdog, checking deadlines each `sweepInterval`. A
    /// timer per request (`asyncAfter`) held each request's closure and URL until its deadline,
    /// an hour for downloads: memory that grew with the request rate (issue 17's soak).
    private nonisolated(unsafe) let sweeper: any DispatchSourceTimer
    static let sweepInterval = 0.5

    override init() {
        sweeper = DispatchSource.makeTimerSource(queue: .global())
        super.init()
        sweeper.schedule(deadline: .now() + Self.sweepInterval, repeating: Self.sweepInterval, leeway: .milliseconds(100))
        sweeper.setEventHandler { [weak self] in self?.sweep() }
        sweeper.resume()
    }

    deinit {
        sweeper.setEventHandler {}
        sweeper.cancel()
    }

    /// Requests in flight (tests).
    var inFlight: Int { exchanges.withLock { $0.count } }

    /// Resolves every request whose watchdog deadline has passed, cancelling its task.
    func sweep() {
        let now = DispatchTime.now().uptimeNanoseconds
        let expired = exchanges.withLock { exchanges -> [Exchange] in
            let keys = exchanges.filter { $0.value.deadline <= now }.map(\.key)
            return keys.compactMap { exchanges.removeValue(forKey: $0) }
        }
        for exchange in expired {
            exchange.task?.cancel()
            exchange.task = nil
            exchange.continuation.resume(returning: .failure(.timedOut(url: exchange.url)))
        }
    }

    /// Performs `request` on `session`, whose delegate must be this object.
    ///
    /// `giveUpAfter` seconds is a last resort past the session's own timeouts: URLSession on
    /// Linux has been seen to leave a task without any callback (a task cancelled before it
    /// started, or a session torn down under load), and an exporter must not wait forever for
    /// one request. Whichever comes first, the callback or the watchdog, resolves the request.
    func run(
        _ request: URLRequest,
        url: String,
        on session: URLSession,
        limit: Int,
        sink: Sink,
        giveUpAfter: Double
    ) async -> Result<Outcome, TransportError> {
        let task = session.dataTask(with: request)
        let key = ObjectIdentifier(task)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let exchange = Exchange(url: url, limit: limit, sink: sink, continuation: continuation)
                exchange.deadline = DispatchTime.now().uptimeNanoseconds &+ UInt64(max(0, giveUpAfter) * 1e9)
                exchange.task = task
                exchanges.withLock { $0[key] = exchange }
                if Task.isCancelled {
                    finish(key, with: .failure(.connection(url: url, reason: "the request was cancelled")))
                    return
                }
                task.resume()
            }
        } onCancel: {
            // Resolved here, not in a callback: URLSession on Linux may never call back for a
            // task cancelled mid-exchange, and a cancelled poll must end now (on SIGTERM).
            task.cancel()
            finish(key, with: .failure(.connection(url: url, reason: "the request was cancelled")))
        }
    }

    /// Resolves the request `key` with `result` unless it was resolved already.
    func finish(_ key: ObjectIdentifier, with result: Result<Outcome, TransportError>) {
        guard let exchange = exchanges.withLock({ $0.removeValue(forKey: key) }) else { return }
        exchange.task = nil
        exchange.continuation.resume(returning: result)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let status = (dataTask.response as? HTTPURLResponse)?.statusCode ?? 0
        let stop = exchanges.withLock { exchanges -> Bool in
            guard let exchange = exchanges[ObjectIdentifier(dataTask)], exchange.failure == nil else { return false }
            exchange.received += data.count
            if exchange.received > exchange.limit {
                exchange.failure = .tooLarge(url: exchange.url, limit: exchange.limit)
                return true
            }
            switch exchange.sink {
            case .memory:
                exchange.body.append(contentsOf: data)
            case .file(let fd) where (200..<300).contains(status):
                if let reason = Self.write(data, to: fd) {
                    exchange.failure = .connection(url: exchange.url, reason: "cannot write the download to its private file: \(reason)")
                    return true
                }
            case .file:
                exchange.body += data.prefix(max(0, Self.errorBodyLimit - exchange.body.count))
            }
            return false
        }
        if stop { dataTask.cancel() }
    }

    func urlSession(
        _ session: URLSession,
        task: URLSessionTask,
        willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest,
        completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        let credentialed = Self.isCredentialed(task.originalRequest) || Self.isCredentialed(request)
        if let from = response.url ?? task.currentRequest?.url, let to = request.url,
            RedirectPolicy.allows(from: from.absoluteString, to: to.absoluteString, credentialed: credentialed)
        {
            completionHandler(request)
            return
        }
        exchanges.withLock { $0[ObjectIdentifier(task)]?.refusedRedirect = Self.redirect(response, target: request.url) }
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let exchange = exchanges.withLock({ $0.removeValue(forKey: ObjectIdentifier(task)) }) else { return }
        exchange.task = nil
        let result: Result<Outcome, TransportError>
        if let failure = exchange.failure {
            result = .failure(failure)
        } else if let refused = exchange.refusedRedirect {
            result = .success(Outcome(response: refused, body: []))
        } else if let error = error as? URLError, error.code == .timedOut {
            result = .failure(.timedOut(url: exchange.url))
        } else if let error {
            result = .failure(.connection(url: exchange.url, reason: Self.describe(error)))
        } else if let http = task.response as? HTTPURLResponse {
            result = .success(Outcome(response: http, body: exchange.body))
        } else {
            result = .failure(.connection(url: exchange.url, reason: "the response was not HTTP"))
        }
        exchange.continuation.resume(returning: result)
    }

    /// The refused 3xx with its `Location` made absolute, so the error can say where it led.
    private static func redirect(_ response: HTTPURLResponse, target: URL?) -> HTTPURLResponse {
        guard let url = response.url, let target else { return response }
        var headers: [String: String] = [:]
        for (name, value) in response.allHeaderFields {
            if let name = name as? String, let value = value as? String, name.lowercased() != "location" { headers[name] = value }
        }
        headers["Location"] = target.absoluteString
        return HTTPURLResponse(url: url, statusCode: response.statusCode, httpVersion: "HTTP/1.1", headerFields: headers) ?? response
    }

    private static func isCredentialed(_ request: URLRequest?) -> Bool {
        (request?.allHTTPHeaderFields ?? [:]).keys.contains { $0.lowercased() == "authorization" }
    }

    private static func write(_ data: Data, to fd: Int32) -> String? {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> String? in
            guard let base = raw.baseAddress else { return nil }
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(fd, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                offset += written
            }
            return nil
        }
    }

    static func describe(_ error: any Error) -> String {
        if let urlError = error as? URLError { return urlError.localizedDescription }
        return String(describing: error)
    }
}
