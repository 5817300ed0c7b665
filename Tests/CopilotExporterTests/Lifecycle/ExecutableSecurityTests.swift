import CopilotExporter
import Foundation
import GitHubSimulator
import Glibc
import Testing

@testable import GitHubAPI
@testable import WebServer

/// What the running binary leaves behind and exposes: no report files, no token in its
/// environment, no core dumps.
@Suite(.serialized) struct ExecutableSecurityTests {
    static func mode(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o777 : 0
    }

    /// Reports are read as they arrive (libcurl's transport): nothing is written to the
    /// temporary directory, not even the private directory URLSession's fallback would use
    /// (its sweeping of stale files is `DownloadDirectoryTests`' business).
    @Test func reportsLeaveNoFileInTheTemporaryDirectory() async throws {
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("tmpdir-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        let result = try await ExecutableTests.run(["--demo", "--once"], environment: ["TMPDIR": temporary])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("github_copilot_user_ai_credits_used{"), "usage reports were downloaded")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary) == [])
    }

    @Test func aPlainHTTPAPIURLOffLoopbackExits2WithOneSentence() async throws {
        let result = try await ExecutableTests.run(
            ["--github.org=acme", "--github.api-url=http://api.github.example"],
            environment: ["GITHUB_TOKEN": "ghp_x"]
        )
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("copilot_exporter: --github.api-url must be an https URL (got http://api.github.example)"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    /// What is left to read in `pipe` once the process has ended: read until end of file, or
    /// until nothing arrives for half a second (a copy of the write end may still be open).
    static func remainingLog(_ pipe: Pipe) -> String {
        let fd = pipe.fileHandleForReading.fileDescriptor
        var log: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while log.count < 1 << 20 {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 500) > 0 else { break }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            log += buffer[0..<count]
        }
        return String(decoding: log, as: UTF8.self)
    }

    @Test func theTokenLeavesTheEnvironmentAndCoreDumpsAreOff() async throws {
        let simulator = GitHubSimulator(scenario: smallScenario(seats: 2))
        try simulator.start()
        let process = Process()
        process.executableURL = ExecutableTests.binary
        process.arguments = ["--github.org=acme", "--github.api-url=\(simulator.baseURL)", "--web.listen-address=127.0.0.1:0"]
        process.environment = ["PATH": "/usr/bin:/bin", "GITHUB_TOKEN": GitHubSimulator.demoToken]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let (_, log) = await ExecutableTests.listeningPort(err, timeout: 20)
        let pid = process.processIdentifier
        let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        let limits = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
        let stopped = await stopProcess(process)
        // What it logged after "Listening." tells where a slow shutdown stood (CI saw this
        // fail twice under load, never locally).
        #expect(stopped, "the exporter exits on SIGTERM; its log after listening: \(Self.remainingLog(err))")
        await simulator.stop()

        #expect(log.contains("address=127.0.0.1:"), "the exporter was serving: \(log)")
        let variables = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        #expect(variables.contains("PATH=/usr/bin:/bin"), "the environment was read")
        #expect(!variables.contains { $0.hasPrefix("GITHUB_TOKEN") })
        #expect(!String(decoding: environ, as: UTF8.self).contains(GitHubSimulator.demoToken))
        let core = limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") }
        #expect(
            core.map { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).prefix(2) == ["0", "0"] } == true,
            "\(core ?? "")"
        )
    }
}
