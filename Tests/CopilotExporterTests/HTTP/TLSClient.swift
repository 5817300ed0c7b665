import COpenSSL
import Foundation
import Glibc

@testable import CopilotExporter
@testable import GitHubAPI
@testable import WebServer

/// A self-signed certificate and its key, made by the `openssl` command in a fresh folder.
struct TemporaryCertificate {
    let directory: URL
    var certFile: String { directory.appendingPathComponent("server.crt").path }
    var keyFile: String { directory.appendingPathComponent("server.key").path }
    var tls: WebConfig.TLS { WebConfig.TLS(certFile: certFile, keyFile: keyFile, minVersion: 0x0303, maxVersion: nil) }

    init(commonName: String = "localhost") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try write(commonName: commonName, certFile: certFile, keyFile: keyFile)
    }

    /// Makes a certificate and key for `commonName` at the given paths (a rotation, when they
    /// are this certificate's own).
    func write(commonName: String, certFile: String, keyFile: String) throws {
        try TemporaryKey.openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(commonName)", "-addext",
            "subjectAltName=IP:127.0.0.1", "-days", "1", "-keyout", keyFile, "-out", certFile,
        ])
        chmod(keyFile, 0o600)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// A TLS client over a raw socket, for the hostile things a test wants: abrupt resets, raw
/// bytes under the session, chosen versions and cipher suites. It does not check certificates.
final class TLSClient {
    let raw: RawClient
    let context: OpaquePointer
    let ssl: OpaquePointer

    /// Connects and completes a handshake; nil when the server refuses it.
    init?(port: Int, maxVersion: Int32 = 0, ciphers: String? = nil) throws {
        raw = try RawClient(port: port)
        guard let context = SSL_CTX_new(TLS_client_method()) else { return nil }
        self.context = context
        if maxVersion > 0 { SSL_CTX_ctrl(context, SSL_CTRL_SET_MAX_PROTO_VERSION, Int(maxVersion), nil) }
        if let ciphers { SSL_CTX_set_cipher_list(context, ciphers) }
        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            return nil
        }
        self.ssl = ssl
        SSL_set_fd(ssl, raw.fd)
        guard SSL_connect(ssl) == 1 else {
            // Every property is set, so deinit runs and frees the session and context.
            ERR_clear_error()
            return nil
        }
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    /// The negotiated cipher suite's OpenSSL name.
    var cipher: String { String(cString: SSL_CIPHER_get_name(SSL_get_current_cipher(ssl))) }

    /// The subject of the certificate the server presented, as OpenSSL prints it.
    var peerSubject: String {
        guard let certificate = SSL_get1_peer_certificate(ssl) else { return "" }
        defer { X509_free(certificate) }
        var buffer = [CChar](repeating: 0, count: 256)
        X509_NAME_oneline(X509_get_subject_name(certificate), &buffer, Int32(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func send(_ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
    }

    /// Reads up to `limit` bytes (until the peer closes, silence of 5 s, or the limit).
    func read(limit: Int = .max) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while out.count < limit {
            let count = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32(min($0.count, limit - out.count))) }
            if count <= 0 { break }
            out += buffer[0..<Int(count)]
        }
        return out
    }

    /// Makes closing (releasing this client) a TCP reset, without a TLS close_notify.
    func resetOnClose() { raw.resetOnClose() }
}

extension RawClient {
    /// Makes closing (releasing this client) a TCP reset: the server's next write fails with
    /// EPIPE (and raises SIGPIPE unless it is ignored).
    func resetOnClose() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
    }

    /// Waits up to `timeout` seconds for the server to close the connection, discarding what
    /// arrives; true when it closed.
    func closedByServer(within timeout: Double, sending trickle: [UInt8] = []) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var spec = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &spec, socklen_t(MemoryLayout<timeval>.size))
        var index = 0
        while Date() < deadline {
            if index < trickle.count {
                send([trickle[index]])
                index += 1
            }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) { return true }
        }
        return false
    }
}
