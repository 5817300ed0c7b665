import Foundation
import Synchronization

/// Supplies the token sent as `Authorization: Bearer ...` on every GitHub API request.
///
/// Contract: `token(for:)` returns the credential to use now for requests about `scope` (nil:
/// not about one organization or enterprise); implementations may re-read or re-mint it, so
/// callers ask on every request and never cache it. Errors are sentences for the user and never
/// contain the token.
public protocol CredentialSource: Sendable {
    func token(for scope: Scope?) async throws(CredentialError) -> String
}

/// Why no token could be had.
public struct CredentialError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A token fixed at start-up (`GITHUB_TOKEN`, or the simulator's).
public struct StaticToken: CredentialSource {
    private let value: String
    public init(_ value: String) { self.value = value }
    public func token(for scope: Scope?) async throws(CredentialError) -> String { value }
}

/// A token read from a file, re-read whenever the file's modification time or size changes,
/// so that a rotated Kubernetes Secret takes effect without a restart.
public final class TokenFile: CredentialSource, Sendable {
    public let path: String
    private let cached = Mutex<(stamp: String, token: String)?>(nil)

    /// Reads the file once, so a missing or empty file is reported at start-up.
    public init(path: String) throws(CredentialError) {
        self.path = path
        _ = try read()
    }

    public func token(for scope: Scope?) async throws(CredentialError) -> String { try read() }

    private func read() throws(CredentialError) -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let attributes else {
            throw CredentialError(
                "cannot read the token file \(path): it does not exist or is not readable; check --github.token-file and the Secret mount."
            )
        }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        // A rotated Kubernetes Secret swaps a symlink: the inode changes even when size and time do not.
        let stamp = "\(modified)/\(attributes[.size] ?? 0)/\(attributes[.systemFileNumber] ?? 0)"
        if let cached = cached.withLock({ $0 }), cached.stamp == stamp { return cached.token }
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
            !text.isEmpty
        else {
            throw CredentialError("the token file \(path) is empty or not text; put the token in it, alone on one line.")
        }
        cached.withLock { $0 = (stamp, text) }
        return text
    }
}
