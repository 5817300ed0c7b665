/// The GitHub client's memory across calls: ETags with their bodies, and when each
/// rate-limit resource may be used again.
///
/// An actor because every collector shares one client. Bounded: the ETag cache keeps at most
/// `maxEntries` bodies totalling at most `maxBytes`, evicting the least recently used.
public actor ClientState {
    struct CachedBody {
        var etag: String
        var body: [UInt8]
        var lastUsed: UInt64
        /// The `Link` header of the answer (nil: it had none), when known: a 304 need not repeat
        /// it, and without it a cached first page would end its listing. Not known for entries
        /// restored from `--storage.path`.
        var link: String?? = .none
    }

    /// What is remembered for a URL.
    struct Cached {
        var etag: String
        var body: [UInt8]
        /// `.some(nil)`: the answer had no `Link`; `.none`: not known.
        var link: String??
    }

    private var cache: [String: CachedBody] = [:]
    private var cachedBytes = 0
    private var tick: UInt64 = 0
    /// Counts changes to the cached answers (stores and evictions, not reads), so that
    /// `--storage.path` writes the cache only when it changed.
    public private(set) var generation = 0
    /// Keyed by resource (a credential label: the token, or one per App installation). An
    /// entry goes when it is found expired; at most `maxBlocks`, the earliest-ending dropped
    /// first, never the one just set (a label left behind by a changed installation cannot
    /// pile up).
    private var blockedUntil: [String: (until: Double, reason: GitHubAPIError?)] = [:]
    static let maxBlocks = 64
    public let maxEntries: Int
    public let maxBytes: Int

    public init(maxEntries: Int = 2_048, maxBytes: Int = 8 << 20) {
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }

    /// Whether a listing of `pages` pages of about `pageBytes` each fits in half the cache;
    /// a larger one would evict its own pages before they are asked for again.
    nonisolated func holdsListing(pages: Int, pageBytes: Int) -> Bool {
        let (total, overflow) = pages.multipliedReportingOverflow(by: max(pageBytes, 1))
        return !overflow && total <= maxBytes / 2 && pages <= maxEntries / 2
    }

    /// The ETag, body and `Link` header last stored for `url`.
    func cached(_ url: String) -> Cached? {
        guard var entry = cache[url] else { return nil }
        tick += 1
        entry.lastUsed = tick
        cache[url] = entry
        return Cached(etag: entry.etag, body: entry.body, link: entry.link)
    }

    /// Remembers `body` under `etag` for `url`, with the answer's `Link` header (`.none`: not
    /// known), evicting old entries past the bounds.
    func store(_ url: String, etag: String, body: [UInt8], link: String?? = .none) {
        guard body.count <= maxBytes / 4 else { return }
        if let old = cache.removeValue(forKey: url) { cachedBytes -= old.body.count }
        tick += 1
        generation += 1
        cache[url] = CachedBody(etag: etag, body: body, lastUsed: tick, link: link)
        cachedBytes += body.count
        while cache.count > maxEntries || cachedBytes > maxBytes {
            guard let oldest = cache.min(by: { $0.value.lastUsed < $1.value.lastUsed }) else { break }
            cache.removeValue(forKey: oldest.key)
            cachedBytes -= oldest.value.body.count
        }
    }

    /// Forgets the body for `url`.
    func evict(_ url: String) {
        guard let old = cache.removeValue(forKey: url) else { return }
        cachedBytes -= old.body.count
        generation += 1
    }

    /// One remembered answer, for `--storage.path`.
    public struct ETagEntry: Sendable, Equatable {
        public var url: String
        public var etag: String
        public var body: [UInt8]

        public init(url: String, etag: String, body: [UInt8]) {
            self.url = url
            self.etag = etag
            self.body = body
        }
    }

    /// Every remembered answer, least recently used first.
    public func entries() -> [ETagEntry] {
        cache.sorted { $0.value.lastUsed < $1.value.lastUsed }.map { ETagEntry(url: $0.key, etag: $0.value.etag, body: $0.value.body) }
    }

    /// The entries with the generation they are of, taken together; nil when the generation is
    /// still `unless` (nothing stored or evicted since), so that no copy is made.
    public func entries(unless generation: Int?) -> (generation: Int, entries: [ETagEntry])? {
        if generation == self.generation { return nil }
        return (self.generation, entries())
    }

    /// Remembers answers kept by an earlier process, within this cache's bounds (the most
    /// recently used of them win).
    public func restore(_ entries: [ETagEntry]) {
        for entry in entries { store(entry.url, etag: entry.etag, body: entry.body) }
    }

    /// No request to `resource` before `time`; `reason` is the error that set the block, repeated
    /// while it holds so that one incident reads as one sentence.
    func block(_ resource: String, until time: Double, reason: GitHubAPIError? = nil) {
        if let existing = blockedUntil[resource], existing.until >= time { return }
        blockedUntil[resource] = (time, reason)
        // Never the block just set: that credential was just limited.
        while blockedUntil.count > Self.maxBlocks {
            guard let earliest = blockedUntil.filter({ $0.key != resource }).min(by: { $0.value.until < $1.value.until }) else { break }
            blockedUntil.removeValue(forKey: earliest.key)
        }
    }

    /// The ETag cache's entries and body bytes, and the rate-limit blocks remembered, for
    /// `github_copilot_exporter_cache_entries`.
    public func sizes() -> (entries: Int, bytes: Int, blocks: Int) {
        (cache.count, cachedBytes, blockedUntil.count)
    }

    /// The time before which `resource` must not be used, if it is still ahead of `now`, and why.
    func blocked(_ resource: String, now: Double) -> (until: Double, reason: GitHubAPIError?)? {
        guard let entry = blockedUntil[resource] else { return nil }
        guard entry.until > now else {
            blockedUntil.removeValue(forKey: resource)
            return nil
        }
        return entry
    }
}
