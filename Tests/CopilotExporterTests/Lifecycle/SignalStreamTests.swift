import Dispatch
import Glibc
import Testing

@testable import WebServer

/// A signal sent the moment `SignalStream.make` returns is delivered, not lost to the ignored
/// disposition that stands until libdispatch has registered its source.
@Suite struct SignalStreamTests {
    @Test func aSignalSentRightAfterMakeArrives() async throws {
        // SIGUSR2: nothing else in the test process listens to it.
        let signals = SignalStream.make([SIGUSR2])
        #expect(kill(getpid(), SIGUSR2) == 0)
        let arrived = await withTaskGroup(of: Int32?.self) { group -> Int32? in
            group.addTask {
                for await number in signals { return number }
                return nil
            }
            group.addTask {
                try? await Task.sleep(nanoseconds: 10_000_000_000)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        #expect(arrived == SIGUSR2, "the signal sent right after make() was delivered within 10 s")
    }
}
