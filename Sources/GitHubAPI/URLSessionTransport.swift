import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The production transport: Foundation's URLSession (libcurl on Linux), with caching and
/// cookies off so that every exchange is exactly what the client asked for.
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession
    /// For report downloads: a long resource timeout, since a report can be hundreds of MB.
    let downloadSession: URLSession
    let timeout: Double

    /// - Parameter timeout: seconds one request may take, connection to last byte. At least
    ///   1 s: swift-corelibs-foundation on Linux was seen here to fail a request at once when
    ///   given a fraction of a second (it reaches libcurl as whole seconds).
    public init(timeout: Double = 30) {
        let timeout = max(1, timeout)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.httpMaximumConnectionsPerHost = 4
        self.session = URLSession(configuration: configuration)
        let downloads = URLSessionConfiguration.ephemeral
        downloads.urlCache = nil
        downloads.httpCookieStorage = nil
        downloads.timeoutIntervalForRequest = timeout
        downloads.timeoutIntervalForResource = max(timeout, 3600)
        self.downloadSession = URLSession(configuration: downloads)
        self.timeout = timeout
    }

    deinit {
        session.invalidateAndCancel()
        downloadSession.invalidateAndCancel()
    }

    public func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        guard let url = URL(string: request.url) else { throw .invalidURL(request.url) }
        var urlRequest = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        if !request.body.isEmpty { urlRequest.httpBody = Data(request.body) }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: urlRequest)
        } catch let error as URLError where error.code == .timedOut {
            throw .timedOut(url: request.url)
        } catch {
            throw .connection(url: request.url, reason: Self.describe(error))
        }
        guard let http = response as? HTTPURLResponse else {
            throw .connection(url: request.url, reason: "the response was not HTTP")
        }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name] = value }
        }
        return TransportResponse(status: http.statusCode, headers: headers, body: [UInt8](data))
    }

    private static func describe(_ error: any Error) -> String {
        if let urlError = error as? URLError { return urlError.localizedDescription }
        return String(describing: error)
    }
}
