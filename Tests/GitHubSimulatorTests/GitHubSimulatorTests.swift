import Foundation
import Testing
import WebServer

@testable import GitHubSimulator

@Suite struct SimulatorScenarioTests {
    static let now = 1_795_176_000.0

    @Test func demoScenarioIsDeterministic() {
        #expect(SimulatorScenario.demo(seats: 500, now: Self.now) == SimulatorScenario.demo(seats: 500, now: Self.now))
        #expect(SimulatorScenario.demo(seats: 500, now: Self.now, seed: 1) != SimulatorScenario.demo(seats: 500, now: Self.now, seed: 2))
    }

    @Test(arguments: [1, 300, 100_000])
    func demoScenarioHasTheRequestedNumberOfUsers(seats: Int) {
        let scenario = SimulatorScenario.demo(seats: seats, now: Self.now)
        #expect(scenario.enterpriseBilledUsers("acme") == seats)
        let rows = scenario.enterpriseSeats("acme")
        #expect(rows.count >= seats)
        #expect(Set(rows.map(\.login)).count == seats)
        if seats >= 300 {
            #expect(rows.count > seats, "some users are seated in both organizations")
            #expect(rows.contains { $0.lastActivityAt == nil })
            #expect(rows.contains { $0.pendingCancellationDate != nil })
        }
        #expect(rows.allSatisfy { ($0.lastActivityAt ?? $0.createdAt) >= $0.createdAt && $0.createdAt <= Self.now })
    }

    @Test func breakdownIsComputedForTheCurrentMonth() {
        let org = SimulatedOrganization(
            login: "o",
            id: 1,
            seats: [
                SimulatedSeat(login: "a", userID: 1, organization: "o", createdAt: Self.now - 86_400, lastActivityAt: Self.now - 3600),
                SimulatedSeat(
                    login: "b",
                    userID: 2,
                    organization: "o",
                    createdAt: Self.now - 90 * 86_400,
                    lastActivityAt: Self.now - 40 * 86_400
                ),
                SimulatedSeat(
                    login: "c",
                    userID: 3,
                    organization: "o",
                    createdAt: Self.now - 90 * 86_400,
                    pendingCancellationDate: "2026-12-01"
                ),
            ],
            pendingInvitation: 4
        )
        #expect(
            org.breakdown(now: Self.now) == [
                "total": 3, "added_this_cycle": 1, "pending_invitation": 4, "pending_cancellation": 1, "active_this_cycle": 1,
                "inactive_this_cycle": 2,
            ]
        )
    }

    @Test func seatJSONDecodesAsGitHubsSchemaWithNullAssigneeForDeletedUsers() throws {
        let seat = SimulatedSeat(login: "", userID: 9, organization: "o", createdAt: Self.now)
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(seat.json(baseURL: "http://x", organizationID: 1).utf8)) as? [String: Any]
        )
        // GitHub's documented shape: a deleted user's seat keeps the row with a null assignee.
        #expect(json["assignee"] is NSNull)
        #expect((json["organization"] as? [String: Any])?["login"] as? String == "o")
        let createdAt = try #require(json["created_at"] as? String)
        #expect(ISO8601DateFormatter().date(from: createdAt)?.timeIntervalSince1970 == Self.now)
    }
}

@Suite struct SimulatorHTTPTests {
    func get(_ simulator: GitHubSimulator, _ target: String, token: String = GitHubSimulator.demoToken, etag: String? = nil) -> HTTPResponse
    {
        var headers = [("Host", "h"), ("Authorization", "Bearer \(token)")]
        if let etag { headers.append(("If-None-Match", etag)) }
        return simulator.handle(HTTPRequest(method: "GET", target: target, headers: headers))
    }

