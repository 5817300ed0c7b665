import Foundation
import GitHubSimulator
import PrometheusExposition
import Testing

@testable import CopilotExporter
@testable import GitHubAPI

@Suite struct RateLimitGaugeTests {
    @Test func eachCredentialKeepsItsOwnSeriesAndAResetWindowShowsItsFullLimit() async throws {
        let clock = ManualClock(now: 1_000_000)
        let store = SnapshotStore(jobs: [], version: "t", clock: clock)
        await store.observe(
            APIObservation(code: "200", rateLimit: RateLimit(resource: "core", limit: 5000, remaining: 4000, reset: 1_000_600))
        )
        await store.observe(
            APIObservation(
                code: "200",
                rateLimit: RateLimit(resource: "core", limit: 15000, remaining: 90, reset: 1_003_000),
                credential: "app-installation-7"
            )
        )
        await store.observe(
            APIObservation(
                code: "200",
                rateLimit: RateLimit(resource: "core", limit: 15000, remaining: 14000, reset: 1_003_000),
                credential: "app-installation-8"
            )
        )
        func remaining() async -> [String: Double] {
            let family = await store.healthFamilies().first { $0.name == "github_copilot_api_rate_limit_remaining" }
            return Dictionary(uniqueKeysWithValues: (family?.samples ?? []).map { ($0.label("credential") ?? "", $0.value) })
        }
        #expect(await remaining() == ["token": 4000, "app-installation-7": 90, "app-installation-8": 14000])
        clock.advance(by: 600)
        #expect(await remaining() == ["token": 5000, "app-installation-7": 90, "app-installation-8": 14000])
    }

    @Test func twoInstallationsOfOneAppShowTwoBudgetsEndToEnd() async throws {
        let key = try TemporaryKey()
        defer { key.remove() }
        var scenario = smallScenario(seats: 2)
        scenario.organizations.append(SimulatedOrganization(login: "beta", id: 2, seats: []))
        let simulator = GitHubSimulator(scenario: scenario, tokens: [:])
        simulator.registerApp(clientID: "Iv23liSim", publicKeyPEM: key.publicPEM, installations: ["acme": 11, "beta": 22])
        simulator.setRateLimit(remaining: 100, resetIn: 1800, budget: "installation-22")
        try simulator.start()
        let configuration = try Configuration.parse(
            ["--github.org=acme", "--github.org=beta", "--github.api-url=\(simulator.baseURL)"] + onlySeatsFlags,
            environment: ["GITHUB_TOKEN": "unused"]
        )
        let credentials = GitHubAppCredentials(
            clientID: "Iv23liSim",
            key: try RSAKey(privateKeyPEM: key.privatePEM),
            baseURL: simulator.baseURL,
            transport: StandardTransport.make(timeout: 5)
        )
        let app = ExporterApp(configuration: configuration, credentials: credentials, logger: .silent)
        let poller = app.makePoller()
        await poller.runOnce()
        await simulator.stop()
        #expect(await poller.store.failures().isEmpty)
        let values = parseExposition(String(decoding: poller.store.publisher.snapshot.plain(.text), as: UTF8.self))
        let acme = values["github_copilot_api_rate_limit_remaining{credential=\"app-installation-11\",resource=\"core\"}"]
        let beta = values["github_copilot_api_rate_limit_remaining{credential=\"app-installation-22\",resource=\"core\"}"]
        #expect(acme.map { $0 > 4900 } == true)
        #expect(beta.map { $0 < 100 } == true)
        #expect(!values.keys.contains { $0.contains("ghs_") }, "an installation token never appears in a label")
    }
}
