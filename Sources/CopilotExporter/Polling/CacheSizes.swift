import PrometheusExposition
import Synchronization

/// The sizes of what the process keeps across polls, for
/// `github_copilot_exporter_cache_entries` and `github_copilot_exporter_cache_bytes`, so that
/// growth shows in Prometheus (each has a bound: see the README, "What the exporter keeps").
///
/// The poller pushes the sizes of the caches and the store's tables after every attempt
/// (`set`); live sources, such as the server's connection table, are read at each scrape.
public final class CacheSizes: Sendable {
    /// One structure's size: entries, and bytes where counting them is cheap.
    public struct Size: Sendable, Equatable {
        public var entries: Int
        public var bytes: Int?

        public init(entries: Int, bytes: Int? = nil) {
            self.entries = entries
            self.bytes = bytes
        }
    }

    private let pushed = Mutex<[String: Size]>([:])
    private let live = Mutex<[String: @Sendable () -> Size]>([:])
    private let heap = Mutex<Memory.Heap?>(nil)

    public init() {}

    /// Records the sizes of `sizes`' structures, replacing what was recorded for them.
    public func set(_ sizes: [String: Size]) {
        pushed.withLock { $0.merge(sizes) { _, new in new } }
    }

    /// Records glibc's heap, for `github_copilot_exporter_heap_bytes`.
    public func set(heap value: Memory.Heap) { heap.withLock { $0 = value } }

    /// Reads `cache`'s size from `source` at every scrape.
    public func watch(_ cache: String, _ source: @escaping @Sendable () -> Size) {
        live.withLock { $0[cache] = source }
    }

    /// Every size known now, by structure name.
    public var current: [String: Size] {
        var sizes = pushed.withLock { $0 }
        for (name, source) in live.withLock({ $0 }) { sizes[name] = source() }
        return sizes
    }

    /// The two families, structures in name order; bytes only where known.
    var families: [MetricFamily] {
        let sizes = current.sorted { $0.key < $1.key }
        var families: [MetricFamily] = []
        if let heap = heap.withLock({ $0 }) {
            families.append(
                MetricFamily(
                    name: "github_copilot_exporter_heap_bytes",
                    help:
                        "glibc's heap after the last collector attempt (mallinfo2): in_use by allocations, free inside the heap, mapped on their own.",
                    samples: [("free", heap.free), ("in_use", heap.inUse), ("mapped", heap.mapped)].map {
                        Sample(labels: [Label("state", $0.0)], value: Double($0.1))
                    }
                )
            )
        }
        guard !sizes.isEmpty else { return families }
        families += [
            MetricFamily(
                name: "github_copilot_exporter_cache_entries",
                help: "Entries in each cache or table the exporter keeps across polls (each is bounded; see the README).",
                samples: sizes.map { Sample(labels: [Label("cache", $0.key)], value: Double($0.value.entries)) }
            )
        ]
        let bytes = sizes.compactMap { entry in entry.value.bytes.map { (entry.key, $0) } }
        if !bytes.isEmpty {
            families.append(
                MetricFamily(
                    name: "github_copilot_exporter_cache_bytes",
                    help: "Bytes held by a cache the exporter keeps across polls, where counting them is cheap.",
                    samples: bytes.map { Sample(labels: [Label("cache", $0.0)], value: Double($0.1)) }
                )
            )
        }
        return families
    }
}
