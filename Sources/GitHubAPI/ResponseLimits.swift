/// The largest bodies the transport accepts, counted after decompression, so that a small
/// compressed answer cannot grow into gigabytes of memory or disk.
public struct ResponseLimits: Sendable, Hashable {
    /// One API answer (a JSON page), held in memory.
    public var apiBody: Int
    /// One report download, written to a private temporary file.
    public var download: Int

    public init(apiBody: Int = 64 << 20, download: Int = 2 << 30) {
        self.apiBody = apiBody
        self.download = download
    }

    /// `bytes` for a sentence: `64 MiB`, `2 GiB`, or plain bytes below 1 MiB.
    public static func describe(_ bytes: Int) -> String {
        if bytes >= 1 << 30 && bytes % (1 << 30) == 0 { return "\(bytes >> 30) GiB" }
        if bytes >= 1 << 20 { return "\(bytes >> 20) MiB" }
        return "\(bytes) bytes"
    }
}
