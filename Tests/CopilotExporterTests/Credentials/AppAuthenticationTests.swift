import CopilotExporter
import Foundation
import GitHubSimulator
import Glibc
import PrometheusExposition
import Testing

@testable import GitHubAPI

/// A fresh RSA key made by the `openssl` command for each test: a key the code has never seen.
struct TemporaryKey {
    let directory: URL
    let privatePEM: String
    let publicPEM: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("app-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = directory.appendingPathComponent("key.pem").path
        try Self.openssl(["genrsa", "-traditional", "-out", key, "2048"])
        try Self.openssl(["rsa", "-in", key, "-pubout", "-out", directory.appendingPathComponent("public.pem").path])
        privatePEM = try String(contentsOfFile: key, encoding: .utf8)
        publicPEM = try String(contentsOf: directory.appendingPathComponent("public.pem"), encoding: .utf8)
    }

    @discardableResult
    static func openssl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ExternalTool.openssl)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw POSIXError(.EINVAL) }
        return String(decoding: data, as: UTF8.self)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

@Suite struct JWTTests {
    @Test(.requiresOpenSSL) func theJWTVerifiesWithTheOpenSSLCommandAndCarriesGitHubsClaims() throws {
        let key = try TemporaryKey()
        defer { key.remove() }
        let now = 1_795_176_000.0
        let jwt = try JWT.githubApp(clientID: "Iv23liTestClient", key: try RSAKey(privateKeyPEM: key.privatePEM), now: now)
        let pieces = jwt.split(separator: ".")
        #expect(pieces.count == 3)
        let message = key.directory.appendingPathComponent("message")
        let signature = key.directory.appendingPathComponent("signature")
        try Data((pieces[0] + "." + pieces[1]).utf8).write(to: message)
        try Data(try #require(base64URL(pieces[2]))).write(to: signature)
        let verdict = try TemporaryKey.openssl([
            "dgst", "-sha256", "-verify", key.directory.appendingPathComponent("public.pem").path, "-signature", signature.path,
            message.path,
        ])
        #expect(verdict.contains("Verified OK"))
        let header = String(decoding: try #require(base64URL(pieces[0])), as: UTF8.self)
        let claims = try JSONSerialization.jsonObject(with: Data(try #require(base64URL(pieces[1])))) as? [String: Any]
        #expect(header == #"{"alg":"RS256","typ":"JWT"}"#)
        #expect(claims?["iss"] as? String == "Iv23liTestClient")
        #expect(claims?["iat"] as? Int == Int(now) - 60)
        let expires = try #require(claims?["exp"] as? Int)
        #expect(expires > Int(now) && expires <= Int(now) + 600)
    }

    @Test(.requiresOpenSSL) func aTamperedMessageDoesNotVerify() throws {
        let key = try TemporaryKey()
        defer { key.remove() }
        let rsa = try RSAKey(privateKeyPEM: key.privatePEM)
        let signature = key.directory.appendingPathComponent("signature")
        try Data(try rsa.signRS256(Array("payload".utf8))).write(to: signature)
        let message = key.directory.appendingPathComponent("message")
        func verdict(_ text: String) throws -> String {
            try Data(text.utf8).write(to: message)
            return try TemporaryKey.openssl([
                "dgst", "-sha256", "-verify", key.directory.appendingPathComponent("public.pem").path, "-signature", signature.path,
                message.path,
            ])
        }
        #expect(try verdict("payload").contains("Verified OK"))
        #expect((try? verdict("payloaD")) == nil, "openssl exits non-zero when the signature does not match")
        #expect(throws: RSAKey.Failure.self) { try RSAKey(privateKeyPEM: "not a key") }
    }

    /// Base64url without padding (RFC 7515 §2), decoded with Foundation, not the client's code.
    func base64URL(_ text: Substring) -> Data? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard)
    }
}

@Suite struct AppAuthenticationEndToEndTests {
    @Test(.requiresOpenSSL) func mintsAnInstallationTokenThroughAVerifiedJWTCollectsWithItAndRenewsIt() async throws {
        let key = try TemporaryKey()
        defer { key.remove() }
        let clock = ManualClock(now: Date().timeIntervalSince1970)
        let simulator = GitHubSimulator(scenario: smallScenario(seats: 3), tokens: [:], clock: clock)
        simulator.registerApp(clientID: "Iv23liSim", publicKeyPEM: key.publicPEM, installations: ["acme": 4242])
        try simulator.start()
        try await withStopping(simulator) {
            let credentials = GitHubAppCredentials(
                clientID: "Iv23liSim",
                key: try RSAKey(privateKeyPEM: key.privatePEM),
                baseURL: simulator.baseURL,
                transport: StandardTransport.make(timeout: 5),
                clock: clock
            )
            let client = GitHubClient(
                baseURL: simulator.baseURL,
                transport: StandardTransport.make(timeout: 5),
                credentials: credentials,
                clock: clock
            )
            .scoped(.organization("acme"))
            let families = try await SeatsCollector().collect(
                .organization("acme"),
                context: CollectionContext(client: client, clock: clock)
            )
            #expect(families.first { $0.name == "github_copilot_seats" }?.samples.first?.value == 3)
            #expect(credentials.mintedCount == 1)
            let log = simulator.requests.map { "\($0.method) \($0.target) \($0.status)" }
            #expect(log.prefix(2) == ["GET /orgs/acme/installation 200", "POST /app/installations/4242/access_tokens 201"])
            #expect(simulator.requests.dropFirst(2).allSatisfy { $0.authorization?.hasPrefix("Bearer ghs_") == true })

            // Within the hour the token is reused; 56 minutes later it is renewed before it expires.
            _ = try await client.get("/orgs/acme/copilot/billing")
            #expect(credentials.mintedCount == 1)
            clock.advance(by: 56 * 60)
            _ = try await client.get("/orgs/acme/copilot/billing")
            #expect(credentials.mintedCount == 2)
            #expect(simulator.requests.filter { $0.method == "POST" }.count == 2)
        }
    }

    @Test(.requiresOpenSSL) func aWrongKeyOrClientIDIsRefusedWithASentence() async throws {
        let key = try TemporaryKey()
        let other = try TemporaryKey()
        defer {
            key.remove()
            other.remove()
        }
        let simulator = GitHubSimulator(scenario: smallScenario(seats: 1), tokens: [:])
        simulator.registerApp(clientID: "Iv23liSim", publicKeyPEM: key.publicPEM, installations: ["acme": 1])
        try simulator.start()
        try await withStopping(simulator) {
            for (clientID, pem) in [("Iv23liSim", other.privatePEM), ("Iv23liOther", key.privatePEM)] {
                let credentials = GitHubAppCredentials(
                    clientID: clientID,
                    key: try RSAKey(privateKeyPEM: pem),
                    baseURL: simulator.baseURL,
                    transport: StandardTransport.make(timeout: 5)
                )
                do {
                    _ = try await credentials.token(for: .organization("acme"))
                    Issue.record("a wrong key or client ID was accepted")
                } catch {
                    #expect(String(describing: error).contains("GitHub rejected the App's JWT"))
                    #expect(String(describing: error).contains("--github.app-client-id"))
                }
            }
            let right = GitHubAppCredentials(
                clientID: "Iv23liSim",
                key: try RSAKey(privateKeyPEM: key.privatePEM),
                baseURL: simulator.baseURL,
                transport: StandardTransport.make(timeout: 5)
            )
            do {
                _ = try await right.token(for: .organization("elsewhere"))
                Issue.record("an organization without the App was accepted")
            } catch {
                #expect(String(describing: error).contains("the App is not installed on that organization"))
            }
        }
    }
}

@Suite struct EnterpriseInstallationTests {
    @Test(.requiresOpenSSL) func findsTheEnterpriseInstallationByPagingThroughTheAppsInstallations() async throws {
        let key = try TemporaryKey()
        defer { key.remove() }
        var scenario = smallScenario(seats: 2)
        scenario.reports = SimulatedReports(source: .procedural(seed: 1))
        let simulator = GitHubSimulator(scenario: scenario, tokens: [:], maxPerPage: 1)
        simulator.registerApp(
            clientID: "Iv23liSim",
            publicKeyPEM: key.publicPEM,
            installations: ["acme": 11],
            enterpriseInstallations: ["other": 33, "ent": 44]
        )
        try simulator.start()
        try await withStopping(simulator) {
            let credentials = GitHubAppCredentials(
                clientID: "Iv23liSim",
                key: try RSAKey(privateKeyPEM: key.privatePEM),
                baseURL: simulator.baseURL,
                transport: StandardTransport.make(timeout: 5)
            )
            let credential = try await credentials.credential(for: .enterprise("ent"))
            #expect(credential.label == "app-installation-44")
            #expect(credential.token.hasPrefix("ghs_"))
            #expect(
                simulator.requests.map { "\($0.method) \($0.target) \($0.status)" } == [
                    "GET /app/installations?per_page=100 200", "GET /app/installations?per_page=1&page=2 200",
                    "GET /app/installations?per_page=1&page=3 200", "POST /app/installations/44/access_tokens 201",
                ]
            )
            // The installation is remembered: a renewal mints without listing again.
            #expect(await credentials.rejected(credential, for: .enterprise("ent")))
            simulator.clearLog()
            _ = try await credentials.credential(for: .enterprise("ent"))
            #expect(simulator.requests.map(\.target) == ["/app/installations/44/access_tokens"])

            // The token reads the enterprise's usage-metrics reports and nothing else of it.
            let client = GitHubClient(baseURL: simulator.baseURL, transport: StandardTransport.make(timeout: 5), credentials: credentials)
                .scoped(.enterprise("ent"))
            let day = RFC3339.day(Date().timeIntervalSince1970 - 86_400)
            let report = try await client.get("/enterprises/ent/copilot/metrics/reports/users-1-day", query: [("day", day)])
            #expect(report.status == 200 || report.status == 204)
            await #expect(throws: GitHubAPIError.self) { try await client.get("/enterprises/ent/copilot/billing/seats") }
            #expect(simulator.requests.last?.status == 403)
        }
    }

    @Test(.requiresOpenSSL) func anEnterpriseWithoutTheAppSaysHowToInstallIt() async throws {
        let key = try TemporaryKey()
        defer { key.remove() }
        let simulator = GitHubSimulator(scenario: smallScenario(seats: 1), tokens: [:])
        simulator.registerApp(clientID: "Iv23liSim", publicKeyPEM: key.publicPEM, installations: ["ent": 11])
        try simulator.start()
        try await withStopping(simulator) {
            let credentials = GitHubAppCredentials(
                clientID: "Iv23liSim",
                key: try RSAKey(privateKeyPEM: key.privatePEM),
                baseURL: simulator.baseURL,
                transport: StandardTransport.make(timeout: 5)
            )
            // An organization called like the enterprise is not the enterprise's installation.
            await #expect {
                try await credentials.token(for: .enterprise("ent"))
            } throws: { error in
                "\(error)".contains("not installed on enterprise ent") && "\(error)".contains("Enterprise Copilot metrics")
            }
            #expect(simulator.requests.map(\.method) == ["GET"])
        }
    }
}

