import Dispatch
import Glibc

/// Unix signals as an `AsyncStream`: the signals are ignored by default handling and delivered
/// through Dispatch sources instead (swift-service-lifecycle's UnixSignalsSequence idea).
public enum SignalStream {
    /// A stream yielding each of `signals` as it arrives.
    public static func make(_ signals: [Int32]) -> AsyncStream<Int32> {
        AsyncStream { continuation in
            let queue = DispatchQueue(label: "copilot_exporter.signals")
            // Ignored first: libdispatch installs its own handler when the source is made, and
            // a later signal(2) would replace it.
            let sources = signals.map { number -> any DispatchSourceSignal in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { continuation.yield(number) }
                source.resume()
                return source
            }
            let box = SourceBox(sources)
            continuation.onTermination = { _ in box.cancel() }
        }
    }

    private final class SourceBox: @unchecked Sendable {
        let sources: [any DispatchSourceSignal]
        init(_ sources: [any DispatchSourceSignal]) { self.sources = sources }
        func cancel() {
            for source in sources { source.cancel() }
        }
    }
}
