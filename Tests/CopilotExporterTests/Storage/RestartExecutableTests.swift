import CopilotExporter
import Foundation
import GitHubSimulator
import Glibc
import Testing

@testable import GitHubAPI

/// The binary restarted with `--storage.path`: the second process asks GitHub nothing, and is
/// ready with the first one's values before any poll of its own.
@Suite(.serialized) struct RestartExecutableTests {
    /// Starts the exporter; returns it and its port.
    static func start(_ simulator: GitHubSimulator, storage: String) async throws -> (Process, Int) {
        let process = Process()
        process.executableURL = ExecutableTests.binary
        process.arguments = [
            "--github.api-url=\(simulator.baseURL)", "--github.org=acme-corp", "--github.org=acme-labs", "--github.enterprise=acme",
            "--web.listen-address=127.0.0.1:0", "--storage.path=\(storage)",
            // Its first poll waits for an export GitHub prepares; not needed here.
            "--no-collector.ai_usage_report",
        ]
        process.environment = ["PATH": "/usr/bin:/bin", "GITHUB_TOKEN": GitHubSimulator.demoToken]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let (port, log) = await ExecutableTests.listeningPort(err, timeout: 30)
        guard let port else {
            await stopProcess(process)
            Issue.record("the exporter did not start: \(log)")
            throw CancellationError()
        }
        return (process, port)
    }

    /// What the exporter says about GitHub, without its own traffic and timing (the intervals
    /// appear a moment after each job's first attempt, so the first process may not show all yet).
    static func published(_ text: String) -> [String: Double] {
        let own = [
            "github_copilot_api_", "github_copilot_collector_duration_seconds", "github_copilot_collector_failures_total",
            "github_copilot_scrape_requests_total", "github_copilot_token_expiry", "process_",
            "github_copilot_collector_interval_seconds", "github_copilot_exporter_",
        ]
        return parseExposition(text).filter { key, _ in !own.contains { key.hasPrefix($0) } }
    }

    @Test func theSecondProcessAsksGitHubNothingAndServesTheFirstOnesValues() async throws {
        let storage = NSTemporaryDirectory() + "/restart-exe-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: storage) }
        let simulator = GitHubSimulator(scenario: .demo(seats: 60, now: Date().timeIntervalSince1970, seed: 11))
        try simulator.start()
        try await withStopping(simulator) {
            let (first, firstPort) = try await Self.start(simulator, storage: storage)
            defer { stopProcess(first) }
            var ready = 0
            for _ in 0..<600 where ready != 200 {
                ready = try await httpGet("http://127.0.0.1:\(firstPort)/-/ready").status
                if ready != 200 { try? await Task.sleep(nanoseconds: 50_000_000) }
            }
            #expect(ready == 200)
            let before = Self.published(String(decoding: try await httpGet("http://127.0.0.1:\(firstPort)/metrics").body, as: UTF8.self))
            #expect(simulator.requests.contains { $0.target.hasPrefix("/downloads/") })
            #expect(await stopProcess(first))
            #expect(first.terminationStatus == 0)

            simulator.clearLog()
            let (second, secondPort) = try await Self.start(simulator, storage: storage)
            defer { stopProcess(second) }
            // Ready on its first answer: nothing to wait for.
            #expect(try await httpGet("http://127.0.0.1:\(secondPort)/-/ready").status == 200)
            let after = Self.published(String(decoding: try await httpGet("http://127.0.0.1:\(secondPort)/metrics").body, as: UTF8.self))
            #expect(before.count > 500)
            #expect(after.count == before.count)
            for key in Set(before.keys).union(after.keys).sorted() where before[key] != after[key] {
                Issue.record("\(key): first \(before[key].map { "\($0)" } ?? "absent"), second \(after[key].map { "\($0)" } ?? "absent")")
            }
            #expect(simulator.requests.isEmpty, "\(simulator.requests.map(\.target))")
            #expect(await stopProcess(second))
        }
    }
}
