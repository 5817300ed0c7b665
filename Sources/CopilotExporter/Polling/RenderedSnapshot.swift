public import PrometheusExposition
import Synchronization

/// Everything a scrape needs, prepared ahead of time: the gzip bodies a scrape copies, and the
/// exposition to write plain bodies from.
///
/// A plain body up to `heldPlainLimit` bytes is held as is; a larger one (about 55 MB at
/// 100,000 seats) is written per scrape from the front-coded exposition, chunk by chunk,
/// which keeps the serving process small at the cost of some CPU per plain scrape. Prometheus
/// asks for gzip, which is always held.
public struct RenderedSnapshot: Sendable {
    /// One format's body: its gzip compression, its plain length, and the plain bytes when held.
    public struct Body: Sendable {
        public var plain: [UInt8]?
        public var plainLength: Int
        let compressed: CompressedBody

        init(plain: [UInt8]?, plainLength: Int, gzip: [UInt8]) {
            self.plain = plain
            self.plainLength = plainLength
            compressed = CompressedBody(gzip)
        }

        init(plain: [UInt8]? = nil, plainLength: Int, compress: @escaping @Sendable () -> [UInt8]) {
            self.plain = plain
            self.plainLength = plainLength
            compressed = CompressedBody(compress)
        }

        /// The gzip body (empty if zlib failed), compressed on first use when it was deferred.
        public var gzip: [UInt8] { compressed.bytes }

        /// Whether the gzip body exists yet (tests).
        public var isCompressed: Bool { compressed.isDone }
    }

    /// A gzip body, made at most once, by the first scrape that asks for it when deferred;
    /// scrapes asking meanwhile wait for that one rather than compressing again.
    final class CompressedBody: Sendable {
        private let state: Mutex<[UInt8]?>
        private let make: @Sendable () -> [UInt8]

        init(_ bytes: [UInt8]) {
            state = Mutex(bytes)
            make = { [] }
        }

        init(_ make: @escaping @Sendable () -> [UInt8]) {
            state = Mutex(nil)
            self.make = make
        }

        var bytes: [UInt8] {
            state.withLock { held in
                if let held { return held }
                let bytes = make()
                held = bytes
                return bytes
            }
        }

        var isDone: Bool { state.withLock { $0 != nil } }
    }

    /// Plain bodies up to this size are held rather than written per scrape. Both formats' are
    /// held, beside the front-coded exposition: at 8 MiB a 10,000-seat exporter (8.1 MB bodies)
    /// held 16 MB of them and served at 69.6 MB, more than one of 100,000 seats (61.7 MB).
    public static let heldPlainLimit = 2 << 20

    /// True once every enabled collector has finished a first attempt.
    public var ready: Bool
    public var exposition: Exposition
    public var bodies: [ExpositionFormat: Body]

    public init(ready: Bool, exposition: Exposition = Exposition([]), bodies: [ExpositionFormat: Body]) {
        self.ready = ready
        self.exposition = exposition
        self.bodies = bodies
    }

    /// Composes the encoded families of every source and compresses each format with gzip at
    /// level 5: up to `heldPlainLimit` at once (unless `compressHeld` is false); beyond it only
    /// when a scrape first asks for that format. Prometheus asks for one format, so the other's gzip body is neither made nor
    /// held (4 to 5 MB at 100,000 seats). Compressing once per publish and format, level 5 is
    /// affordable there too: about 0.6 s for the 60 MB of 100,000 seats against 0.3 s at level 1,
    /// for a body held 13 % smaller.
    public static func render(
        _ sources: [[EncodedFamily]],
        ready: Bool,
        heldPlainLimit: Int = heldPlainLimit,
        compressHeld: Bool = true,
        onClash: (ExpositionClash) -> Void = { _ in }
    ) -> RenderedSnapshot {
        let exposition = Exposition(sources, onClash: onClash)
        var bodies: [ExpositionFormat: Body] = [:]
        for format in ExpositionFormat.allCases {
            let length = exposition.byteCount(format)
            if length <= heldPlainLimit {
                let bytes = exposition.bytes(format)
                if compressHeld {
                    bodies[format] = Body(plain: bytes, plainLength: length, gzip: (try? Gzip.compress(bytes, level: 5)) ?? [])
                } else {
                    bodies[format] = Body(plain: bytes, plainLength: length) { (try? Gzip.compress(bytes, level: 5)) ?? [] }
                }
            } else {
                bodies[format] = Body(plainLength: length) { compress(exposition, format) }
            }
        }
        return RenderedSnapshot(ready: ready, exposition: exposition, bodies: bodies)
    }

    /// `exposition` in `format` through gzip level 5, written chunk by chunk; empty if zlib
    /// fails (only without memory: plain scrapes still work).
    static func compress(_ exposition: Exposition, _ format: ExpositionFormat) -> [UInt8] {
        do {
            let compressor = try Gzip.Compressor(level: 5)
            try exposition.write(format) { try compressor.feed($0) }
            defer { Memory.trim() }  // the output's outgrown buffers, as after a publish
            return try compressor.finish()
        } catch {
            return []
        }
    }

    /// Renders plain families (tests and small callers).
    public static func render(_ families: [MetricFamily], ready: Bool, heldPlainLimit: Int = heldPlainLimit) -> RenderedSnapshot {
        render([EncodedFamily.encode(families)], ready: ready, heldPlainLimit: heldPlainLimit)
    }

    /// Makes the gzip bodies of the held plain bodies now, if they were deferred.
    public func compressHeld() {
        for body in bodies.values where body.plain != nil { _ = body.gzip }
    }

    /// The plain body in `format`, built when it is not held.
    public func plain(_ format: ExpositionFormat) -> [UInt8] {
        bodies[format]?.plain ?? exposition.bytes(format)
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
