import CopilotExporter
import Foundation
import GitHubSimulator
import Glibc
import Testing

@testable import GitHubAPI

/// Runs the built `copilot_exporter` binary as a user would.
@Suite(.serialized) struct ExecutableTests {
    /// The binary beside the test bundle (SwiftPM builds it with the tests).
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("copilot_exporter")
    }

    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the binary to its end on a thread of its own (a `--once` run takes seconds, which
    /// would hold one of the threads every async test shares).
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Double = 60) async throws -> Result {
        try await offThePoolThrowing { try runBlocking(arguments, environment: environment, timeout: timeout) }
    }

    static func runBlocking(_ arguments: [String], environment: [String: String], timeout: Double) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let stdout = try Data(contentsOf: outURL)
        let stderr = try Data(contentsOf: errURL)
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self)
        )
    }

    /// Reads the process's standard error until its "Listening." line names the port, the pipe
    /// closes, or `timeout` seconds pass. Each read waits in poll(2) for at most what is left of
    /// the deadline, so a process that stays silent cannot hold the test past it (a read of
    /// `availableData` blocks until data arrives).
    static func listeningPort(_ pipe: Pipe, timeout: Double) async -> (port: Int?, log: String) {
        await offThePool { listeningPort(pipe, timeout: timeout) as (port: Int?, log: String) }
    }

    static func listeningPort(_ pipe: Pipe, timeout: Double) -> (port: Int?, log: String) {
        let fd = pipe.fileHandleForReading.fileDescriptor
        let deadline = Date().addingTimeInterval(timeout)
        var log: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let text = String(decoding: log, as: UTF8.self)
            if let range = text.range(of: "address=127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                // A number at the very end of what arrived may still be growing.
                if digits.endIndex < text.endIndex, let port = Int(digits) { return (port, text) }
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return (nil, text) }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, Int32(min(left, 1) * 1000) + 1) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return (nil, text) }
            log += buffer[0..<count]
        }
    }

    @Test func aBadFlagExits2WithOneSentence() async throws {
        let result = try await Self.run(["--web.listen-adress=:1"])
        #expect(result.status == 2)
        #expect(result.stderr == "copilot_exporter: unknown flag --web.listen-adress; run copilot_exporter --help for the list.\n")
        let noToken = try await Self.run(["--github.org=acme"])
        #expect(noToken.status == 2)
        #expect(noToken.stderr.contains("set GITHUB_TOKEN or --github.token-file"))
        #expect(noToken.stderr.split(separator: "\n").count == 1)
    }

    @Test func versionAndHelp() async throws {
        #expect(try await Self.run(["--version"]).stdout == "copilot_exporter version \(ExporterApp.version)\n")
        let help = try await Self.run(["--help"])
        #expect(help.status == 0)
        for flag in [
            "--web.listen-address", "--web.telemetry-path", "--github.api-url", "--github.org", "--github.enterprise",
            "--github.token-file", "--collector.seats.idle-days", "--no-metrics.per-user", "--log.level", "--log.format", "--demo",
            "--demo.seats", "--once",
        ] {
            #expect(help.stdout.contains(flag), "\(flag)")
        }
    }

    @Test func demoOncePrintsEverySeatFamilyAndExits0() async throws {
        let result = try await Self.run(["--demo", "--demo.seats=250", "--once"])
        #expect(result.status == 0, "\(result.stderr)")
        let values = parseExposition(result.stdout)
        #expect(values["github_copilot_seats{enterprise=\"acme\"}"] == 250)
        for family in [
            "github_copilot_seats_by_state", "github_copilot_seats_idle", "github_copilot_seats_never_active",
            "github_copilot_seats_by_editor", "github_copilot_seat_last_activity_timestamp_seconds",
            "github_copilot_seat_assigned_timestamp_seconds",
        ] {
            #expect(result.stdout.contains("# TYPE \(family) gauge\n"), "\(family)")
        }
    }

    @Test func servesUntilSIGTERMThenExits0() async throws {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["--demo", "--web.listen-address=127.0.0.1:0"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer {
            // Only when an expectation stopped the test early; the test itself sends SIGTERM.
            stopProcess(process)
        }
        let (port, log) = await Self.listeningPort(err, timeout: 20)
        let listening = try #require(port, "no Listening line: \(log)")
        var ready = 0
        for _ in 0..<100 {
            ready = try await httpGet("http://127.0.0.1:\(listening)/-/ready").status
            if ready == 200 { break }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        #expect(ready == 200)
        let metrics = try await httpGet("http://127.0.0.1:\(listening)/metrics", headers: ["Accept-Encoding": "gzip"])
        #expect(metrics.status == 200)
        #expect(await stopProcess(process), "the exporter exits on SIGTERM")
        #expect(process.terminationStatus == 0)
    }

    @Test func aRejectedTokenExits2AndTheTokenIsNeverPrinted() async throws {
        let simulator = GitHubSimulator(scenario: smallScenario(seats: 3))
        try simulator.start()
        try await withStopping(simulator) {
            let secret = "ghp_THISISTHESECRETTOKENVALUE0000000000"
            let result = try await Self.run(
                ["--github.org=acme", "--github.api-url=\(simulator.baseURL)", "--web.listen-address=127.0.0.1:0", "--log.level=debug"],
                environment: ["GITHUB_TOKEN": secret]
            )
            #expect(result.status == 2)
            #expect(result.stderr.contains("GitHub rejected the token for GET /orgs/acme/copilot/billing (401 Bad credentials)"))
            #expect(!result.stderr.contains(secret) && !result.stdout.contains(secret))
            #expect(simulator.requests.allSatisfy { $0.authorization == "Bearer \(secret)" })

            let once = try await Self.run(
                ["--github.org=acme", "--github.api-url=\(simulator.baseURL)", "--once"],
                environment: ["GITHUB_TOKEN": secret]
            )
            #expect(once.status == 1)
            #expect(once.stdout.contains("github_copilot_collector_success{collector=\"seats\",org=\"acme\"} 0"))
            #expect(!once.stderr.contains(secret) && !once.stdout.contains(secret))
        }
    }

    @Test func aTokenFileIsReadAndItsContentNeverPrinted() async throws {
        let simulator = GitHubSimulator(scenario: smallScenario(seats: 3))
        try simulator.start()
        try await withStopping(simulator) {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
            try Data("\(GitHubSimulator.demoToken)\n".utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let result = try await Self.run([
                "--github.org=acme", "--github.api-url=\(simulator.baseURL)", "--github.token-file=\(file.path)", "--once",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(parseExposition(result.stdout)["github_copilot_seats{org=\"acme\"}"] == 3)
            let missing = try await Self.run(["--github.org=acme", "--github.token-file=/nonexistent/token"])
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("cannot read the token file /nonexistent/token"))
        }
    }

    @Test func checkInDemoModeSaysEverythingWorks() async throws {
        let result = try await Self.run(["check", "--demo"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("Result: everything the configuration needs works"))
        #expect(result.stdout.contains("Token: expires at "))
    }

    @Test(.requiresOpenSSL) func anAppKeyItHasNeverSeenMintsATokenAndCollects() async throws {
        let key = try TemporaryKey()
        defer { key.remove() }
        let simulator = GitHubSimulator(scenario: smallScenario(seats: 4), tokens: [:])
        simulator.registerApp(clientID: "Iv23liExecutable", publicKeyPEM: key.publicPEM, installations: ["acme": 77])
        try simulator.start()
        try await withStopping(simulator) {
            let keyFile = key.directory.appendingPathComponent("key.pem").path
            let result = try await Self.run(
                [
                    "--github.org=acme", "--github.api-url=\(simulator.baseURL)", "--github.app-client-id=Iv23liExecutable",
                    "--github.app-private-key-file=\(keyFile)", "--once",
                ] + onlySeatsFlags
            )
            #expect(result.status == 0, "\(result.stderr)")
            #expect(parseExposition(result.stdout)["github_copilot_seats{org=\"acme\"}"] == 4)
            #expect(
                simulator.requests.contains {
                    $0.method == "POST" && $0.target == "/app/installations/77/access_tokens" && $0.status == 201
                }
            )
            let bad = try await Self.run([
                "--github.org=acme", "--github.app-client-id=X", "--github.app-private-key-file=/nonexistent.pem",
            ])
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("cannot read the GitHub App private key /nonexistent.pem"))
        }
    }

    @Test(.requiresOpenSSL, .requiresCurl) func tlsAndBasicAuthWorkWithCurlAndRefuseWhatTheyShould() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try TemporaryKey.openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
            "-days", "1", "-keyout", directory.appendingPathComponent("server.key").path, "-out",
            directory.appendingPathComponent("server.crt").path,
        ])
        let config = """
            tls_server_config:
              cert_file: server.crt
              key_file: server.key
              min_version: TLS12
            basic_auth_users:
              alice: $2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW
            """
        let configFile = directory.appendingPathComponent("web.yml")
        try Data(config.utf8).write(to: configFile)
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["--demo", "--web.listen-address=127.0.0.1:0", "--web.config.file=\(configFile.path)"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { stopProcess(process) }
        let (port, log) = await Self.listeningPort(err, timeout: 20)
        let listening = try #require(port, "\(log)")
        let base = "https://127.0.0.1:\(listening)"
        let ca = directory.appendingPathComponent("server.crt").path
        func curl(_ arguments: [String]) throws -> (status: Int32, output: String) {
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: ExternalTool.curl)
            curl.arguments = ["-sS", "--max-time", "10"] + arguments
            let pipe = Pipe()
            curl.standardOutput = pipe
            curl.standardError = pipe
            try curl.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            curl.waitUntilExit()
            return (curl.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        var ready = ""
        for _ in 0..<100 {
            ready = try curl(["--cacert", ca, "-o", "/dev/null", "-w", "%{http_code}", base + "/-/ready"]).output
            if ready == "200" { break }
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
        #expect(ready == "200", "health endpoints are open to probes")
        let good = try curl(["--cacert", ca, "-u", "alice:U*U", base + "/metrics"])
        #expect(good.status == 0)
        #expect(good.output.contains("github_copilot_seats{enterprise=\"acme\"}"))
        let wrong = try curl(["--cacert", ca, "-u", "alice:nope", "-i", base + "/metrics"])
        #expect(wrong.output.hasPrefix("HTTP/1.1 401"))
        #expect(wrong.output.lowercased().contains("www-authenticate: basic realm=\"copilot_exporter\""))
        #expect(try curl(["--cacert", ca, "-o", "/dev/null", "-w", "%{http_code}", base + "/metrics"]).output == "401")
        let plain = try curl(["http://127.0.0.1:\(listening)/metrics"])
        #expect(plain.status != 0, "plain HTTP to the TLS port is refused: \(plain.output)")
        let old = try curl(["--cacert", ca, "--tlsv1.0", "--tls-max", "1.1", "-u", "alice:U*U", base + "/metrics"])
        #expect(old.status != 0, "TLS 1.1 is refused: \(old.output)")
        let unknownCA = try curl(["-u", "alice:U*U", base + "/metrics"])
        #expect(unknownCA.status != 0, "a client that does not trust the certificate stops")
        #expect(try curl(["--cacert", ca, "-u", "alice:U*U", "-o", "/dev/null", "-w", "%{http_code}", base + "/metrics"]).output == "200")
    }

    @Test func aBadWebConfigExits2WithASentence() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("web-\(UUID().uuidString).yml")
        try Data("tls_server_config:\n  cert_file: /nonexistent.crt\n  key_file: /nonexistent.key\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await Self.run(["--demo", "--web.config.file=\(file.path)"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("TLS cannot start: cannot load the certificate /nonexistent.crt"))
    }

    @Test func theTokenAppearsNowhereTheProcessWritesEvenAtDebugLevel() async throws {
        let result = try await Self.run(["--demo", "--once", "--log.level=debug", "--log.format=json"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("\"level\":\"debug\""), "debug logging was on")
        for text in [result.stdout, result.stderr] {
            #expect(!text.contains(GitHubSimulator.demoToken))
            #expect(!text.contains("Bearer "))
        }
    }

    @Test func pseudonymizedUsersReachTheOutputAndABadKeyExits2() async throws {
        let key = FileManager.default.temporaryDirectory.appendingPathComponent("pseudonym-\(UUID().uuidString)")
        try Data("0123456789abcdef0123456789abcdef\n".utf8).write(to: key)
        defer { try? FileManager.default.removeItem(at: key) }
        let result = try await Self.run(["--demo", "--once", "--metrics.pseudonymize-users=\(key.path)"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("user=\"dev-"))
        #expect(result.stdout.contains("user=\"u_"))
        let short = FileManager.default.temporaryDirectory.appendingPathComponent("short-\(UUID().uuidString)")
        try Data("tiny".utf8).write(to: short)
        defer { try? FileManager.default.removeItem(at: short) }
        let bad = try await Self.run(["--demo", "--once", "--metrics.pseudonymize-users=\(short.path)"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("shorter than 16 bytes"))
    }
}
