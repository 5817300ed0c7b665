import COpenSSL
import Glibc

/// How a served connection reads and writes: plain TCP, or TLS over it.
protocol ConnectionIO {
    /// The connected socket.
    var fd: Int32 { get }
    func waitReadable(milliseconds: Int32) -> Bool
    /// Bytes read into `buffer`; 0 when the peer closed, negative on error.
    func receive(into buffer: inout [UInt8]) -> Int
    func writeAll(head: [UInt8], body: [UInt8]) -> Bool
    /// Writes all of `bytes` (a streamed body's chunk).
    func write(_ bytes: UnsafeRawBufferPointer) -> Bool
    func close()
}

struct PlainIO: ConnectionIO {
    let fd: Int32
    func waitReadable(milliseconds: Int32) -> Bool { Socket.waitReadable(fd, milliseconds: milliseconds) }
    func receive(into buffer: inout [UInt8]) -> Int { Socket.receive(fd, into: &buffer) }
    func writeAll(head: [UInt8], body: [UInt8]) -> Bool { Socket.writeAll(fd, head: head, body: body) }
    func write(_ bytes: UnsafeRawBufferPointer) -> Bool { Socket.write(fd, bytes) }
    func close() {}
}

/// A TLS session on a blocking socket; the socket's send timeout bounds writes and `poll`
/// bounds reads (after draining what OpenSSL already decrypted).
struct TLSIO: ConnectionIO {
    let fd: Int32
    let ssl: OpaquePointer

    func waitReadable(milliseconds: Int32) -> Bool {
        SSL_pending(ssl) > 0 || Socket.waitReadable(fd, milliseconds: milliseconds)
    }

    func receive(into buffer: inout [UInt8]) -> Int {
        let count = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
        return count > 0 ? Int(count) : (SSL_get_error(ssl, count) == SSL_ERROR_ZERO_RETURN ? 0 : -1)
    }

    func writeAll(head: [UInt8], body: [UInt8]) -> Bool {
        head.withUnsafeBytes { write($0) } && body.withUnsafeBytes { write($0) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = SSL_write(ssl, bytes.baseAddress! + offset, Int32(min(bytes.count - offset, 1 << 20)))
            guard written > 0 else { return false }
            offset += Int(written)
        }
        return true
    }

    func close() {
        SSL_shutdown(ssl)
        SSL_free(ssl)
    }
}

/// A TLS server context loaded from the web config's certificate and key.
public final class TLSContext: @unchecked Sendable {
    let context: OpaquePointer

    /// Loads the certificate chain and key; the error says which file and why.
    public init(_ tls: WebConfig.TLS) throws(WebConfigError) {
        var error = [CChar](repeating: 0, count: 512)
        let context = error.withUnsafeMutableBufferPointer { buffer in
            cx_tls_server_context(tls.certFile, tls.keyFile, tls.minVersion, tls.maxVersion ?? 0, buffer.baseAddress, buffer.count)
        }
        guard let context else {
            let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw WebConfigError("TLS cannot start: \(reason); check tls_server_config in --web.config.file.")
        }
        self.context = context
    }

    deinit { SSL_CTX_free(context) }

    /// Performs the handshake on an accepted socket, within the socket's receive timeout.
    func accept(_ fd: Int32, timeout: Double) -> TLSIO? {
        var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        guard let ssl = cx_tls_accept(context, fd) else { return nil }
        var none = timeval(tv_sec: 0, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, socklen_t(MemoryLayout<timeval>.size))
        return TLSIO(fd: fd, ssl: ssl)
    }
}
