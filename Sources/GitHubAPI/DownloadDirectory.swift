import Foundation
import Glibc

/// A private directory (mode 0700) where report downloads land, so that no other user of the
/// machine can read a report, and none outlives the exporter.
///
/// Contract: `prepare()` creates the directory, or takes over one this user already owns
/// (refusing a symbolic link or another user's directory), sets it to 0700 and removes whatever
/// an earlier run left in it. `createFile()` creates a file in it with `O_EXCL` and mode 0600
/// and unlinks it at once: only the returned descriptor reaches the data, and the disk space is
/// freed when it is closed, however the process ends.
public struct DownloadDirectory: Sendable, Hashable {
    public let path: String

    public init(path: String) {
        var path = path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        self.path = path
    }

    /// `copilot_exporter-<uid>` in the temporary directory (`$TMPDIR`, else `/tmp`).
    public static var standard: DownloadDirectory {
        DownloadDirectory(path: URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("copilot_exporter-\(geteuid())").path)
    }

    /// Creates (or checks) the directory and removes files left from an earlier run; returns
    /// how many were removed.
    @discardableResult
    public func prepare() throws(Failure) -> Int {
        let directory = try open()
        defer { close(directory) }
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw Failure(path: path, reason: "cannot list it (\(error.localizedDescription))")
        }
        var removed = 0
        for entry in entries {
            if unlinkat(directory, entry, 0) == 0 || unlinkat(directory, entry, AT_REMOVEDIR) == 0 {
                removed += 1
            } else if (try? FileManager.default.removeItem(atPath: path + "/" + entry)) != nil {
                removed += 1
            }
        }
        return removed
    }

    /// A new, already unlinked file of mode 0600, open for reading and writing.
    func createFile() throws(Failure) -> Int32 {
        let directory = try open()
        defer { close(directory) }
        let name = "download-\(UUID().uuidString)"
        let fd = openat(directory, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(path: path, reason: "cannot create a file in it (\(Self.lastError()))") }
        _ = unlinkat(directory, name, 0)
        return fd
    }

    /// Opens the directory, creating it first if needed, and checks it is this user's and private.
    private func open() throws(Failure) -> Int32 {
        do {
            return try PrivateDirectory.open(path, create: true)
        } catch {
            throw Failure(path: path, reason: error.reason)
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }

    /// The directory cannot be used; `description` is one sentence.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let path: String
        public let reason: String

        public var description: String {
            "the private download directory \(path) is unusable: \(reason); set TMPDIR to a directory this user may write."
        }
    }
}
