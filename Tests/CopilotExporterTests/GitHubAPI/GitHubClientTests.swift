import CopilotExporter
import Foundation
import GitHubSimulator
import Synchronization
import Testing

@testable import GitHubAPI

/// The client against the simulator over loopback, with the production URLSession transport.
@Suite struct GitHubClientTests {
    @Test func followsLinkPaginationWithPerPage100() async throws {
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 250))
        try await withStopping(harness) {
            var logins: [String] = []
            try await harness.client.forEachPage(CopilotSeatPage.self, "/orgs/acme/copilot/billing/seats") { page in
                #expect(page.totalSeats == 250)
                logins += page.seats.compactMap(\.assignee?.login)
            }
            #expect(logins.count == 250)
            #expect(Set(logins).count == 250)
            let targets = harness.simulator.requests.map(\.target)
            #expect(
                targets == [
                    "/orgs/acme/copilot/billing/seats?per_page=100",
                    "/orgs/acme/copilot/billing/seats?per_page=100&page=2",
                    "/orgs/acme/copilot/billing/seats?per_page=100&page=3",
                ]
            )
        }
    }

    @Test func revalidatesEveryPageOfAListingTheCacheHolds() async throws {
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 250))
        try await withStopping(harness) {
            for _ in 0..<2 { try await harness.client.forEachPage(CopilotSeatPage.self, "/orgs/acme/copilot/billing/seats") { _ in } }
            let second = harness.simulator.requests.suffix(3)
            #expect(second.map(\.status) == [304, 304, 304])
            #expect(second.allSatisfy { $0.headers["if-none-match"] != nil })
            #expect(await harness.client.state.sizes().entries == 3)
        }
    }

    @Test func aNotModifiedWithoutLinkStillFollowsTheListing() async throws {
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 250))
        try await withStopping(harness) {
            harness.simulator.omitLinkOnNotModified()
            var logins: [Int] = []
            for _ in 0..<2 {
                var count = 0
                try await harness.client.forEachPage(CopilotSeatPage.self, "/orgs/acme/copilot/billing/seats") { count += $0.seats.count }
                logins.append(count)
            }
            #expect(logins == [250, 250])
            #expect(harness.simulator.requests.map(\.status) == [200, 200, 200, 304, 304, 304])
            // Entries restored from disk do not know their Link header: such a page is asked
            // for again without its ETag rather than taken as the listing's end.
            await harness.client.state.restore(await harness.client.state.entries())
            var count = 0
            try await harness.client.forEachPage(CopilotSeatPage.self, "/orgs/acme/copilot/billing/seats") { count += $0.seats.count }
            #expect(count == 250)
            #expect(harness.simulator.requests.suffix(6).map(\.status) == [304, 200, 304, 200, 304, 200])
        }
    }

    @Test func keepsNothingOfAListingLargerThanTheCache() async throws {
        // Three pages against a cache of four entries: a listing may take at most half of it.
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 250), state: ClientState(maxEntries: 4))
        try await withStopping(harness) {
            var logins = 0
            for _ in 0..<2 {
                try await harness.client.forEachPage(CopilotSeatPage.self, "/orgs/acme/copilot/billing/seats") { page in
                    logins += page.seats.count
                }
            }
            #expect(logins == 500)
            let requests = harness.simulator.requests
            #expect(requests.map(\.status) == [200, 200, 200, 200, 200, 200])
            #expect(requests.allSatisfy { $0.headers["if-none-match"] == nil })
            #expect(await harness.client.state.sizes().entries == 0)
            // Single answers still use the cache.
            _ = try await harness.client.get("/orgs/acme/copilot/billing")
            #expect(try await harness.client.get("/orgs/acme/copilot/billing").fromCache)
        }
    }

    @Test func readsTheLastPageNumberOfALinkHeader() {
        let link =
            #"<https://api.github.com/x?per_page=100&page=2>; rel="next", <https://api.github.com/x?per_page=100&page=34>; rel="last""#
        #expect(LinkHeader.lastPage(link) == 34)
        #expect(LinkHeader.lastPage(#"<https://api.github.com/x?page=2>; rel="next""#) == nil)
        #expect(LinkHeader.lastPage(#"<https://api.github.com/x?page=zero>; rel="last""#) == nil)
        #expect(LinkHeader.lastPage(nil) == nil)
    }

    @Test func foundationNetworkingsLeakingHostCheckIsReplaced() async throws {
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 1), transport: URLSessionTransport(timeout: 5))
        try await withStopping(harness) {
            let before = URLSessionTransport.hostChecksReplaced
            for _ in 0..<5 { _ = try await harness.client.get("/orgs/acme/copilot/billing") }
            // Other tests run requests at the same time: at least these five went through it.
            #expect(URLSessionTransport.hostChecksReplaced - before >= 5)
        }
    }

    @Test func sendsTheHeadersGitHubRequires() async throws {
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 1))
        try await withStopping(harness) {
            _ = try await harness.client.get("/orgs/acme/copilot/billing")
            let headers = try #require(harness.simulator.requests.first?.headers)
            #expect(headers["accept"] == "application/vnd.github+json")
            #expect(headers["authorization"] == "Bearer \(GitHubSimulator.demoToken)")
            #expect(headers["x-github-api-version"] == "2022-11-28")
            #expect(headers["user-agent"] == "copilot_exporter")
        }
    }

    @Test func revalidatesWithETagAndA304CostsNoRateLimit() async throws {
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 3))
        try await withStopping(harness) {
            let first = try await harness.client.get("/orgs/acme/copilot/billing")
            let second = try await harness.client.get("/orgs/acme/copilot/billing")
            #expect(!first.fromCache)
            #expect(second.fromCache)
            #expect(second.body == first.body)
            let log = harness.simulator.requests
            #expect(log.map(\.status) == [200, 304])
            #expect(log[1].headers["if-none-match"] != nil)
            let remaining = harness.observations.entries.withLock { $0.compactMap { $0.rateLimit?.remaining } }
            #expect(remaining.count == 2)
            #expect(remaining[0] == remaining[1])
            #expect(harness.observations.codes == ["200", "304"])
        }
    }

    @Test func retriesServerErrorsWithBackoffThenSucceeds() async throws {
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 1))
        try await withStopping(harness) {
            harness.simulator.inject(FaultRule(.status(502), count: 2))
            let response = try await harness.client.get("/orgs/acme/copilot/billing")
            #expect(response.status == 200)
            #expect(harness.simulator.requests.map(\.status) == [502, 502, 200])
            let sleeps = harness.clock.sleeps
            #expect(sleeps.count == 2)
            #expect((0.8...1.2).contains(sleeps[0]))
            #expect((1.6...2.4).contains(sleeps[1]))
        }
    }

    @Test func givesUpAfterMaxAttemptsOnPersistentServerErrors() async throws {
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 1))
        try await withStopping(harness) {
            harness.simulator.inject(FaultRule(.status(503)))
            await #expect(throws: GitHubAPIError.server(endpoint: "GET /orgs/acme/copilot/billing", status: 503)) {
                try await harness.client.get("/orgs/acme/copilot/billing")
            }
            #expect(harness.simulator.requests.count == 4)
        }
    }

    @Test func primaryRateLimitStopsRequestsUntilReset() async throws {
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 1))
        try await withStopping(harness) {
            harness.simulator.inject(FaultRule(.primaryRateLimit(resetIn: 600), count: 1))
            do {
                _ = try await harness.client.get("/orgs/acme/copilot/billing")
                Issue.record("expected a rate-limit error")
            } catch let error as GitHubAPIError {
                guard case .rateLimited(_, let resource, let reset) = error else {
                    Issue.record("wrong error \(error)")
                    return
                }
                #expect(resource == "core")
                #expect(reset > harness.clock.now() + 500)
            }
            #expect(harness.simulator.requests.count == 1)
            for _ in 0..<3 {
                await #expect(throws: GitHubAPIError.self) { try await harness.client.get("/orgs/acme/copilot/billing/seats") }
            }
            #expect(harness.simulator.requests.count == 1, "no request may be sent before the reset")
            harness.simulator.setRateLimit(remaining: 5000, resetIn: 3600)
            harness.clock.advance(by: 601)
            _ = try await harness.client.get("/orgs/acme/copilot/billing")
            #expect(harness.simulator.requests.count == 2)
        }
    }

    @Test func secondaryRateLimitHonoursRetryAfter() async throws {
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 1))
        try await withStopping(harness) {
            harness.simulator.inject(FaultRule(.secondaryRateLimit(retryAfter: 7), count: 1))
            _ = try await harness.client.get("/orgs/acme/copilot/billing")
            #expect(harness.clock.sleeps == [7])
            #expect(harness.simulator.requests.map(\.status) == [403, 200])
        }
    }

    @Test func aLongSecondaryWaitFailsAndBlocksRequestsUntilItPasses() async throws {
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 1))
        try await withStopping(harness) {
            harness.simulator.inject(FaultRule(.secondaryRateLimit(retryAfter: 300), count: 1))
            await #expect(throws: GitHubAPIError.secondaryRateLimited(endpoint: "GET /orgs/acme/copilot/billing", retryAfter: 300)) {
                try await harness.client.get("/orgs/acme/copilot/billing")
            }
            await #expect(throws: GitHubAPIError.self) { try await harness.client.get("/orgs/acme/copilot/billing") }
            #expect(harness.simulator.requests.count == 1)
            harness.clock.advance(by: 301)
            _ = try await harness.client.get("/orgs/acme/copilot/billing")
            #expect(harness.simulator.requests.count == 2)
        }
    }

    @Test func samlSSOErrorCarriesTheAuthorizationURL() async throws {
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 1))
        try await withStopping(harness) {
            harness.simulator.inject(FaultRule(.samlSSO))
            await #expect(
                throws: GitHubAPIError.ssoRequired(
                    endpoint: "GET /orgs/acme/copilot/billing",
                    authorizationURL: "https://github.com/orgs/acme/sso?authorization_request=SIMULATED"
                )
            ) { try await harness.client.get("/orgs/acme/copilot/billing") }
            #expect(harness.simulator.requests.count == 1, "credential errors are not retried")
        }
    }

    @Test func missingScopeIsNamed() async throws {
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 1), token: "ghp_repoOnly", tokens: ["ghp_repoOnly": ["repo"]])
        try await withStopping(harness) {
            await #expect(
                throws: GitHubAPIError.missingScope(
                    endpoint: "GET /enterprises/ent/copilot/billing/seats",
                    accepted: ["manage_billing:copilot", "read:enterprise"],
                    granted: ["repo"]
                )
            ) { try await harness.client.get("/enterprises/ent/copilot/billing/seats") }
        }
    }

    @Test func badTokenAndWrongSlugAreTold() async throws {
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 1), token: "ghp_wrong")
        try await withStopping(harness) {
            await #expect(throws: GitHubAPIError.unauthorized(endpoint: "GET /orgs/acme/copilot/billing")) {
                try await harness.client.get("/orgs/acme/copilot/billing")
            }
            let good = try SimulatorHarness(scenario: smallScenario(seats: 1))
            try await withStopping(good) {
                await #expect(throws: GitHubAPIError.notFound(endpoint: "GET /orgs/no-such-org/copilot/billing")) {
                    try await good.client.get("/orgs/no-such-org/copilot/billing")
                }
            }
        }
    }

    @Test func truncatedBodyIsATransportFailureAndIsRetried() async throws {
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 1))
        try await withStopping(harness) {
            harness.simulator.inject(FaultRule(.truncatedBody, count: 1))
            let billing = try await harness.client.getJSON(OrganizationCopilotBilling.self, "/orgs/acme/copilot/billing")
            #expect(billing.seatBreakdown.total == 1)
            #expect(harness.observations.codes == ["error", "200"])
        }
    }

    @Test func malformedJSONIsADecodingError() async throws {
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 1))
        try await withStopping(harness) {
            harness.simulator.inject(FaultRule(.malformedJSON))
            do {
                _ = try await harness.client.getJSON(OrganizationCopilotBilling.self, "/orgs/acme/copilot/billing")
                Issue.record("expected a decoding error")
            } catch let error as GitHubAPIError {
                guard case .decoding(let endpoint, _) = error else {
                    Issue.record("wrong error \(error)")
                    return
                }
                #expect(endpoint == "GET /orgs/acme/copilot/billing")
            }
        }
    }

    @Test func aHangingRequestTimesOutAndIsRetried() async throws {
        let harness = try SimulatorHarness(scenario: smallScenario(seats: 1), timeout: 1)
        try await withStopping(harness) {
            harness.simulator.inject(FaultRule(.delay(3), count: 1))
            let started = Date()
            let response = try await harness.client.get("/orgs/acme/copilot/billing")
            #expect(response.status == 200)
            #expect(harness.observations.codes == ["error", "200"])
            #expect(Date().timeIntervalSince(started) >= 0.9, "the first attempt waited for its timeout")
        }
    }
}

