import CopilotExporter
import Foundation
import GitHubSimulator
import PrometheusExposition
import Testing

@testable import GitHubAPI

@Suite struct RetirementTests {
    @Test(arguments: [
        ("@1688169599", 1_688_169_599.0),
        ("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777.0),
    ])
    func deprecationDatesInBothForms(header: String, expected: Double) {
        #expect(Retirement.deprecationDate(header) == expected)
    }

    @Test(arguments: ["true", "", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 CET"])
    func noDateIsMadeUpFromOtherForms(header: String) {
        #expect(Retirement.deprecationDate(header) == nil)
    }

    @Test func aSunsetEndpointIsExportedAndLoggedOnce() async throws {
        let simulator = GitHubSimulator(scenario: smallScenario(seats: 2))
        let sunset = 1_806_537_600.0  // 2027-04-01T00:00:00Z
        simulator.retire(pathContains: "/copilot/billing/seats", deprecation: 1_798_761_600, sunset: sunset)
        try simulator.start()
        let configuration = try Configuration.parse(
            ["--github.org=acme", "--github.api-url=\(simulator.baseURL)"] + onlySeatsFlags,
            environment: ["GITHUB_TOKEN": GitHubSimulator.demoToken]
        )
        let app = ExporterApp(configuration: configuration, credentials: StaticToken(GitHubSimulator.demoToken), logger: .silent)
        let poller = app.makePoller()
        await poller.runOnce()
        await simulator.stop()
        let values = parseExposition(String(decoding: poller.store.publisher.snapshot.plain(.text), as: UTF8.self))
        let endpoint = "GET /orgs/acme/copilot/billing/seats"
        #expect(values["github_copilot_api_sunset_timestamp_seconds{endpoint=\"\(endpoint)\"}"] == sunset)
        #expect(values["github_copilot_api_deprecation_timestamp_seconds{endpoint=\"\(endpoint)\"}"] == 1_798_761_600)
        #expect(values.keys.filter { $0.hasPrefix("github_copilot_api_sunset_timestamp_seconds") }.count == 1)
        // The poller already took the warning after its attempt; nothing is left to log again.
        #expect(await poller.store.retirementWarnings().isEmpty)
    }

    @Test func theWarningNamesTheEndpointAndTheSunsetOnce() async {
        let store = SnapshotStore(jobs: [], version: "t")
        let retirement = Retirement(endpoint: "GET /orgs/acme/copilot/metrics", deprecation: nil, sunset: 1_806_537_600)
        await store.observe(APIObservation(code: "200", retirement: retirement))
        await store.observe(APIObservation(code: "200", retirement: retirement))
        let warnings = await store.retirementWarnings()
        #expect(
            warnings == [
                "GitHub marks GET /orgs/acme/copilot/metrics as deprecated; it stops answering at 2027-04-01T00:00:00Z. "
                    + "Upgrade the exporter before then (see github_copilot_api_sunset_timestamp_seconds)."
            ]
        )
        #expect(await store.retirementWarnings().isEmpty)
    }
}
