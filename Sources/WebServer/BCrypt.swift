import CCrypt

/// Verifies passwords against bcrypt hashes (`$2a$`, `$2b$`, `$2y$`), as exporter-toolkit's
/// `basic_auth_users` stores them, through Debian's libxcrypt.
public enum BCrypt {
    /// True when `password` hashes to `hash`. The comparison takes the same time whatever
    /// differs, so timing reveals nothing about the hash.
    public static func verify(_ password: String, hash: String) -> Bool {
        guard hash.hasPrefix("$2a$") || hash.hasPrefix("$2b$") || hash.hasPrefix("$2y$"), hash.count == 60 else { return false }
        var out = [CChar](repeating: 0, count: 128)
        let ok = out.withUnsafeMutableBufferPointer { buffer in cc_crypt(password, hash, buffer.baseAddress, buffer.count) }
        guard ok == 1 else { return false }
        let computed = out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return constantTimeEqual(computed, Array(hash.utf8))
    }

    /// Compares two byte strings in time that depends only on their lengths.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
