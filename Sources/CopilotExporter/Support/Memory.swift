internal import CMalloc
import Dispatch
import Synchronization

/// The process's heap, as glibc manages it.
public enum Memory {
    /// Hands freed heap pages back to the system. glibc keeps what a large temporary (a poll's
    /// samples, a render) freed, so without this the resident size after a refresh stays near
    /// its peak; trimming after each publish lets it fall back to what the snapshot needs.
    static func trim() {
        _ = malloc_trim(0)
        lastTrim.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
    }

    /// Polling attempts running now (every poller of the process: the heap is the process's).
    private static let attempts = Atomic<Int>(0)
    /// When `trim` last ran (uptime nanoseconds).
    private static let lastTrim = Atomic<UInt64>(0)
    /// The longest `trimIfIdle` goes without trimming while attempts run: overlapping attempts
    /// (an hour-long report download among them) must not keep the heap untrimmed for good.
    static let maxUntrimmed: UInt64 = 30_000_000_000

    /// Free bytes an arena keeps at its top while attempts run, and when none does (glibc's
    /// default, which a fixed mmap threshold also fixes).
    ///
    /// During a refresh, 128 KiB handed back a seat page's body (about 190 KB) or libcurl's
    /// 256 KiB buffer freed at the heap's top at once, and the next request faulted it in again:
    /// at 4 MiB a 100,000-seat refresh took 43,097 page faults instead of 59,957. Between
    /// refreshes the default stands, so the memory a scrape frees goes back as before (kept at
    /// 4 MiB for good, a serving 10,000-seat exporter measured 2-4 MB more).
    static let refreshTrimThreshold: Int32 = 4 << 20
    static let idleTrimThreshold: Int32 = 128 << 10

    /// Marks an attempt begun; `endAttempt` when it ends.
    static func beginAttempt() {
        if attempts.add(1, ordering: .relaxed).newValue == 1 { _ = mallopt(M_TRIM_THRESHOLD, refreshTrimThreshold) }
    }
    /// True when no polling attempt is running.
    static var isIdle: Bool { attempts.load(ordering: .relaxed) <= 0 }
    /// Returns true when no attempt runs any more. An attempt beginning as the last one ends
    /// may leave either threshold set until the next change: only a little speed or memory is
    /// at stake, never correctness.
    @discardableResult
    static func endAttempt() -> Bool {
        let idle = attempts.subtract(1, ordering: .relaxed).newValue <= 0
        if idle { _ = mallopt(M_TRIM_THRESHOLD, idleTrimThreshold) }
        return idle
    }

    /// Trims when no attempt is running, or when the last trim is `maxUntrimmed` old. Trimming
    /// while others run hands back pages they are about to fault in again (a 100,000-seat
    /// refresh runs 19 attempts at once); the last to end trims, and so does the publish after
    /// it, so an idle process is as small as before.
    static func trimIfIdle() {
        let now = DispatchTime.now().uptimeNanoseconds
        if shouldTrim(attempts: attempts.load(ordering: .relaxed), now: now, lastTrim: lastTrim.load(ordering: .relaxed)) { trim() }
    }

    /// The decision of `trimIfIdle`, pure (tests).
    static func shouldTrim(attempts: Int, now: UInt64, lastTrim: UInt64) -> Bool {
        attempts <= 0 || now &- lastTrim >= maxUntrimmed
    }

    /// glibc's heap now (`mallinfo2`): bytes in use by allocations, free inside the heap, and
    /// in chunks mapped on their own. Walks the arenas' free lists: call per poll, not per scrape.
    public struct Heap: Sendable, Equatable {
        public var inUse: Int
        public var free: Int
        public var mapped: Int
    }

    static func heap() -> Heap {
        let info = mallinfo2()
        return Heap(inUse: Int(info.uordblks), free: Int(info.fordblks), mapped: Int(info.hblkhd))
    }

    /// Caps glibc's malloc arenas at two. By default each thread that allocates may get an
    /// arena of its own (up to 8 per core), and the server runs a thread per connection, so
    /// memory freed by one scrape's thread stays in that arena; the exporter's allocation
    /// rate is far too low for the shared arenas to be contended. Call before other threads start.
    ///
    /// Also fixes the size from which an allocation gets pages of its own (`mmap`, returned to
    /// the system when freed) at 1 MiB. glibc starts at 128 KiB but raises that threshold to
    /// the size of each mapped block freed, up to 32 MiB, so after one refresh the large
    /// temporaries (a 100,000-seat poll's tables, bodies and arrays) come from the heap and
    /// leave it fragmented: pages kept resident by a few live objects among freed ones, which
    /// no trim can return. Fixed, a serving 100,000-seat exporter measured 54 and 58 MB where it
    /// measured 58 to 67 MB, at no cost in a refresh's CPU time (`bench/README.md`).
    /// The trim threshold is raised while attempts run (`beginAttempt`).
    public static func configureAllocator() {
        _ = mallopt(M_ARENA_MAX, 2)
        _ = mallopt(M_MMAP_THRESHOLD, 1 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, idleTrimThreshold)
    }
}