/// A transport that answers from a closure, for cases the simulator cannot produce.
struct StubTransport: HTTPTransport {
    let answer: @Sendable (TransportRequest) -> TransportResponse
    func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse { answer(request) }
}

@Suite struct GitHubClientStubTests {
    @Test func refusesToFollowAPaginationLinkToAnotherHost() async throws {
        let transport = StubTransport { _ in
            TransportResponse(
                status: 200,
                headers: ["Link": "<https://evil.example/steal?page=2>; rel=\"next\""],
                body: Array("{\"total_seats\":1,\"seats\":[]}".utf8)
            )
        }
        let client = GitHubClient(
            baseURL: "https://api.github.com",
            transport: transport,
            credentials: StaticToken("t"),
            clock: ManualClock(now: 0)
        )
        await #expect(
            throws: GitHubAPIError.foreignLink(endpoint: "GET /orgs/a/copilot/billing/seats", link: "https://evil.example/steal?page=2")
        ) {
            try await client.forEachPage(CopilotSeatPage.self, "/orgs/a/copilot/billing/seats") { _ in }
        }
    }

    @Test func buildsURLsForGitHubDotComGHEDotComAndGHES() {
        for base in ["https://api.github.com", "https://api.acme.ghe.com", "https://github.acme.internal/api/v3/"] {
            let client = GitHubClient(
                baseURL: base,
                transport: StubTransport { _ in TransportResponse(status: 200) },
                credentials: StaticToken("t")
            )
            let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
            #expect(
                client.url("/orgs/acme/copilot/billing", query: [("per_page", "100")]) == trimmed
                    + "/orgs/acme/copilot/billing?per_page=100"
            )
        }
    }
}
