import Foundation
import PrometheusExposition
import Testing

@testable import CopilotExporter
@testable import GitHubAPI

@Suite struct SeatChargebackTests {
    static let now = RFC3339.parse("2026-11-20T12:00:00Z")!

    static func seat(
        _ login: String,
        created: String = "2026-01-01T00:00:00Z",
        activity: String? = nil,
        org: String? = "o",
        team: String?,
        plan: String? = "business"
    ) -> CopilotSeat {
        CopilotSeat(
            assignee: CopilotSeat.Account(login: login, id: 1),
            organization: org.map { CopilotSeat.Account(login: $0, id: 2) },
            createdAt: created,
            lastActivityAt: activity,
            lastActivityEditor: activity == nil ? nil : "vscode/1",
            pendingCancellationDate: nil,
            planType: plan,
            assigningTeam: team.map { CopilotSeat.Team(slug: $0) }
        )
    }

    /// GitHub's documented rows: the first is granted by justice-league on Business, the second
    /// directly with no plan_type; the enterprise example's rows carry no organization.
    @Test(arguments: ["orgs-copilot-billing-seats.json", "enterprises-copilot-billing-seats.json"])
    func documentedRowsGiveTeamPlanAndOrganization(file: String) throws {
        let body = try fixture(file)
        var read: [CopilotSeat] = []
        _ = try CopilotSeatPage.read(body) { read.append($0) }
        let decoded = try JSONDecoder().decode(CopilotSeatPage.self, from: Data(body)).seats
        #expect(read == decoded, "the streaming reader and Decodable agree")
        #expect(read.map(\.assigningTeam) == [CopilotSeat.Team(slug: "justice-league"), nil])
        let statistics = SeatStatistics(seats: read, now: RFC3339.parse("2021-11-01T00:00:00Z")!, idleDays: 14)
        #expect(statistics.byTeam == ["justice-league": 1, "none": 1])
        #expect(statistics.idleByTeam == ["justice-league": 1, "none": 1])
        #expect(statistics.byPlan == [.business: 1, .unknown: 1])
        #expect(statistics.byOrganization == ["none": 2])
        #expect(SeatPrices().monthlyCost(statistics.idleByPlan) == 38, "unknown is priced as Business")
    }

    /// A user's team, organization and plan come from the row with the newest activity; while
    /// no row has any, from the first row listed.
    @Test func aUserWithSeveralRowsCountsOnceUnderTheRowKept() {
        let seats = [
            Self.seat("pat", activity: "2026-09-01T00:00:00Z", org: "a", team: "alpha", plan: "business"),
            Self.seat("pat", activity: "2026-11-19T00:00:00Z", org: "b", team: "beta", plan: "enterprise"),
            Self.seat("pat", activity: "2026-10-01T00:00:00Z", org: "c", team: "gamma", plan: nil),
            Self.seat("sam", org: "a", team: nil),
            Self.seat("sam", org: nil, team: "enterprise-team", plan: "enterprise"),
        ]
        let statistics = SeatStatistics(seats: seats, now: Self.now, idleDays: 30)
        #expect(statistics.byTeam == ["beta": 1, "none": 1])
        #expect(statistics.byOrganization == ["b": 1, "a": 1])
        #expect(statistics.byPlan == [.enterprise: 1, .business: 1])
        #expect(statistics.idleByTeam == ["none": 1], "sam, never active since January, is idle; pat is not")
        #expect(statistics.idleByPlan == [.business: 1])
    }

    @Test func anEnterpriseGrantCountsUnderOrganizationNone() {
        let statistics = SeatStatistics(
            seats: [Self.seat("ent", org: nil, team: "pilots", plan: "enterprise")],
            now: Self.now,
            idleDays: 30
        )
        #expect(statistics.byOrganization == ["none": 1])
        #expect(statistics.byTeam == ["pilots": 1])
    }

    @Test(arguments: [
        ("business" as String?, SeatPlan.business), ("enterprise", .enterprise), ("unknown", .unknown), ("pro", .unknown), (nil, .unknown),
    ])
    func planTypeMapsToAClosedSet(planType: String?, plan: SeatPlan) {
        #expect(SeatPlan(planType) == plan)
    }

    @Test func teamsPastTheBoundCountUnderOther() {
        let count = SeatStatistics.maxLabels + 5
        let seats = (0..<count).map { Self.seat("u\($0)", team: "t\($0)") } + [Self.seat("again", team: "t0")]
        let statistics = SeatStatistics(seats: seats, now: Self.now, idleDays: 30)
        #expect(statistics.byTeam.count == SeatStatistics.maxLabels + 1)
        #expect(statistics.byTeam[SeatStatistics.other] == 5)
        #expect(statistics.byTeam["t0"] == 2, "a team already kept keeps its label")
        #expect(statistics.byTeam.values.reduce(0, +) == count + 1)
        #expect(statistics.foldedTeamSeats == 5)
        #expect(statistics.foldedOrganizationSeats == 0)
    }

    @Test(arguments: [
        (SeatPrices(), [SeatPlan.business: 2, .enterprise: 1, .unknown: 1], 96.0),
        (SeatPrices(business: 21.5, enterprise: 45), [.business: 2, .enterprise: 1, .unknown: 1], 109.5),
        (SeatPrices(), [:], 0.0),
    ])
    func idleCostIsSeatsTimesPriceByPlan(prices: SeatPrices, seats: [SeatPlan: Int], cost: Double) {
        #expect(prices.monthlyCost(seats) == cost)
    }

    @Test func byOrgIsOnlyForEnterprises() {
        let statistics = SeatStatistics(seats: [Self.seat("a", team: "x")], now: Self.now, idleDays: 30)
        let org = SeatsCollector.chargebackFamilies(scope: .organization("o"), statistics: statistics, prices: SeatPrices())
        let enterprise = SeatsCollector.chargebackFamilies(scope: .enterprise("e"), statistics: statistics, prices: SeatPrices())
        #expect(!org.map(\.name).contains("github_copilot_seats_by_org"))
        #expect(enterprise.first { $0.name == "github_copilot_seats_by_org" }?.samples == [Sample(["enterprise": "e", "org": "o"], 1)])
    }
}

@Suite struct BillingOrganizationTests {
    static func item(_ org: String?, net: Double) -> UsageReportResponse.Item {
        UsageReportResponse.Item(
            date: "2026-11-01",
            product: "Actions",
            sku: "actions_linux",
            quantity: 1,
            unitType: "minutes",
            grossAmount: net,
            discountAmount: 0,
            netAmount: net,
            organizationName: org
        )
    }

    @Test func organizationsAreDistinctNamedAndCostliestFirst() {
        let items = [
            Self.item("small", net: 1), Self.item("big", net: 5), Self.item("", net: 100), Self.item(nil, net: 100),
            Self.item("small", net: 1), Self.item("tie-b", net: 3), Self.item("tie-a", net: 3), Self.item("free", net: 0),
        ]
        #expect(BillingCollector.rankedOrganizations(items) == ["big", "tie-a", "tie-b", "small", "free"])
    }

    @Test func theDocumentedReportNamesItsOrganization() throws {
        let report = try JSONDecoder().decode(UsageReportResponse.self, from: Data(try fixture("enterprises-settings-billing-usage.json")))
        #expect(BillingCollector.rankedOrganizations(report.usageItems) == ["GitHub"])
    }
}