    @Test func paginatesWithLinkHeadersLikeGitHub() throws {
        let simulator = GitHubSimulator(scenario: .demo(seats: 1_000, now: 1_795_176_000))
        let first = get(simulator, "/enterprises/acme/copilot/billing/seats")
        let link = try #require(first.header("link"))
        #expect(link.contains("per_page=50&page=2>; rel=\"next\""))
        let page = try #require(try JSONSerialization.jsonObject(with: Data(first.body)) as? [String: Any])
        #expect(page["total_seats"] as? Int == 1_000)
        #expect((page["seats"] as? [Any])?.count == 50)
        let last = get(simulator, "/enterprises/acme/copilot/billing/seats?per_page=100&page=999")
        let lastPage = try #require(try JSONSerialization.jsonObject(with: Data(last.body)) as? [String: Any])
        #expect((lastPage["seats"] as? [Any])?.isEmpty == true)
        #expect(get(simulator, "/enterprises/acme/copilot/billing/seats?per_page=500").header("link")?.contains("per_page=100") == true)
    }

    @Test func etagRevalidationAnswers304WithoutSpendingBudget() throws {
        let simulator = GitHubSimulator(scenario: .demo(seats: 10, now: 1_795_176_000))
        let first = get(simulator, "/orgs/acme-corp/copilot/billing")
        let etag = try #require(first.header("etag"))
        let second = get(simulator, "/orgs/acme-corp/copilot/billing", etag: etag)
        #expect(second.status == 304)
        #expect(second.body.isEmpty)
        #expect(second.header("x-ratelimit-remaining") == first.header("x-ratelimit-remaining"))
        #expect(first.header("x-ratelimit-remaining") == "4999")
    }

    @Test func notModifiedKeepsOrDropsTheLinkHeaderAsAsked() throws {
        let simulator = GitHubSimulator(scenario: .demo(seats: 1_000, now: 1_795_176_000))
        let path = "/enterprises/acme/copilot/billing/seats?per_page=100"
        let etag = try #require(get(simulator, path).header("etag"))
        #expect(get(simulator, path, etag: etag).header("link")?.contains("rel=\"next\"") == true)
        simulator.omitLinkOnNotModified()
        let bare = get(simulator, path, etag: etag)
        #expect(bare.status == 304)
        #expect(bare.header("link") == nil)
        #expect(get(simulator, path).header("link") != nil)
    }

    @Test func authenticationAndUnknownResources() {
        let simulator = GitHubSimulator(scenario: .demo(seats: 10, now: 1_795_176_000))
        #expect(get(simulator, "/orgs/acme-corp/copilot/billing", token: "wrong").status == 401)
        #expect(
            simulator.handle(HTTPRequest(method: "GET", target: "/orgs/acme-corp/copilot/billing", headers: [("Host", "h")])).status == 401
        )
        #expect(get(simulator, "/orgs/nobody/copilot/billing").status == 404)
        #expect(get(simulator, "/enterprises/nobody/copilot/billing/seats").status == 404)
        #expect(simulator.requests.count == 4)
    }

    @Test func faultsApplyToMatchingRequestsForTheirCount() {
        let simulator = GitHubSimulator(scenario: .demo(seats: 10, now: 1_795_176_000))
        simulator.inject(FaultRule(.status(502), pathContains: "/seats", count: 2))
        #expect(get(simulator, "/orgs/acme-corp/copilot/billing").status == 200)
        #expect(get(simulator, "/orgs/acme-corp/copilot/billing/seats").status == 502)
        #expect(get(simulator, "/orgs/acme-corp/copilot/billing/seats").status == 502)
        #expect(get(simulator, "/orgs/acme-corp/copilot/billing/seats").status == 200)
    }

    @Test func spentBudgetAnswers403WithRemainingZero() {
        let simulator = GitHubSimulator(scenario: .demo(seats: 10, now: 1_795_176_000), rateLimit: 2)
        #expect(get(simulator, "/orgs/acme-corp/copilot/billing").status == 200)
        #expect(get(simulator, "/orgs/acme-corp/copilot/billing/seats").status == 200)
        let refused = get(simulator, "/orgs/acme-labs/copilot/billing")
        #expect(refused.status == 403)
        #expect(refused.header("x-ratelimit-remaining") == "0")
    }
}
