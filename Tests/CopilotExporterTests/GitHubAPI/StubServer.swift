import CopilotExporter
import Synchronization

@testable import GitHubAPI
@testable import WebServer

/// A loopback HTTP server that answers every request with `answer` and records what arrived.
final class StubServer: HTTPHandler, Sendable {
    private let answer: @Sendable (HTTPRequest) -> HTTPResponse
    private let log = Mutex<[HTTPRequest]>([])
    private let server = Mutex<HTTPServer?>(nil)
    private let port = Mutex(0)

    init(_ answer: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        self.answer = answer
    }

    /// Starts on a free port of 127.0.0.1 and returns the base URL.
    @discardableResult
    func start() throws -> String {
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0, requestReadTimeout: 10), handler: self)
        let bound = try server.start()
        self.server.withLock { $0 = server }
        port.withLock { $0 = bound }
        return baseURL
    }

    var baseURL: String { "http://127.0.0.1:\(port.withLock { $0 })" }

    /// The requests received so far, oldest first.
    var requests: [HTTPRequest] { log.withLock { $0 } }

    func stop() async {
        let server = self.server.withLock { $0 }
        await server?.shutdown(grace: 2)
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        log.withLock { $0.append(request) }
        return answer(request)
    }
}

/// Collects the chunks a streamed download hands over.
final class ByteSink: Sendable {
    private let storage = Mutex<[UInt8]>([])
    func append(_ chunk: [UInt8]) { storage.withLock { $0 += chunk } }
    func append(_ chunk: UnsafeBufferPointer<UInt8>) { storage.withLock { $0.append(contentsOf: chunk) } }
    var bytes: [UInt8] { storage.withLock { $0 } }
}
