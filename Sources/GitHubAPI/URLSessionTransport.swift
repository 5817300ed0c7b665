internal import CURLHostCheck
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The production transport: Foundation's URLSession (libcurl on Linux), with caching and
/// cookies off so that every exchange is exactly what the client asked for.
///
/// Every task goes through a `TransportDelegate`: redirects follow `RedirectPolicy`, and bodies
/// are capped by `limits`, counted after decompression while they arrive.
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession
    /// For report downloads: a long resource timeout, since a report can be hundreds of MB.
    let downloadSession: URLSession
    let delegate: TransportDelegate
    let timeout: Double
    public let limits: ResponseLimits
    /// Where downloads are written (each to a file unlinked as soon as it is created).
    public let downloadDirectory: DownloadDirectory

    /// - Parameter timeout: seconds one request may take, connection to last byte. At least
    ///   1 s: swift-corelibs-foundation on Linux fails a request at once when given a fraction
    ///   of a second (it reaches libcurl as whole seconds).
    public init(timeout: Double = 30, limits: ResponseLimits = ResponseLimits(), downloadDirectory: DownloadDirectory = .standard) {
        let timeout = max(1, timeout)
        let delegate = TransportDelegate()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.httpMaximumConnectionsPerHost = 4
        self.session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        let downloads = URLSessionConfiguration.ephemeral
        downloads.urlCache = nil
        downloads.httpCookieStorage = nil
        downloads.timeoutIntervalForRequest = timeout
        downloads.timeoutIntervalForResource = max(timeout, 3600)
        self.downloadSession = URLSession(configuration: downloads, delegate: delegate, delegateQueue: nil)
        self.delegate = delegate
        self.timeout = timeout
        self.limits = limits
        self.downloadDirectory = downloadDirectory
    }

    /// How many requests FoundationNetworking handed to libcurl through this package's
    /// replacement of its leaking host check (`Sources/CURLHostCheck`); it stays 0 if the
    /// replacement is not in effect.
    public static var hostChecksReplaced: Int { cx_curl_host_checks() }

    deinit {
        session.invalidateAndCancel()
        downloadSession.invalidateAndCancel()
    }

    public func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        let outcome = try await delegate.run(
            try urlRequest(request),
            url: request.url,
            on: session,
            limit: limits.apiBody,
            sink: .memory,
            giveUpAfter: timeout + 30
        )
        .get()
        return TransportResponse(status: outcome.response.statusCode, headers: Self.headers(of: outcome.response), body: outcome.body)
    }

    func urlRequest(_ request: TransportRequest) throws(TransportError) -> URLRequest {
        guard let url = URL(string: request.url) else { throw .invalidURL(request.url) }
        var urlRequest = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        if !request.body.isEmpty { urlRequest.httpBody = Data(request.body) }
        return urlRequest
    }

    static func headers(of response: HTTPURLResponse) -> [String: String] {
        var headers: [String: String] = [:]
        for (name, value) in response.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name] = value }
        }
        return headers
    }
}
