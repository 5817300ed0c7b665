public import PrometheusExposition
import Synchronization

/// Everything a scrape needs, rendered and compressed ahead of time: a scrape copies bytes.
public struct RenderedSnapshot: Sendable {
    /// One format's body, plain and gzip-compressed.
    public struct Body: Sendable {
        public var plain: [UInt8]
        public var gzip: [UInt8]
    }

    /// True once every enabled collector has finished a first attempt.
    public var ready: Bool
    public var bodies: [ExpositionFormat: Body]

    public init(ready: Bool, bodies: [ExpositionFormat: Body]) {
        self.ready = ready
        self.bodies = bodies
    }

    /// Renders `families` in every format, compressed with gzip.
    public static func render(_ families: [MetricFamily], ready: Bool, gzipLevel: Int32 = 5) -> RenderedSnapshot {
        let normalized = families.normalized()
        var bodies: [ExpositionFormat: Body] = [:]
        for format in ExpositionFormat.allCases {
            let plain = ExpositionEncoder.encode(normalized, format: format)
            let gzip = (try? Gzip.compress(plain, level: gzipLevel)) ?? []
            bodies[format] = Body(plain: plain, gzip: gzip)
        }
        return RenderedSnapshot(ready: ready, bodies: bodies)
    }
}

/// The hand-off point between the snapshot store and the HTTP server's threads.
///
/// The server answers on plain threads, which must not wait on an actor; this box holds an
/// immutable snapshot that the store replaces whole, so a scrape takes a lock only to copy a
/// reference.
public final class SnapshotPublisher: Sendable {
    private let current: Mutex<RenderedSnapshot>

    public init(_ initial: RenderedSnapshot = RenderedSnapshot(ready: false, bodies: [:])) {
        current = Mutex(initial)
    }

    /// The latest snapshot.
    public var snapshot: RenderedSnapshot { current.withLock { $0 } }

    /// Replaces the snapshot.
    public func publish(_ snapshot: RenderedSnapshot) { current.withLock { $0 = snapshot } }
}
