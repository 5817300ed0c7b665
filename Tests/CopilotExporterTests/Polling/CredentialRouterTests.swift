import CopilotExporter
import Foundation
import GitHubSimulator
import PrometheusExposition
import Testing

@testable import GitHubAPI

/// A GitHub App and a token in one process: each collector's requests carry the credential
/// its access declaration says GitHub accepts, at the unit and end to end.
@Suite struct CredentialRouterTests {
    static let both = CredentialRouter(app: StaticToken("ghs_app"), token: StaticToken("ghp_token"))

    @Test func withBothTheAppServesExactlyWhatEachCollectorDeclaresItAccepts() async throws {
        var apps: [String] = []
        for collector in CollectorRegistry.all {
            for access in collector.access {
                let expected: CredentialKind = access.acceptsApp ? .app : .token
                #expect(Self.both.kind(for: collector, scope: access.scope) == expected)
                let token = try await Self.both.source(for: collector, scope: access.scope).token(for: nil)
                #expect(token == (access.acceptsApp ? "ghs_app" : "ghp_token"))
                if access.acceptsApp && access.scope == .enterprise { apps.append(collector.name.rawValue) }
            }
        }
        #expect(apps == ["usage_metrics", "teams"])
    }

    @Test func withOneCredentialEveryCollectorUsesIt() async throws {
        let tokenOnly = CredentialRouter(StaticToken("ghp_token"))
        let seats = CollectorRegistry.collector(.seats)
        #expect(tokenOnly.kind(for: seats, scope: .enterprise) == .token)
        #expect(try await tokenOnly.token(for: nil) == "ghp_token")
        #expect(CredentialRouter(Self.both).kind(for: seats, scope: .organization) == .app)
    }

    /// The enterprise `ent` owns `acme`; the App is installed on both, and the token is the
    /// simulator's classic one.
    func withAppAndToken(
        _ arguments: [String],
        token: String? = GitHubSimulator.demoToken,
        _ body: (GitHubSimulator, Configuration, any CredentialSource) async throws -> Void
    ) async throws {
        let key = try TemporaryKey()
        defer { key.remove() }
        var scenario = smallScenario(seats: 3)
        scenario.reports = SimulatedReports(source: .procedural(seed: 1))
        let simulator = GitHubSimulator(scenario: scenario)
        simulator.registerApp(
            clientID: "Iv23liRouter",
            publicKeyPEM: key.publicPEM,
            installations: ["acme": 11],
            enterpriseInstallations: ["ent": 44]
        )
        try simulator.start()
        try await withStopping(simulator) {
            let configuration = try Configuration.parse(
                arguments + [
                    "--github.api-url=\(simulator.baseURL)", "--github.app-client-id=Iv23liRouter",
                    "--github.app-private-key-file=\(key.directory.appendingPathComponent("key.pem").path)",
                ],
                environment: token.map { ["GITHUB_TOKEN": $0] } ?? [:]
            )
            let credentials = try Launch.credentials(configuration, transport: StandardTransport.make(timeout: 5))
            try await body(simulator, configuration, credentials)
        }
    }

