import COpenSSL
import Foundation
import Glibc
import Synchronization

/// Keeps the served users and TLS certificate in step with `--web.config.file`, as
/// exporter-toolkit does: `check` re-reads the file when it, the certificate or the key changed
/// (device, inode, size or modification time), or always when forced (SIGHUP).
///
/// A new file that cannot be used (unreadable, invalid, a key that does not load, TLS turned on
/// or off, which needs a new listener) is logged as an error and the previous configuration keeps
/// serving.
public final class WebConfigReloader: Sendable {
    public let path: String
    let access: AccessControl
    let tls: TLSContext?
    let logger: ServerLog
    private let state: Mutex<(config: WebConfig, signature: [FileSignature])>

    /// What identifies one version of a file: a replaced or rewritten file changes it.
    struct FileSignature: Equatable {
        var device: UInt = 0
        var inode: UInt = 0
        var size: Int = -1
        var modified: Int = 0
        var modifiedNanoseconds: Int = 0
    }

    public init(path: String, config: WebConfig, access: AccessControl, tls: TLSContext?, logger: ServerLog) {
        self.path = path
        self.access = access
        self.tls = tls
        self.logger = logger
        self.state = Mutex((config, Self.signature(path: path, config: config)))
    }

    /// Reloads when a file changed since the last check, or when `force` is set; true when a new
    /// configuration is now served.
    @discardableResult
    public func check(force: Bool = false) -> Bool {
        let (current, signature) = state.withLock { ($0.config, $0.signature) }
        guard force || Self.signature(path: path, config: current) != signature else { return false }
        let fresh: WebConfig
        do {
            fresh = try WebConfig.load(path: path)
            if (fresh.tls == nil) != (tls == nil) {
                throw WebConfigError("turning TLS on or off needs a restart")
            }
            if let settings = fresh.tls { try tls?.reload(settings) }
        } catch {
            state.withLock { $0.signature = Self.signature(path: path, config: current) }
            logger.error("Cannot reload --web.config.file \(path): \(error); the previous configuration keeps serving.")
            return false
        }
        access.replaceUsers(fresh.basicAuthUsers)
        state.withLock { $0 = (fresh, Self.signature(path: path, config: fresh)) }
        logger.info("Reloaded the web configuration.", fresh.summary(path: path))
        if let warning = fresh.tls?.keyFileWarning() { logger.warn(warning) }
        return true
    }

    static func signature(path: String, config: WebConfig) -> [FileSignature] {
        ([path] + [config.tls?.certFile, config.tls?.keyFile].compactMap { $0 }).map { file in
            var info = stat()
            guard stat(file, &info) == 0 else { return FileSignature() }
            return FileSignature(
                device: UInt(info.st_dev),
                inode: UInt(info.st_ino),
                size: Int(info.st_size),
                modified: Int(info.st_mtim.tv_sec),
                modifiedNanoseconds: Int(info.st_mtim.tv_nsec)
            )
        }
    }
}

extension WebConfig {
    /// Log fields that say what the configuration turns on, never a secret.
    public func summary(path: String) -> [(String, String)] {
        [("file", path), ("basic_auth_users", String(basicAuthUsers.count)), ("tls", tls == nil ? "off" : "on")]
    }
}

extension WebConfig.TLS {
    /// A warning when the key file can be read by its group or others, nil otherwise.
    public func keyFileWarning() -> String? {
        var info = stat()
        guard stat(keyFile, &info) == 0, info.st_mode & 0o077 != 0 else { return nil }
        let mode = String(info.st_mode & 0o777, radix: 8)
        return
            "The TLS key file \(keyFile) can be read by other users (mode \(mode)); chmod 600 it (or 640 for a group the exporter alone is in)."
    }
}
