import CopilotExporter
import Foundation
import Glibc
import Synchronization
import Testing

@testable import GitHubAPI
@testable import WebServer

/// The built binary with TLS on, against clients that vanish: it must outlive them.
@Suite(.serialized) struct TLSExecutableTests {
    /// The exporter's standard error, collected as it arrives.
    final class Log: Sendable {
        let text = Mutex("")
        var all: String { text.withLock { $0 } }
    }

    /// Waits until `log` contains `fragment` or `timeout` seconds pass.
    static func wait(for fragment: String, in log: Log, within timeout: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if log.all.contains(fragment) { return true }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return log.all.contains(fragment)
    }

    @Test func resetsAfterTheHandshakeAndMidResponseDoNotEndTheProcessAndSIGHUPReloads() async throws {
        let certificate = try TemporaryCertificate()
        defer { certificate.remove() }
        let config = certificate.directory.appendingPathComponent("web.yml")
        try Data("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n".utf8).write(to: config)
        let process = Process()
        process.executableURL = ExecutableTests.binary
        process.arguments = [
            "--demo", "--demo.seats=20000", "--web.listen-address=127.0.0.1:0", "--web.config.file=\(config.path)",
        ]
        let err = Pipe()
        let log = Log()
        err.fileHandleForReading.readabilityHandler = { handle in
            let chunk = String(decoding: handle.availableData, as: UTF8.self)
            log.text.withLock { $0 += chunk }
        }
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer {
            stopProcess(process)
            err.fileHandleForReading.readabilityHandler = nil
        }
        #expect(await Self.wait(for: "address=127.0.0.1:", in: log, within: 30), "\(log.all)")
        let text = log.all
        let range = try #require(text.range(of: "address=127.0.0.1:"))
        let port = try #require(Int(text[range.upperBound...].prefix { $0.isNumber }))
        #expect(text.contains("msg=\"Web configuration loaded.\""), "\(text)")
        #expect(text.contains("basic_auth_users=0 tls=on"), "\(text)")

        func get(_ path: String) throws -> String {
            guard let client = try TLSClient(port: port) else { return "" }
            client.send("GET \(path) HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
            return String(decoding: client.read(), as: UTF8.self)
        }
        // A debug build's first 20,000-seat poll took 26-28 s on a loaded 2-core machine: up
        // to 90 s are allowed (the loop ends as soon as the exporter is ready).
        var ready = ""
        for _ in 0..<900 where !ready.hasPrefix("HTTP/1.1 200") {
            ready = try get("/-/ready")
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        #expect(ready.hasPrefix("HTTP/1.1 200"))
        for _ in 0..<3 {
            let handshakeOnly = try #require(try TLSClient(port: port))
            handshakeOnly.resetOnClose()
            let aborted = try #require(try TLSClient(port: port))
            aborted.send("GET /metrics HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n\r\n")
            #expect(aborted.read(limit: 4096).count == 4096)
            aborted.resetOnClose()
        }
        try await Task.sleep(nanoseconds: 500_000_000)
        #expect(process.isRunning, "status \(process.isRunning ? 0 : process.terminationStatus): \(log.all)")
        #expect(try get("/-/healthy").hasPrefix("HTTP/1.1 200"))

        try Data(
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  alice: \(WebConfigTests.hash)\n"
                .utf8
        ).write(to: config)
        kill(process.processIdentifier, SIGHUP)
        #expect(await Self.wait(for: "Reloaded the web configuration.", in: log, within: 20), "\(log.all)")
        #expect(try get("/metrics").hasPrefix("HTTP/1.1 401"), "the reloaded users are asked for")
        #expect(process.isRunning)
        #expect(await stopProcess(process), "the exporter exits on SIGTERM")
        #expect(process.terminationStatus == 0)
    }
}
