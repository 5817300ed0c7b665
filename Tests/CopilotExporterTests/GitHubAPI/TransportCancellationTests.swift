import Foundation
import Glibc
import Testing

@testable import GitHubAPI

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A request never waits forever for URLSession: the watchdog resolves it when no callback
/// comes, and a request cancelled before it starts resolves at once.
@Suite struct TransportWatchdogTests {
    /// A loopback socket that listens but never accepts: a connection is queued and nothing is
    /// ever answered.
    static func silentPort() throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// The session's own timeout is ten minutes; the watchdog's one second ends the request.
    /// Without the watchdog this test would run into its time limit.
    @Test(.timeLimit(.minutes(2))) func theWatchdogEndsARequestNoCallbackEnds() async throws {
        let (fd, port) = try Self.silentPort()
        defer { close(fd) }
        let delegate = TransportDelegate()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 600
        configuration.timeoutIntervalForResource = 600
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        defer { session.invalidateAndCancel() }
        let url = "http://127.0.0.1:\(port)/silent"
        let result = await delegate.run(
            URLRequest(url: URL(string: url)!, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: 600),
            url: url,
            on: session,
            limit: 1 << 20,
            sink: .memory,
            giveUpAfter: 1
        )
        guard case .failure(.timedOut(let failed)) = result else {
            Issue.record("expected a timeout, got \(result)")
            return
        }
        #expect(failed == url)
        // The one sweeping timer resolved it and kept nothing of it.
        #expect(delegate.inFlight == 0)
    }

    /// Both transports: a request cancelled before it starts is never sent.
    @Test(.timeLimit(.minutes(2)), arguments: TransportKind.allCases)
    func aRequestCancelledBeforeItStartsFailsAtOnce(kind: TransportKind) async throws {
        let (fd, port) = try Self.silentPort()
        defer { close(fd) }
        let transport = try kind.make(timeout: 600)
        let request = TransportRequest(url: "http://127.0.0.1:\(port)/silent", headers: [:])
        let task = Task<Result<TransportResponse, TransportError>, Never> {
            while !Task.isCancelled { await Task.yield() }
            do throws(TransportError) { return .success(try await transport.send(request)) } catch { return .failure(error) }
        }
        task.cancel()
        guard case .failure(.connection(_, let reason)) = await task.value else {
            Issue.record("a cancelled request did not fail as cancelled")
            return
        }
        #expect(reason.contains("cancelled"))
    }

    /// A request cancelled while it waits for an answer ends at once, on either transport
    /// (whatever URLSession does after `cancel()`; libcurl through its progress callback): a
    /// poll cancelled on SIGTERM must not wait for the timeout.
    @Test(.timeLimit(.minutes(2)), arguments: TransportKind.allCases)
    func aRequestCancelledMidExchangeEndsAtOnce(kind: TransportKind) async throws {
        let (fd, port) = try Self.silentPort()
        defer { close(fd) }
        let transport = try kind.make(timeout: 600)
        let request = TransportRequest(url: "http://127.0.0.1:\(port)/silent", headers: [:])
        let task = Task<Result<TransportResponse, TransportError>, Never> {
            do throws(TransportError) { return .success(try await transport.send(request)) } catch { return .failure(error) }
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        task.cancel()
        guard case .failure(.connection(_, let reason)) = await task.value else {
            Issue.record("a cancelled request did not fail as cancelled")
            return
        }
        #expect(reason.contains("cancelled"))
    }
}
