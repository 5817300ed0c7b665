import Glibc

/// Opens a directory only this user may use: created with mode 0700 when asked, refused when it
/// is a symbolic link or another user's, and set to 0700 when it is looser. Shared by the
/// download directory and the `--storage.path` state directory.
public enum PrivateDirectory {
    /// Why the directory cannot be used, as the end of a sentence.
    public struct Refusal: Error, Sendable, Equatable {
        public let reason: String
    }

    /// A descriptor of the directory at `path`, for `openat` and friends; the caller closes it.
    public static func open(_ path: String, create: Bool) throws(Refusal) -> Int32 {
        if create && mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw Refusal(reason: "cannot create it (\(lastError()))")
        }
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            throw Refusal(reason: "cannot open it as a directory, or it is a symbolic link (\(lastError()))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_uid == geteuid() else {
            close(fd)
            throw Refusal(reason: "it belongs to another user")
        }
        if info.st_mode & 0o777 != 0o700 && fchmod(fd, 0o700) != 0 {
            close(fd)
            throw Refusal(reason: "cannot make it private (\(lastError()))")
        }
        return fd
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}