@Suite struct TokenFileRotationTests {
    @Test func rotatingTheTokenFileMidRunRecoversWithoutARestart() async throws {
        let simulator = GitHubSimulator(scenario: smallScenario(seats: 2))
        try simulator.start()
        try await withStopping(simulator) {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rotate-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("token")
            try Data("ghp_revokedToken\n".utf8).write(to: file)
            let configuration = try Configuration.parse(
                ["--github.org=acme", "--github.api-url=\(simulator.baseURL)", "--github.token-file=\(file.path)"] + onlySeatsFlags,
                environment: [:]
            )
            let app = ExporterApp(configuration: configuration, credentials: try TokenFile(path: file.path), logger: .silent)
            let poller = app.makePoller()
            await poller.runOnce()
            #expect(await poller.store.failures().first?.1.contains("401 Bad credentials") == true)
            // Kubernetes rotates a Secret by swapping a symlink; a rename gives a new inode the same way.
            let next = directory.appendingPathComponent("token.new")
            try Data("\(GitHubSimulator.demoToken)\n".utf8).write(to: next)
            #expect(rename(next.path, file.path) == 0)
            await poller.runOnce()
            #expect(await poller.store.failures().isEmpty)
            let seats = String(decoding: poller.store.publisher.snapshot.plain(.text), as: UTF8.self)
            #expect(seats.contains("github_copilot_seats{org=\"acme\"} 2\n"))
        }
    }
}

let onlySeatsFlags = [
    "--no-collector.billing", "--no-collector.premium_requests", "--no-collector.ai_credits", "--no-collector.usage_metrics",
    "--no-collector.teams", "--no-collector.ai_usage_report",
]
