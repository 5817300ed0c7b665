import COpenSSL
import Foundation

/// An RSA private key held by OpenSSL's libcrypto, for signing GitHub App JWTs (RS256).
///
/// Immutable once loaded: OpenSSL 3 allows concurrent signing with one key, which is what makes
/// the unchecked Sendable sound. The key material is never printed.
public final class RSAKey: @unchecked Sendable {
    private let key: OpaquePointer

    /// Why a key could not be used.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Loads a private key from PEM (PKCS#1 `RSA PRIVATE KEY`, as GitHub downloads it, or PKCS#8).
    public init(privateKeyPEM pem: String) throws(Failure) {
        guard let key = pem.withCString({ cx_private_key_from_pem($0, Int32(strlen($0))) }) else {
            throw Failure(description: "not a PEM private key (GitHub's App keys start with -----BEGIN RSA PRIVATE KEY-----)")
        }
        self.key = key
    }

    deinit { EVP_PKEY_free(key) }

    /// The RS256 signature of `message`.
    public func signRS256(_ message: [UInt8]) throws(Failure) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: Int(EVP_PKEY_get_size(key)))
        var length = signature.count
        let ok = message.withUnsafeBufferPointer { messageBytes in
            signature.withUnsafeMutableBufferPointer {
                cx_sign_rs256(key, messageBytes.baseAddress, messageBytes.count, $0.baseAddress, &length)
            }
        }
        guard ok == 1 else { throw Failure(description: "RS256 signing failed (is it an RSA key?)") }
        return Array(signature.prefix(length))
    }
}
