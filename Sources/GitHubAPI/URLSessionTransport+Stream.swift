import Foundation
import Glibc

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension URLSessionTransport {
    /// Streams a body by way of a private file: the delegate writes the body, as it arrives, to
    /// a file in `downloadDirectory` that was unlinked as soon as it was created (mode 0600,
    /// only this descriptor reaches it); once complete it is read back in 1 MiB chunks, and
    /// closing the descriptor frees it on every path. Handing chunks to the parser straight
    /// from the delegate is no use on Linux: libcurl keeps reading while the delegate queue
    /// falls behind, so the body piles up in memory; a write to disk keeps up.
    public func stream(
        _ request: TransportRequest,
        onChunk: @escaping ChunkHandler
    ) async throws(TransportError)
        -> TransportResponse
    {
        let urlRequest = try urlRequest(request)
        let fd: Int32
        do {
            fd = try downloadDirectory.createFile()
        } catch {
            throw .connection(url: request.url, reason: error.description)
        }
        defer { close(fd) }
        let outcome = try await delegate.run(
            urlRequest,
            url: request.url,
            on: downloadSession,
            limit: limits.download,
            sink: .file(fd),
            giveUpAfter: max(timeout, 3600) + 30
        )
        .get()
        let response = TransportResponse(
            status: outcome.response.statusCode,
            headers: Self.headers(of: outcome.response),
            body: outcome.body
        )
        guard (200..<300).contains(response.status) else { return response }
        guard lseek(fd, 0, SEEK_SET) == 0 else {
            throw .connection(url: request.url, reason: "cannot read back the downloaded file: \(String(cString: strerror(errno)))")
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                throw .connection(url: request.url, reason: "cannot read back the downloaded file: \(String(cString: strerror(errno)))")
            }
            guard count > 0 else { break }
            buffer.withUnsafeBufferPointer { onChunk(UnsafeBufferPointer(rebasing: $0[0..<count])) }
        }
        return response
    }
}
