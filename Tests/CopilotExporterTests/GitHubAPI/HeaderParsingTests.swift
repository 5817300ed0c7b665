import Testing

@testable import CopilotExporter
@testable import GitHubAPI

@Suite struct LinkHeaderTests {
    static let github =
        #"<https://api.github.com/orgs/acme/copilot/billing/seats?per_page=100&page=2>; rel="next", <https://api.github.com/orgs/acme/copilot/billing/seats?per_page=100&page=5>; rel="last""#

    @Test func findsNextAndLast() {
        #expect(
            LinkHeader.target(Self.github, relation: "next") == "https://api.github.com/orgs/acme/copilot/billing/seats?per_page=100&page=2"
        )
        #expect(LinkHeader.target(Self.github, relation: "last")?.hasSuffix("page=5") == true)
        #expect(LinkHeader.target(Self.github, relation: "prev") == nil)
        #expect(LinkHeader.target(nil, relation: "next") == nil)
    }

    @Test func toleratesCommasInURLsSpacingAndMultipleRelations() {
        let header = #"<https://h/x?a=1,2&page=3>;rel="prev next" , <https://h/y>; rel=last"#
        #expect(LinkHeader.target(header, relation: "next") == "https://h/x?a=1,2&page=3")
        #expect(LinkHeader.target(header, relation: "last") == "https://h/y")
        #expect(LinkHeader.target("garbage", relation: "next") == nil)
    }
}

@Suite struct TokenExpiryTests {
    @Test(arguments: [
        ("2021-10-07 19:07:53 UTC", 1_633_633_673.0), ("2021-10-07 21:07:53 +0200", 1_633_633_673), ("2021-10-07T19:07:53Z", 1_633_633_673),
    ])
    func parsesGitHubsExpirationHeader(header: String, expected: Double) {
        #expect(APIObservation.tokenExpiry(header) == expected)
    }

    @Test func ignoresMissingOrGarbage() {
        #expect(APIObservation.tokenExpiry(nil) == nil)
        #expect(APIObservation.tokenExpiry("never") == nil)
    }
}

@Suite struct RateLimitTests {
    @Test func readsHeaders() {
        let response = TransportResponse(
            status: 200,
            headers: [
                "X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "4321", "X-RateLimit-Reset": "1763900000",
                "X-RateLimit-Resource": "core",
            ]
        )
        #expect(RateLimit(headers: response) == RateLimit(resource: "core", limit: 5000, remaining: 4321, reset: 1_763_900_000))
        #expect(RateLimit(headers: TransportResponse(status: 200)) == nil)
    }
}
