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

/// The byte-level `LinkHeader.target` against the Character-level parser it replaced, on
/// random headers made of the characters that matter to it. Combining marks are left out: after
/// a delimiter they hide it from the Character walk, not from the byte reading (documented).
@Suite struct LinkHeaderDifferentialTests {
    /// The previous implementation, kept as the oracle.
    static func oracle(_ header: String?, relation: String) -> String? {
        guard let header else { return nil }
        var parts: [Substring] = []
        var inside = false
        var start = header.startIndex
        for index in header.indices {
            switch header[index] {
            case "<": inside = true
            case ">": inside = false
            case "," where !inside:
                parts.append(header[start..<index])
                start = header.index(after: index)
            default: break
            }
        }
        parts.append(header[start...])
        for part in parts {
            guard let open = part.firstIndex(of: "<"), let close = part.firstIndex(of: ">"), open < close else { continue }
            let url = String(part[part.index(after: open)..<close])
            for parameter in part[part.index(after: close)...].split(separator: ";") {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, pair[0].trimmingCharacters() == "rel" else { continue }
                var value = pair[1].trimmingCharacters()
                if value.hasPrefix("\"") { value.removeFirst() }
                if value.hasSuffix("\"") { value.removeLast() }
                let rels = value.split(separator: " ")
                if rels.contains(where: { $0.lowercased() == relation }) { return url }
            }
        }
        return nil
    }

    @Test func agreesWithTheCharacterParserOnRandomHeaders() {
        var generator = SystemRandomNumberGenerator()
        let pieces = [
            "<", ">", ",", ";", "=", " ", "\t", "\"", "rel", "REL", "Rel", "next", "NeXt", "last", "prev", "h", "?", "&", "é", "x=1",
            "<https://h/a?page=2>", "; rel=\"next\"", "; rel=last", ", ", "rel =  \" next last \"",
        ]
        var compared = 0
        for _ in 0..<20_000 {
            let header = (0..<Int.random(in: 0...14, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            for relation in ["next", "last", "prev"] {
                #expect(LinkHeader.target(header, relation: relation) == Self.oracle(header, relation: relation), "\(header)")
                compared += 1
            }
        }
        #expect(compared == 60_000)
        #expect(LinkHeader.target(#"<https://h/é?page=2>; rel="Next""#, relation: "next") == "https://h/é?page=2")
        #expect(LinkHeader.target(#"<https://h/é?page=2>; REL="next""#, relation: "next") == nil)
    }
}

@Suite struct TrimmingTests {
    /// The fast path (neither end byte blank) gives what walking the Characters gives,
    /// combining marks after a space included.
    @Test func trimmingAgreesWithTheCharacterWalk() {
        var generator = SystemRandomNumberGenerator()
        let pieces = [" ", "\t", "a", "Z9", "\u{301}", "é", "-", "\r\n"]
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let walked = String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
            #expect(text.trimmingCharacters() == walked, "\(Array(text.unicodeScalars))")
        }
        #expect(" \t2021-10-07 19:07:53 UTC\t ".trimmingCharacters() == "2021-10-07 19:07:53 UTC")
    }
}

@Suite struct TransportResponseHeaderTests {
    @Test func namesAreLowercasedWhateverTheirCase() {
        let response = TransportResponse(status: 200, headers: ["X-RateLimit-Remaining": "4999", "link": "<a>", "ÄTag": "x"])
        #expect(response.headers == ["x-ratelimit-remaining": "4999", "link": "<a>", "ätag": "x"])
        #expect(response.header("X-RATELIMIT-REMAINING") == "4999")
    }

    @Test func lowercaseASCIINamesAreKeptAsTheyAre() {
        let headers = ["x-ratelimit-remaining": "4999", "content-type": "application/json", "x-github-sso": "required"]
        #expect(TransportResponse(status: 200, headers: headers).headers == headers)
        #expect(TransportResponse.isLowercaseASCII("x-github-request-id"))
        #expect(!TransportResponse.isLowercaseASCII("X-GitHub-Request-Id"))
        #expect(!TransportResponse.isLowercaseASCII("ätag"))  // not ASCII: left to lowercased()
    }
}
