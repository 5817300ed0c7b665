import Foundation
import Glibc
import Synchronization

/// Supplies the token sent as `Authorization: Bearer ...` on every GitHub API request.
///
/// Contract: `token(for:)` returns the credential to use now for requests about `scope` (nil:
/// not about one organization or enterprise); implementations may re-read or re-mint it, so
/// callers ask on every request and never cache it. Errors are sentences for the user and never
/// contain the token.
public protocol CredentialSource: Sendable {
    func token(for scope: Scope?) async throws(CredentialError) -> String

    /// The token to use now for `scope`, with the label that names it in metrics (never the
    /// token itself). Default: `token(for:)`, labelled `token`.
    func credential(for scope: Scope?) async throws(CredentialError) -> Credential

    /// GitHub answered 401 to `credential`: drop whatever is cached for it. Returns true when
    /// the next `credential(for:)` may hold another token, so one retry is worth it. Default:
    /// false (a fixed token cannot change).
    func rejected(_ credential: Credential, for scope: Scope?) async -> Bool
}

extension CredentialSource {
    public func credential(for scope: Scope?) async throws(CredentialError) -> Credential {
        Credential(token: try await token(for: scope), label: Credential.tokenLabel)
    }

    public func rejected(_ credential: Credential, for scope: Scope?) async -> Bool { false }
}

/// A token and the label that stands for it in metrics and logs.
public struct Credential: Sendable, Hashable {
    /// Secret; never printed or exported.
    public var token: String
    /// `token` for a personal access token, `app-installation-<id>` for an installation token.
    public var label: String

    public init(token: String, label: String) {
        self.token = token
        self.label = label
    }

    public static let tokenLabel = "token"

    public static func installationLabel(_ id: String) -> String { "app-installation-" + id }
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

/// A token read from a file, re-read whenever the file it resolves to changes, so that a
/// rotated Kubernetes Secret takes effect without a restart, and re-read after GitHub rejects it.
///
/// The kubelet mounts a Secret key as `token -> ..data/token`, with `..data` a symlink it swaps
/// atomically to a new timestamped directory. The change stamp therefore comes from stat(2),
/// which follows every link to the file itself (device, inode, size, modification time).
public final class TokenFile: CredentialSource, Sendable {
    public let path: String
    private let cached = Mutex<(stamp: String, token: String)?>(nil)

    /// Reads the file once, so a missing or empty file is reported at start-up.
    public init(path: String) throws(CredentialError) {
        self.path = path
        _ = try read()
    }

    public func token(for scope: Scope?) async throws(CredentialError) -> String { try read() }

    /// Forgets the cached token and reads the file again; true when it now holds another token.
    public func rejected(_ credential: Credential, for scope: Scope?) async -> Bool {
        cached.withLock { $0 = nil }
        return (try? read()).map { $0 != credential.token } ?? false
    }

    private func read() throws(CredentialError) -> String {
        guard let stamp = Self.stamp(path) else {
            throw CredentialError(
                "cannot read the token file \(path): it does not exist or is not readable; check --github.token-file and the Secret mount."
            )
        }
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

    /// The identity and version of the file `path` resolves to through all its symlinks, or nil
    /// when it cannot be resolved.
    static func stamp(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_dev)/\(info.st_ino)/\(info.st_size)/\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }
}
