import Synchronization

@testable import GitHubAPI

/// A clock that moves only when told to, or by the sleeps it is asked for (which return at
/// once), so tests of intervals, backoff and month boundaries run instantly and repeatably.
final class ManualClock: WallClock, Sendable {
    private struct State {
        var current: Double
        var slept: [Double] = []
    }
    private let state: Mutex<State>

    init(now: Double) { state = Mutex(State(current: now)) }

    func now() -> Double { state.withLock { $0.current } }

    func sleep(seconds: Double) async throws {
        try Task.checkCancellation()
        state.withLock {
            $0.slept.append(seconds)
            $0.current += max(0, seconds)
        }
    }

    /// Moves the clock forward.
    func advance(by seconds: Double) { state.withLock { $0.current += seconds } }

    /// Every sleep requested so far, in order.
    var sleeps: [Double] { state.withLock { $0.slept } }
}
