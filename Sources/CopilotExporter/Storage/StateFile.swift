import CZlib
import Foundation
import GitHubAPI
import Glibc

/// One file of state kept across restarts in `--storage.path`: written atomically, checked
/// when read, private to this user.
///
/// Layout: a magic line, the format version (UInt32), the payload length (UInt64) and the
/// payload's CRC-32 (UInt32), all little-endian, then the payload. A write goes to a temporary
/// file of mode 0600 in the same directory, is fsynced, renamed over the old file, and the
/// directory is fsynced, so a crash at any point leaves either the old file or the new one.
/// A read refuses anything that is not exactly such a file: missing, foreign (another magic),
/// truncated, corrupt (CRC), too large, a symbolic link, or another user's; the caller starts
/// empty and logs the one sentence `Unusable` carries.
public struct StateFile: Sendable, Hashable {
    public let directory: String
    public let name: String
    /// Largest file read or written; a larger payload is not written.
    public let maxBytes: Int

    static let magic = Array("copilot_exporter state\n".utf8)
    static let headerSize = magic.count + 4 + 8 + 4

    public init(directory: String, name: String, maxBytes: Int = 256 << 20) {
        var directory = directory
        while directory.count > 1 && directory.hasSuffix("/") { directory.removeLast() }
        self.directory = directory
        self.name = name
        self.maxBytes = maxBytes
    }

    public var path: String { directory + "/" + name }

    /// What a read found.
    public enum Contents: Sendable, Equatable {
        /// No file yet (the first start).
        case missing
        case loaded(version: UInt32, payload: [UInt8])
        /// A file that cannot be used; `reason` is one sentence.
        case unusable(reason: String)
    }

    /// Reads and checks the file.
    public func read() -> Contents {
        var directoryInfo = stat()
        if lstat(directory, &directoryInfo) != 0 && errno == ENOENT { return .missing }
        let directoryFD: Int32
        do {
            directoryFD = try openDirectory(create: false)
        } catch {
            return .unusable(reason: error.description)
        }
        defer { close(directoryFD) }
        let fd = openat(directoryFD, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            return errno == ENOENT ? .missing : .unusable(reason: "\(path) cannot be opened (\(Self.lastError())).")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            return .unusable(reason: "\(path) is not a regular file.")
        }
        guard info.st_uid == geteuid() else { return .unusable(reason: "\(path) belongs to another user.") }
        guard Int(info.st_size) <= maxBytes else {
            return .unusable(reason: "\(path) is \(info.st_size) bytes, more than the \(maxBytes) allowed.")
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, $0.count - done) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return .unusable(reason: "\(path) could not be read whole (\(Self.lastError())).") }
            done += count
        }
        return Self.decode(bytes, path: path)
    }

    /// Checks a file's bytes and returns its payload.
    static func decode(_ bytes: [UInt8], path: String) -> Contents {
        guard bytes.count >= headerSize, Array(bytes[0..<magic.count]) == magic else {
            return .unusable(reason: "\(path) is not a copilot_exporter state file.")
        }
        var offset = magic.count
        let version = UInt32(littleEndianBytes: bytes, at: &offset)
        let length = UInt64(littleEndianBytes: bytes, at: &offset)
        let crc = UInt32(littleEndianBytes: bytes, at: &offset)
        guard length == UInt64(bytes.count - headerSize) else {
            return .unusable(reason: "\(path) is truncated or has trailing bytes (\(bytes.count - headerSize) of \(length) payload bytes).")
        }
        let payload = Array(bytes[headerSize...])
        guard checksum(payload) == crc else { return .unusable(reason: "\(path) is corrupt (its checksum does not match).") }
        return .loaded(version: version, payload: payload)
    }

    /// Replaces the file atomically with `payload`.
    public func write(version: UInt32, payload: [UInt8]) throws(Failure) {
        guard payload.count + Self.headerSize <= maxBytes else {
            throw Failure(path: path, reason: "the state is \(payload.count) bytes, more than the \(maxBytes) allowed; not written")
        }
        let bytes = Self.encode(version: version, payload: payload)
        let directoryFD = try openDirectory(create: true)
        defer { close(directoryFD) }
        let temporary = ".\(name).\(getpid()).tmp"
        _ = unlinkat(directoryFD, temporary, 0)
        let fd = openat(directoryFD, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(path: path, reason: "cannot create \(temporary) (\(Self.lastError()))") }
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let reason = Self.lastError()
                close(fd)
                _ = unlinkat(directoryFD, temporary, 0)
                throw Failure(path: path, reason: "cannot write (\(reason))")
            }
            done += count
        }
        guard fsync(fd) == 0 else {
            let reason = Self.lastError()
            close(fd)
            _ = unlinkat(directoryFD, temporary, 0)
            throw Failure(path: path, reason: "cannot flush it to disk (\(reason))")
        }
        close(fd)
        guard renameat(directoryFD, temporary, directoryFD, name) == 0 else {
            let reason = Self.lastError()
            _ = unlinkat(directoryFD, temporary, 0)
            throw Failure(path: path, reason: "cannot rename the new file into place (\(reason))")
        }
        _ = fsync(directoryFD)
    }

    static func encode(version: UInt32, payload: [UInt8]) -> [UInt8] {
        var bytes = magic
        bytes.reserveCapacity(headerSize + payload.count)
        bytes.appendLittleEndian(version)
        bytes.appendLittleEndian(UInt64(payload.count))
        bytes.appendLittleEndian(checksum(payload))
        bytes += payload
        return bytes
    }

    static func checksum(_ payload: [UInt8]) -> UInt32 {
        payload.withUnsafeBufferPointer { buffer in
            var crc = crc32(0, nil, 0)
            var offset = 0
            while offset < buffer.count {
                let count = min(buffer.count - offset, Int(UInt32.max))
                crc = crc32(crc, buffer.baseAddress! + offset, UInt32(count))
                offset += count
            }
            return UInt32(truncatingIfNeeded: crc)
        }
    }

    /// Opens the storage directory (creating it, mode 0700, when asked), refusing a symbolic
    /// link or another user's directory.
    private func openDirectory(create: Bool) throws(Failure) -> Int32 {
        do {
            return try PrivateDirectory.open(directory, create: create)
        } catch {
            throw Failure(path: directory, reason: error.reason)
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }

    /// The state could not be read or written; `description` is one sentence.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let path: String
        public let reason: String

        public var description: String {
            "The state in \(path) could not be kept: \(reason); the exporter goes on in memory."
        }
    }
}
