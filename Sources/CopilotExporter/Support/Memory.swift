internal import CMalloc

/// The process's heap, as glibc manages it.
enum Memory {
    /// Hands freed heap pages back to the system. glibc keeps what a large temporary (a poll's
    /// samples, a render) freed, so without this the resident size after a refresh stays near
    /// its peak; trimming after each publish lets it fall back to what the snapshot needs.
    static func trim() { _ = malloc_trim(0) }
}
