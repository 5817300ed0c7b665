import Foundation

/// The source of wall-clock time and of waiting, injected so that tests control both.
///
/// `now` is Unix time; `sleep` suspends the caller for the given seconds and throws
/// `CancellationError` when its task is cancelled.
public protocol WallClock: Sendable {
    /// The current time as seconds since 1970-01-01 00:00:00 UTC.
    func now() -> Double
    /// Suspends for `seconds` (non-positive values return at once).
    func sleep(seconds: Double) async throws
}

/// The real clock.
public struct SystemClock: WallClock {
    public init() {}

    public func now() -> Double { Date().timeIntervalSince1970 }

    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
    }
}
