import Foundation
public import PrometheusExposition
import WebServer

/// Replaces user logins with a stable keyed hash (`u_` and 16 hex digits of HMAC-SHA256 of the
/// login under a secret key), so per-user trends survive without names. Without the key the
/// login cannot be recovered or guessed by hashing candidate names.
public struct Pseudonymizer: Sendable {
    let key: [UInt8]

    /// Reads the key file (at least 16 bytes; its content is the key, a trailing newline ignored).
    public init(keyFile: String) throws(ConfigurationError) {
        guard let data = FileManager.default.contents(atPath: keyFile) else {
            throw ConfigurationError("cannot read --metrics.pseudonymize-users key file \(keyFile).")
        }
        var bytes = [UInt8](data)
        while bytes.last == 0x0A || bytes.last == 0x0D { bytes.removeLast() }
        guard bytes.count >= 16 else {
            throw ConfigurationError(
                "the --metrics.pseudonymize-users key in \(keyFile) is shorter than 16 bytes; use e.g. `openssl rand -hex 32 > \(keyFile)`."
            )
        }
        self.key = bytes
    }

    public init(key: [UInt8]) { self.key = key }

    /// The pseudonym of a login.
    public func pseudonym(_ login: String) -> String {
        "u_" + HMACSHA256.mac(key: key, message: Array(login.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// The families with every `user` label value replaced.
    public func apply(_ families: [MetricFamily]) -> [MetricFamily] {
        families.map { $0.mappingUsers(pseudonym) }
    }
}