    @Test(.requiresOpenSSL) func anEnterprisesUsageMetricsUseTheInstallationTokenAndItsSeatsAndBillingTheToken() async throws {
        try await withAppAndToken(["--github.enterprise=ent", "--github.org=acme"]) { simulator, configuration, credentials in
            #expect(credentials is CredentialRouter)
            let poller = ExporterApp(configuration: configuration, credentials: credentials, logger: .silent).makePoller()
            await poller.runOnce()
            #expect(await poller.store.failures().isEmpty)
            let text = String(decoding: poller.store.publisher.snapshot.plain(.text), as: UTF8.self)
            #expect(text.contains("github_copilot_seats{enterprise=\"ent\"} 3\n"))
            #expect(text.contains("github_copilot_usage_report_day_timestamp_seconds{enterprise=\"ent\""))
            // The classic token has no expiry; the installation tokens' hourly one is not the token's.
            #expect(!text.contains("github_copilot_token_expiry_timestamp_seconds"))

            let minted = Set(simulator.mintedTokens.map { "Bearer " + $0 })
            let classic = "Bearer " + GitHubSimulator.demoToken
            // Without the JWT-authenticated App routes and the report downloads (sent with no credential).
            let api = simulator.requests.filter {
                !$0.target.hasPrefix("/downloads/") && !$0.target.hasPrefix("/app/") && !$0.target.hasSuffix("/installation")
            }
            func authorizations(_ prefix: String) -> Set<String> {
                Set(api.filter { $0.target.hasPrefix(prefix) }.map { $0.authorization ?? "none" })
            }
            let enterpriseReports = authorizations("/enterprises/ent/copilot/metrics/")
            // usage_metrics and teams both read them; their first, concurrent requests may each
            // mint a token (GitHubAppCredentials does not coalesce concurrent mints).
            #expect(!enterpriseReports.isEmpty && enterpriseReports.isSubset(of: minted))
            #expect(authorizations("/enterprises/ent/copilot/billing/seats") == [classic])
            #expect(authorizations("/enterprises/ent/settings/billing/") == [classic])
            // Every organization endpoint accepts an App, so acme is read with its installation's token.
            let organization = authorizations("/orgs/acme/").union(authorizations("/organizations/acme/"))
            #expect(!organization.isEmpty && organization.isSubset(of: minted), "\(organization.subtracting(minted))")
            #expect(organization.isDisjoint(with: enterpriseReports))
            #expect(api.allSatisfy { $0.status < 400 }, "\(api.filter { $0.status >= 400 }.map(\.target))")
            let mints = Set(simulator.requests.filter { $0.method == "POST" && $0.target.hasPrefix("/app/") }.map(\.target))
            #expect(mints == ["/app/installations/11/access_tokens", "/app/installations/44/access_tokens"])
        }
    }

    @Test(.requiresOpenSSL) func anAppAloneServesAnEnterpriseWhenOnlyUsageMetricsIsEnabled() async throws {
        let usageOnly = [
            "--no-collector.seats", "--no-collector.billing", "--no-collector.premium_requests", "--no-collector.ai_credits",
            "--no-collector.teams", "--no-collector.ai_usage_report",
        ]
        try await withAppAndToken(["--github.enterprise=ent"] + usageOnly, token: nil) { simulator, configuration, credentials in
            #expect(credentials is GitHubAppCredentials)
            let poller = ExporterApp(configuration: configuration, credentials: credentials, logger: .silent).makePoller()
            await poller.runOnce()
            #expect(await poller.store.failures().isEmpty)
            let api = simulator.requests.filter { $0.target.hasPrefix("/enterprises/") }
            #expect(!api.isEmpty && api.allSatisfy { $0.authorization?.hasPrefix("Bearer ghs_") == true && $0.status < 400 })
        }
    }

    @Test(.requiresOpenSSL) func checkSaysWhichCredentialEachEndpointUses() async throws {
        try await withAppAndToken(["check", "--github.enterprise=ent"]) { _, configuration, credentials in
            let (lines, _, status) = await CheckCommand(
                configuration: configuration,
                credentials: credentials,
                transport: StandardTransport.make(timeout: 5)
            ).run()
            #expect(status == 0, "\(lines.filter { $0.verdict != .ok }.map(\.text))")
            #expect(lines.count == 10)
            for line in lines {
                #expect(line.credential == ([.usageMetrics, .teams].contains(line.collector) ? .app : .token), "\(line.text)")
            }
            let usage = try #require(lines.first { $0.collector == .usageMetrics })
            #expect(usage.text.contains("enterprise=ent        app    GET /enterprises/ent/copilot/metrics/reports/users-1-day  200"))
            let seats = try #require(lines.first { $0.collector == .seats })
            #expect(seats.text.contains("enterprise=ent        token  GET /enterprises/ent/copilot/billing/seats  200"))
        }
    }
}
