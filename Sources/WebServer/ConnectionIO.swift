import COpenSSL
import Glibc
import Synchronization

/// How a served connection reads and writes: plain TCP, or TLS over it.
///
/// The socket is non-blocking; every call waits at most until the absolute `deadline` it is
/// given (seconds on `Socket.now()`'s clock), so a client that trickles bytes cannot stretch it.
protocol ConnectionIO {
    /// The connected socket.
    var fd: Int32 { get }
    /// Receives what has arrived into `buffer`, waiting for something until `deadline`.
    func receive(into buffer: inout [UInt8], until deadline: Double) -> Received
    /// Writes `head` then `body`; false when the peer is gone or `deadline` passed.
    func writeAll(head: [UInt8], body: [UInt8], until deadline: Double) -> Bool
    /// Writes all of `bytes` (a streamed body's chunk); false as `writeAll`.
    func write(_ bytes: UnsafeRawBufferPointer, until deadline: Double) -> Bool
    func close()
}

struct PlainIO: ConnectionIO {
    let fd: Int32
    func receive(into buffer: inout [UInt8], until deadline: Double) -> Received {
        Socket.receive(fd, into: &buffer, until: deadline)
    }
    func writeAll(head: [UInt8], body: [UInt8], until deadline: Double) -> Bool {
        Socket.writeAll(fd, head: head, body: body, until: deadline)
    }
    func write(_ bytes: UnsafeRawBufferPointer, until deadline: Double) -> Bool { Socket.write(fd, bytes, until: deadline) }
    func close() {}
}

/// A TLS session on a non-blocking socket: OpenSSL's "want read" and "want write" become
/// `poll` waits bounded by the call's deadline.
struct TLSIO: ConnectionIO {
    let fd: Int32
    let ssl: OpaquePointer

    func receive(into buffer: inout [UInt8], until deadline: Double) -> Received {
        while true {
            let count = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if count > 0 { return .bytes(Int(count)) }
            guard let ready = Self.awaitRetry(fd, SSL_get_error(ssl, count), until: deadline) else { return .closed }
            guard ready else { return .timedOut }
        }
    }

    func writeAll(head: [UInt8], body: [UInt8], until deadline: Double) -> Bool {
        head.withUnsafeBytes { write($0, until: deadline) } && body.withUnsafeBytes { write($0, until: deadline) }
    }

    func write(_ bytes: UnsafeRawBufferPointer, until deadline: Double) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = SSL_write(ssl, bytes.baseAddress! + offset, Int32(min(bytes.count - offset, 1 << 20)))
            if written > 0 {
                offset += Int(written)
                continue
            }
            guard Self.awaitRetry(fd, SSL_get_error(ssl, written), until: deadline) == true else { return false }
        }
        return true
    }

    func close() {
        SSL_shutdown(ssl)
        SSL_free(ssl)
    }

    /// After an OpenSSL call returned `error`: true when the socket is ready to retry, false
    /// when `deadline` passed first, nil when the session failed or ended.
    static func awaitRetry(_ fd: Int32, _ error: Int32, until deadline: Double) -> Bool? {
        switch error {
        case SSL_ERROR_WANT_READ: return Socket.wait(fd, for: Int32(POLLIN), until: deadline)
        case SSL_ERROR_WANT_WRITE: return Socket.wait(fd, for: Int32(POLLOUT), until: deadline)
        default:
            ERR_clear_error()
            return nil
        }
    }
}

/// A TLS server context loaded from the web config's certificate and key; `reload` swaps in a
/// new one for later handshakes (sessions hold a reference to the context they began with).
public final class TLSContext: Sendable {
    private let context: Mutex<UInt>

    /// Loads the certificate chain and key; the error says which file and why.
    public init(_ tls: WebConfig.TLS) throws(WebConfigError) {
        context = Mutex(UInt(bitPattern: try Self.load(tls)))
    }

    /// Replaces the context with one loaded from `tls`; on error the current one stays.
    public func reload(_ tls: WebConfig.TLS) throws(WebConfigError) {
        let fresh = UInt(bitPattern: try Self.load(tls))
        let old = context.withLock { current in
            defer { current = fresh }
            return current
        }
        SSL_CTX_free(OpaquePointer(bitPattern: old))
    }

    private static func load(_ tls: WebConfig.TLS) throws(WebConfigError) -> OpaquePointer {
        var error = [CChar](repeating: 0, count: 512)
        let context = error.withUnsafeMutableBufferPointer { buffer in
            cx_tls_server_context(tls.certFile, tls.keyFile, tls.minVersion, tls.maxVersion ?? 0, buffer.baseAddress, buffer.count)
        }
        guard let context else {
            let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw WebConfigError("TLS cannot start: \(reason); check tls_server_config in --web.config.file.")
        }
        return context
    }

    deinit { context.withLock { SSL_CTX_free(OpaquePointer(bitPattern: $0)) } }

    /// Performs the handshake on an accepted non-blocking socket; nil when it fails or is not
    /// complete by `deadline` (the whole handshake, however the client paces its bytes).
    func accept(_ fd: Int32, until deadline: Double) -> TLSIO? {
        let session = context.withLock { SSL_new(OpaquePointer(bitPattern: $0)) }
        guard let ssl = session else { return nil }
        guard SSL_set_fd(ssl, fd) == 1 else {
            SSL_free(ssl)
            return nil
        }
        while true {
            let result = SSL_accept(ssl)
            if result == 1 { return TLSIO(fd: fd, ssl: ssl) }
            guard TLSIO.awaitRetry(fd, SSL_get_error(ssl, result), until: deadline) == true else {
                SSL_free(ssl)
                ERR_clear_error()
                return nil
            }
        }
    }
}
