import CZlib

@testable import CopilotExporter

/// The inverse of `Gzip.compress`, for tests that read what the exporter served.
extension Gzip {
    /// The bytes inside a gzip stream; `limit` bounds the output so a hostile body cannot
    /// expand without end.
    static func decompress(_ bytes: [UInt8], limit: Int = 1 << 30) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        var status = cz_inflate_init_gzip(&stream)
        guard status == Z_OK else { throw .zlib(operation: "inflateInit2", code: status) }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = bytes
        status = input.withUnsafeMutableBufferPointer { inBuffer -> Int32 in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            var result: Int32 = Z_OK
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = uInt(outBuffer.count)
                    result = inflate(&stream, Z_NO_FLUSH)
                    return outBuffer.count - Int(stream.avail_out)
                }
                output.append(contentsOf: chunk[0..<produced])
                if output.count > limit { return Z_BUF_ERROR }
            } while result == Z_OK && (stream.avail_in > 0 || stream.avail_out == 0)
            return result
        }
        guard status == Z_STREAM_END else { throw .zlib(operation: "inflate", code: status) }
        return output
    }
}
