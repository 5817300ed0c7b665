internal import CZlib

/// gzip compression through the system zlib.
public enum Gzip {
    /// Errors from zlib, with the zlib return code.
    public enum Failure: Error, Equatable {
        case zlib(operation: String, code: Int32)
    }

    /// `bytes` compressed as a single gzip member (RFC 1952) at the given level (1 fast … 9 small).
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        var status = cz_deflate_init_gzip(&stream, level)
        guard status == Z_OK else { throw .zlib(operation: "deflateInit2", code: status) }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(bytes.count))) + 32
        var output = [UInt8](repeating: 0, count: bound)
        var input = bytes
        status = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw .zlib(operation: "deflate", code: status) }
        output.removeLast(output.count - Int(stream.total_out))
        return output
    }

    /// Compresses a stream fed in pieces into one gzip member, so a large input is never held
    /// whole; only the compressed output grows.
    public final class Compressor {
        private var stream = z_stream()
        private var output: [UInt8] = []
        private let chunk = UnsafeMutablePointer<UInt8>.allocate(capacity: 64 * 1024)
        private var finished = false

        public init(level: Int32 = 6) throws(Failure) {
            let status = cz_deflate_init_gzip(&stream, level)
            guard status == Z_OK else {
                chunk.deallocate()
                throw .zlib(operation: "deflateInit2", code: status)
            }
        }

        deinit {
            deflateEnd(&stream)
            chunk.deallocate()
        }

        /// Compresses `bytes` (the output is kept until `finish`).
        public func feed(_ bytes: UnsafeRawBufferPointer) throws(Failure) {
            guard !bytes.isEmpty else { return }
            stream.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
            stream.avail_in = uInt(bytes.count)
            try run(Z_NO_FLUSH)
        }

        /// Ends the member and returns all compressed bytes.
        public func finish() throws(Failure) -> [UInt8] {
            if !finished {
                stream.next_in = nil
                stream.avail_in = 0
                try run(Z_FINISH)
                finished = true
            }
            return output
        }

        private func run(_ flush: Int32) throws(Failure) {
            repeat {
                stream.next_out = chunk
                stream.avail_out = 64 * 1024
                let status = deflate(&stream, flush)
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw .zlib(operation: "deflate", code: status)
                }
                output.append(contentsOf: UnsafeBufferPointer(start: chunk, count: 64 * 1024 - Int(stream.avail_out)))
                if status == Z_STREAM_END { return }
            } while stream.avail_out == 0 || (flush == Z_FINISH)
        }
    }
}
