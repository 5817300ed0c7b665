import Foundation
import GitHubSimulator
import PrometheusExposition
import Synchronization
import Testing

@testable import CopilotExporter
@testable import GitHubAPI

/// Every table kept across polls whose keys come from GitHub has a bound, and the sizes of what
/// the process keeps are exported as `github_copilot_exporter_cache_entries`.
@Suite struct CacheBoundTests {
    @Test func rateLimitResourcesNamedByGitHubStopAtTheBound() async {
        let store = SnapshotStore(jobs: [], version: "t")
        for index in 0..<(SnapshotStore.maxRateLimits * 3) {
            await store.observe(
                APIObservation(code: "200", rateLimit: RateLimit(resource: "r\(index)", limit: 10, remaining: 5, reset: 4e9))
            )
        }
        #expect(await store.tableSizes()["rate_limits"]?.entries == SnapshotStore.maxRateLimits)
        // A resource already kept is still updated past the bound.
        await store.observe(APIObservation(code: "200", rateLimit: RateLimit(resource: "r0", limit: 10, remaining: 1, reset: 4e9)))
        let remaining = await store.healthFamilies().first { $0.name == "github_copilot_api_rate_limit_remaining" }
        #expect(remaining?.samples.first { $0.label("resource") == "r0" }?.value == 1)
        #expect(remaining?.samples.count == SnapshotStore.maxRateLimits)
    }

    @Test func retirementsOfManyEndpointsStopAtTheBound() async {
        let store = SnapshotStore(jobs: [], version: "t")
        for index in 0..<(SnapshotStore.maxRetirements * 2) {
            await store.observe(
                APIObservation(code: "200", retirement: Retirement(endpoint: "GET /e/\(index)", deprecation: nil, sunset: 2e9))
            )
        }
        #expect(await store.retirementWarnings().count == SnapshotStore.maxRetirements)
        #expect(await store.tableSizes()["retirements"]?.entries == 2 * SnapshotStore.maxRetirements)
    }

    @Test func anEndpointWhoseDatesKeepChangingKeepsOneRetirementAndOneLoggedEntry() async {
        let store = SnapshotStore(jobs: [], version: "t")
        for day in 0..<200 {
            let retirement = Retirement(endpoint: "GET /orgs/acme/copilot/metrics", deprecation: nil, sunset: 2e9 + Double(day) * 86_400)
            await store.observe(APIObservation(code: "200", retirement: retirement))
            // Each new date is logged once.
            #expect(await store.retirementWarnings().count == 1)
        }
        #expect(await store.tableSizes()["retirements"]?.entries == 2)
    }

    @Test func sizesShowPushedAndLiveEntriesAndBytesOnlyWhereKnown() {
        let sizes = CacheSizes()
        #expect(sizes.families.isEmpty)
        sizes.set(["etag": .init(entries: 3, bytes: 1_200), "reports": .init(entries: 7)])
        sizes.set(["reports": .init(entries: 9)])
        let open = Mutex(2)
        sizes.watch("connections") { .init(entries: open.withLock { $0 }) }
        open.withLock { $0 = 5 }
        let families = sizes.families
        #expect(families.map(\.name) == ["github_copilot_exporter_cache_entries", "github_copilot_exporter_cache_bytes"])
        #expect(families[0].samples.map { $0.label("cache") ?? "" } == ["connections", "etag", "reports"])
        #expect(families[0].samples.map(\.value) == [5, 3, 9])
        #expect(families[1].samples.map { $0.label("cache") ?? "" } == ["etag"])
        #expect(families[1].samples.map(\.value) == [1_200])
    }

    @Test func aPollRecordsTheSizesOfTheClientCachesAndTheStoreTables() async throws {
        let simulator = GitHubSimulator(scenario: smallScenario(seats: 3))
        try simulator.start()
        let configuration = try Configuration.parse(
            ["--github.org=acme", "--github.api-url=\(simulator.baseURL)"] + onlySeatsFlags,
            environment: ["GITHUB_TOKEN": GitHubSimulator.demoToken]
        )
        let app = ExporterApp(configuration: configuration, credentials: StaticToken(GitHubSimulator.demoToken), logger: .silent)
        let poller = app.makePoller()
        await poller.runOnce()
        await poller.runOnce()
        await simulator.stop()
        let sizes = poller.sizes.current
        for name in [
            "etag", "rate_limit_blocks", "reports", "team_reports", "ai_usage_exports", "jobs", "series", "rate_limits", "api_responses",
        ] {
            #expect(sizes[name] != nil, "\(name)")
        }
        // Seats answers carry ETags: the second poll found them cached, the cache holds them.
        #expect((sizes["etag"]?.entries ?? 0) > 0)
        #expect((sizes["etag"]?.bytes ?? 0) > 0)
        #expect(sizes["jobs"]?.entries == 1)
        // The series the jobs keep: the served exposition's sample lines less the health families'.
        let health = await EncodedFamily.encode(poller.store.healthFamilies()).reduce(0) { $0 + $1.lines.count }
        await poller.store.publish()
        let served = poller.store.publisher.snapshot.exposition.sampleCount
        #expect((sizes["series"]?.entries ?? 0) > 0)
        #expect(sizes["series"]?.entries == served - health)
        #expect((sizes["series"]?.bytes ?? 0) > (sizes["series"]?.entries ?? 0))
        #expect(sizes["rate_limit_blocks"]?.entries == 0)
        let heap = poller.sizes.families.first { $0.name == "github_copilot_exporter_heap_bytes" }
        #expect(heap?.samples.map { $0.label("state") ?? "" } == ["free", "in_use", "mapped"])
        #expect((heap?.samples.first { $0.label("state") == "in_use" }?.value ?? 0) > 0)
    }
}
