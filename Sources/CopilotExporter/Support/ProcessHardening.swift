internal import CMalloc
import Glibc

/// Keeps the token out of places other than the exporter's own memory: core dumps, debuggers
/// of the same user, and the process environment.
public enum ProcessHardening {
    /// Sets the core-file size limit to 0 (soft and hard) and marks the process not dumpable,
    /// so a crash writes no core file with the token in it and no other process of the same
    /// user may attach to it or read its memory. Returns the failed call's name, if any.
    @discardableResult
    public static func forbidCoreDumps() -> String? {
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        if setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &none) != 0 { return "setrlimit(RLIMIT_CORE)" }
        if cm_set_dumpable(0) != 0 { return "prctl(PR_SET_DUMPABLE)" }
        return nil
    }

    /// Removes the variable `name` from the environment and overwrites its text. `unsetenv`
    /// alone drops only the pointer: the text stays in the block that `/proc/<pid>/environ`
    /// shows, so it is zeroed in place.
    public static func removeEnvironmentVariable(_ name: String) {
        let prefix = Array((name + "=").utf8)
        var entries: [UnsafeMutablePointer<CChar>] = []
        var cursor: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        while let current = cursor, let entry = current.pointee {
            // Stops at the first difference, so never reads past a shorter entry's NUL.
            if prefix.indices.allSatisfy({ UInt8(bitPattern: entry[$0]) == prefix[$0] }) { entries.append(entry) }
            cursor = current + 1
        }
        unsetenv(name)
        for entry in entries { memset(entry, 0, strlen(entry)) }
    }
}
