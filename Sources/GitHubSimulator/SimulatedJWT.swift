import COpenSSL
import Foundation

/// The parts of a GitHub App's JSON web token the simulator checks, read by code of its own
/// (Foundation's base64 and JSONDecoder, libcrypto for the RS256 signature), not the client's.
struct SimulatedJWT {
    struct Header: Decodable { let alg: String }
    struct Claims: Decodable {
        let iat: Double
        let exp: Double
        let iss: String
    }

    let header: Header
    let claims: Claims
    let signedPart: [UInt8]
    let signature: [UInt8]

    /// Splits and decodes `header.claims.signature`; nil when it is not a JWT.
    init?(_ text: String) {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count == 3, let headerBytes = Self.base64URL(pieces[0]), let claimBytes = Self.base64URL(pieces[1]),
            let signature = Self.base64URL(pieces[2]),
            let header = try? JSONDecoder().decode(Header.self, from: headerBytes),
            let claims = try? JSONDecoder().decode(Claims.self, from: claimBytes)
        else { return nil }
        self.header = header
        self.claims = claims
        self.signedPart = Array((pieces[0] + "." + pieces[1]).utf8)
        self.signature = Array(signature)
    }

    /// Base64url without padding (RFC 7515 §2), through Foundation's base64 decoder.
    static func base64URL(_ text: Substring) -> Data? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !standard.contains("=") else { return nil }
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard)
    }

    /// True when the signature is a valid RS256 signature by the PEM public key.
    func isSigned(byPublicKeyPEM pem: String) -> Bool {
        guard let key = pem.withCString({ cx_public_key_from_pem($0, Int32(strlen($0))) }) else { return false }
        defer { EVP_PKEY_free(key) }
        return signedPart.withUnsafeBufferPointer { message in
            signature.withUnsafeBufferPointer {
                cx_verify_rs256(key, message.baseAddress, message.count, $0.baseAddress, $0.count) == 1
            }
        }
    }
}
