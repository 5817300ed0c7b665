import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension URLSessionTransport {
    /// Streams a body through a data delegate: each chunk is handled on the delegate's serial
    /// queue before libcurl reads more, so a slow consumer slows the download instead of
    /// letting chunks pile up in memory.
    public func stream(
        _ request: TransportRequest,
        onChunk: @escaping @Sendable ([UInt8]) -> Void
    ) async throws(TransportError)
        -> TransportResponse
    {
        guard let url = URL(string: request.url) else { throw .invalidURL(request.url) }
        var urlRequest = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = max(timeout, 3600)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let delegate = StreamingDelegate(onChunk: onChunk)
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
        defer { session.finishTasksAndInvalidate() }
        let result: Result<TransportResponse, TransportError> = await withCheckedContinuation { continuation in
            delegate.start(session.dataTask(with: urlRequest), url: request.url, continuation: continuation)
        }
        return try result.get()
    }
}

/// Receives one data task's events. Its state is touched only on the session's serial delegate
/// queue (and once before the task starts), which is what makes the unchecked Sendable sound.
final class StreamingDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let onChunk: @Sendable ([UInt8]) -> Void
    private var status = 0
    private var headers: [String: String] = [:]
    private var errorBody: [UInt8] = []
    private var url = ""
    private var continuation: CheckedContinuation<Result<TransportResponse, TransportError>, Never>?

    init(onChunk: @escaping @Sendable ([UInt8]) -> Void) { self.onChunk = onChunk }

    func start(_ task: URLSessionDataTask, url: String, continuation: CheckedContinuation<Result<TransportResponse, TransportError>, Never>)
    {
        self.url = url
        self.continuation = continuation
        task.resume()
    }

    func urlSession(
        _ session: URLSession,
        dataTask: URLSessionDataTask,
        didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        if let http = response as? HTTPURLResponse {
            status = http.statusCode
            for (name, value) in http.allHeaderFields {
                if let name = name as? String, let value = value as? String { headers[name] = value }
            }
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        if (200..<300).contains(status) {
            onChunk([UInt8](data))
        } else if errorBody.count < 64 * 1024 {
            errorBody += data.prefix(64 * 1024 - errorBody.count)
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let result: Result<TransportResponse, TransportError>
        if let error = error as? URLError, error.code == .timedOut {
            result = .failure(.timedOut(url: url))
        } else if let error {
            result = .failure(.connection(url: url, reason: (error as? URLError)?.localizedDescription ?? "\(error)"))
        } else {
            result = .success(TransportResponse(status: status, headers: headers, body: errorBody))
        }
        continuation?.resume(returning: result)
        continuation = nil
    }
}
