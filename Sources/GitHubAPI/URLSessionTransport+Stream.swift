import Foundation
import Glibc

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension URLSessionTransport {
    /// Streams a body by way of a temporary file: the download task writes it to disk, the file
    /// is opened before Foundation removes it (the open descriptor keeps it readable), and it is
    /// read back in 1 MiB chunks. A data delegate is no use for this on Linux: libcurl keeps
    /// reading while the delegate queue falls behind, so the body piles up in memory (seen here:
    /// 242 MB resident for a 200 MB report). Disk holds one report at a time, briefly.
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
        let downloaded: Result<(Int32, HTTPURLResponse), TransportError> = await withCheckedContinuation { continuation in
            let task = downloadSession.downloadTask(with: urlRequest) { location, response, error in
                if let error = error as? URLError, error.code == .timedOut {
                    continuation.resume(returning: .failure(.timedOut(url: request.url)))
                } else if let error {
                    continuation.resume(returning: .failure(.connection(url: request.url, reason: "\(error.localizedDescription)")))
                } else if let location, let http = response as? HTTPURLResponse {
                    let fd = open(location.path, O_RDONLY | O_CLOEXEC)
                    continuation.resume(
                        returning: fd >= 0
                            ? .success((fd, http))
                            : .failure(
                                .connection(
                                    url: request.url,
                                    reason: "cannot open the downloaded file: \(String(cString: strerror(errno)))"
                                )
                            )
                    )
                } else {
                    continuation.resume(returning: .failure(.connection(url: request.url, reason: "the download returned no file")))
                }
            }
            task.resume()
        }
        let (fd, http) = try downloaded.get()
        defer { close(fd) }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name] = value }
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var errorBody: [UInt8] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            if (200..<300).contains(http.statusCode) {
                onChunk(Array(buffer[0..<count]))
            } else if errorBody.count < 64 * 1024 {
                errorBody += buffer[0..<min(count, 64 * 1024 - errorBody.count)]
            }
        }
        return TransportResponse(status: http.statusCode, headers: headers, body: errorBody)
    }
}
