import Foundation
import Synchronization

@testable import WebServer

/// A connection held in memory: what the client sends is queued as chunks, what the server
/// writes is collected, and a receive with nothing queued reports the client gone (or, when
/// `timesOut` is set, the deadline passed). HTTP tests that are not about sockets run the
/// server's connection loop on it, with no thread, port or timing involved.
final class MemoryIO: ConnectionIO, Sendable {
    private struct State {
        var incoming: [[UInt8]]
        var written: [UInt8] = []
        var closed = false
    }
    private let state: Mutex<State>
    private let timesOut: Bool
    let fd: Int32

    /// - Parameters:
    ///   - chunks: what the client sends, one `receive` each.
    ///   - timesOut: when the chunks run out, report a timeout instead of a closed connection.
    init(_ chunks: [String], timesOut: Bool = false, fd: Int32 = -7) {
        state = Mutex(State(incoming: chunks.map { Array($0.utf8) }))
        self.timesOut = timesOut
        self.fd = fd
    }

    func receive(into buffer: inout [UInt8], until deadline: Double) -> Received {
        let next = state.withLock { state -> [UInt8]? in state.incoming.isEmpty ? nil : state.incoming.removeFirst() }
        guard let next else { return timesOut ? .timedOut : .closed }
        precondition(next.count <= buffer.count, "a test chunk larger than the server's read buffer")
        buffer.replaceSubrange(0..<next.count, with: next)
        return .bytes(next.count)
    }

    func writeAll(head: [UInt8], body: [UInt8], until deadline: Double) -> Bool {
        state.withLock { $0.written += head + body }
        return true
    }

    func write(_ bytes: UnsafeRawBufferPointer, until deadline: Double) -> Bool {
        state.withLock { $0.written += Array(bytes) }
        return true
    }

    func close() { state.withLock { $0.closed = true } }

    /// Everything the server wrote, as text.
    var output: String { state.withLock { String(decoding: $0.written, as: UTF8.self) } }

    /// The status lines the server wrote, in order (a response may follow a body directly).
    var statusLines: [String] {
        output.components(separatedBy: "HTTP/1.1 ").dropFirst().map { "HTTP/1.1 " + ($0.components(separatedBy: "\r\n").first ?? "") }
    }
}

extension HTTPResponse {
    /// The bytes a GET of this response puts on the wire after its head: `body`, or what
    /// `stream` writes, with the stream's declared length checked.
    var wholeBody: [UInt8] {
        guard let stream else { return body }
        var bytes: [UInt8] = []
        try? stream.write { bytes += Array($0) }
        precondition(bytes.count == stream.length, "a stream wrote \(bytes.count) bytes but declared \(stream.length)")
        return bytes
    }
}
