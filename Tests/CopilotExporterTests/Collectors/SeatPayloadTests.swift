import Foundation
import Testing

@testable import CopilotExporter
@testable import GitHubAPI

@Suite struct SeatPayloadTests {
    @Test func organizationBillingExampleDecodes() throws {
        let billing = try JSONDecoder().decode(OrganizationCopilotBilling.self, from: Data(try fixture("orgs-copilot-billing.json")))
        #expect(billing.seatBreakdown.total == 12)
        #expect(billing.seatBreakdown.addedThisCycle == 9)
        #expect(billing.seatBreakdown.pendingInvitation == 0)
        #expect(billing.seatBreakdown.pendingCancellation == 0)
        #expect(billing.seatBreakdown.activeThisCycle == 12)
        #expect(billing.seatBreakdown.inactiveThisCycle == 11)
        #expect(billing.planType == "business")
    }

    @Test(arguments: ["orgs-copilot-billing-seats.json", "enterprises-copilot-billing-seats.json"])
    func seatListExampleDecodes(file: String) throws {
        let page = try JSONDecoder().decode(CopilotSeatPage.self, from: Data(try fixture(file)))
        #expect(page.totalSeats == 2)
        #expect(page.seats.count == 2)
        let first = page.seats[0]
        #expect(first.assignee?.login == "octocat")
        #expect(first.lastActivityEditor == "vscode/1.77.3/copilot/1.86.82")
        #expect(first.planType == "business")
        #expect(first.pendingCancellationDate == nil)
        #expect(RFC3339.parse(first.createdAt) == 1_628_035_200)  // 2021-08-03T18:00:00-06:00
        #expect(RFC3339.parse(first.lastActivityAt!) == 1_634_194_412)  // 2021-10-14T00:53:32-06:00
        let second = page.seats[1]
        #expect(second.assignee?.login == "octokitten")
        #expect(second.planType == nil)
        #expect(second.pendingCancellationDate == "2021-11-01")
    }

    /// Both example seats carry assignee id 1: users are told apart by login.
    @Test func documentedSeatsGiveExpectedStatistics() throws {
        let page = try JSONDecoder().decode(CopilotSeatPage.self, from: Data(try fixture("orgs-copilot-billing-seats.json")))
        let now = RFC3339.parse("2021-11-01T00:00:00Z")!
        let statistics = SeatStatistics(seats: page.seats, now: now, idleDays: 14)
        #expect(statistics.users.map(\.login) == ["octocat", "octokitten"])
        #expect(statistics.idle == 2)  // last activity 2021-10-13/14, more than 14 days before Nov 1
        #expect(statistics.neverActive == 0)
        #expect(statistics.byEditor == ["vscode": 2])
        let lenient = SeatStatistics(seats: page.seats, now: now, idleDays: 30)
        #expect(lenient.idle == 0)
    }

    @Test func samlErrorExampleYieldsItsMessage() throws {
        #expect(
            GitHubAPIError.message(in: try fixture("error-403-saml-sso.json"))
                == "Resource protected by organization SAML enforcement. You must grant your personal token access to this organization."
        )
        #expect(GitHubAPIError.message(in: try fixture("error-422-example.json")) != nil)
    }
}
