import Dispatch
import Glibc

/// Unix signals as an `AsyncStream`: the signals are ignored by default handling and delivered
/// through Dispatch sources instead (swift-service-lifecycle's UnixSignalsSequence idea).
public enum SignalStream {
    /// How long `make` waits for Dispatch to take the signals over.
    static let registrationTimeout = DispatchTimeInterval.seconds(5)

    /// A stream yielding each of `signals` as it arrives, from the moment it returns.
    ///
    /// On Linux, libdispatch installs its handler (sigaction, then a signalfd) only when a
    /// worker thread registers the source, after `resume()`; until then the signal is ignored
    /// and one sent is lost. A test that waited for "Listening." and then sent SIGTERM lost it
    /// that way under load. So `make` returns once every source is registered (bounded by
    /// `registrationTimeout`): whoever is told the process is ready finds the handler in place.
    public static func make(_ signals: [Int32]) -> AsyncStream<Int32> {
        let registered = DispatchGroup()
        let stream = AsyncStream { continuation in
            let queue = DispatchQueue(label: "copilot_exporter.signals")
            // Ignored first: libdispatch installs its own handler when the source is registered,
            // and a later signal(2) would replace it.
            let sources = signals.map { number -> any DispatchSourceSignal in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { continuation.yield(number) }
                registered.enter()
                source.setRegistrationHandler { registered.leave() }
                source.resume()
                return source
            }
            let box = SourceBox(sources)
            continuation.onTermination = { _ in box.cancel() }
        }
        // Runs on Dispatch's own threads, so a short blocking wait here cannot starve it.
        _ = registered.wait(timeout: .now() + registrationTimeout)
        return stream
    }

    private final class SourceBox: @unchecked Sendable {
        let sources: [any DispatchSourceSignal]
        init(_ sources: [any DispatchSourceSignal]) { self.sources = sources }
        func cancel() {
            for source in sources { source.cancel() }
        }
    }
}
