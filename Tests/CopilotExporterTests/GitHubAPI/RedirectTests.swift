import CopilotExporter
import Foundation
import GitHubSimulator
import Testing

@testable import GitHubAPI
@testable import WebServer

/// The token stays on its origin: redirects elsewhere are refused, and say where they led.
@Suite struct RedirectTests {
    static let secret = "ghp_REDIRECTSECRET000000000000000000000"

    @Test(arguments: [301, 302, 303, 307, 308], TransportKind.allCases)
    func aRedirectToAnotherOriginIsRefusedAndTheTokenNeverLeaves(status: Int, kind: TransportKind) async throws {
        let elsewhere = StubServer { _ in HTTPResponse.text(200, "{}") }
        let target = try elsewhere.start() + "/collect"
        let api = StubServer { _ in HTTPResponse(status: status, headers: [("Location", target)]) }
        try api.start()
        let client = GitHubClient(
            baseURL: api.baseURL,
            transport: try kind.make(timeout: 5),
            credentials: StaticToken(Self.secret),
            clock: ManualClock(now: 0)
        )
        await #expect(throws: GitHubAPIError.redirected(endpoint: "GET /orgs/acme/copilot/billing", status: status, location: target)) {
            try await client.get("/orgs/acme/copilot/billing")
        }
        #expect(api.requests.count == 1, "a refused redirect is not retried")
        #expect(api.requests.first?.header("authorization") == "Bearer \(Self.secret)")
        #expect(elsewhere.requests.isEmpty, "the other origin was not contacted")
        #expect(elsewhere.requests.allSatisfy { $0.header("authorization") == nil })
        let sentence = GitHubAPIError.redirected(endpoint: "GET /x", status: status, location: target).description
        #expect(sentence.contains(target) && !sentence.contains(Self.secret))
        await api.stop()
        await elsewhere.stop()
    }

    @Test(arguments: TransportKind.allCases) func anotherPortOfTheSameHostIsAnotherOrigin(kind: TransportKind) async throws {
        let elsewhere = StubServer { _ in HTTPResponse.text(200, "{}") }
        try elsewhere.start()
        let transport = try kind.make(timeout: 5)
        let api = StubServer { _ in HTTPResponse(status: 307, headers: [("Location", elsewhere.baseURL + "/app/installations")]) }
        try api.start()
        // The App's JWT exchange goes through the same transport.
        let response = try await transport.send(
            TransportRequest(
                method: "POST",
                url: api.baseURL + "/app/installations/1/access_tokens",
                headers: ["Authorization": "Bearer jwt"]
            )
        )
        #expect(response.status == 307)
        #expect(response.header("location") == elsewhere.baseURL + "/app/installations")
        #expect(elsewhere.requests.isEmpty)
        await api.stop()
        await elsewhere.stop()
    }

    @Test(arguments: TransportKind.allCases) func aRedirectWithinTheOriginIsFollowedWithTheToken(kind: TransportKind) async throws {
        let api = StubServer { request in
            request.target.hasPrefix("/old")
                ? HTTPResponse(status: 301, headers: [("Location", "/new")])
                : HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array("{\"ok\":true}".utf8))
        }
        try api.start()
        let client = GitHubClient(
            baseURL: api.baseURL,
            transport: try kind.make(timeout: 5),
            credentials: StaticToken(Self.secret),
            clock: ManualClock(now: 0)
        )
        let response = try await client.get("/old")
        #expect(String(decoding: response.body, as: UTF8.self) == "{\"ok\":true}")
        #expect(api.requests.map(\.target) == ["/old", "/new"])
        #expect(api.requests.allSatisfy { $0.header("authorization") == "Bearer \(Self.secret)" })
        await api.stop()
    }

    @Test(arguments: TransportKind.allCases)
    func aReportDownloadWithoutTokenMayBeRedirectedToAnotherHost(kind: TransportKind) async throws {
        let storage = StubServer { _ in HTTPResponse(status: 200, body: Array("{\"user_login\":\"a\"}\n".utf8)) }
        try storage.start()
        let signed = StubServer { _ in HTTPResponse(status: 302, headers: [("Location", storage.baseURL + "/blob?sig=x")]) }
        try signed.start()
        let client = GitHubClient(
            baseURL: "http://127.0.0.1:1",
            transport: try kind.make(timeout: 5),
            credentials: StaticToken(Self.secret),
            clock: ManualClock(now: 0)
        )
        let body = ByteSink()
        try await client.download(signed.baseURL + "/report?sig=y", endpoint: "GET /report") { body.append($0) }
        #expect(String(decoding: body.bytes, as: UTF8.self) == "{\"user_login\":\"a\"}\n")
        #expect(storage.requests.count == 1 && storage.requests.allSatisfy { $0.header("authorization") == nil })
        await signed.stop()
        await storage.stop()
    }

    @Test(arguments: [
        ("https://api.github.com/a", "https://api.github.com/b", true, true),
        ("https://api.github.com/a", "https://api.github.com:443/b", true, true),
        ("https://api.github.com/a", "https://API.github.com/b", true, true),
        ("https://api.github.com/a", "https://evil.example/b", true, false),
        ("https://api.github.com/a", "https://api.github.com:8443/b", true, false),
        ("https://api.github.com/a", "http://api.github.com/b", true, false),
        ("http://127.0.0.1:8080/a", "http://127.0.0.1:8081/b", true, false),
        ("http://127.0.0.1:8080/a", "http://127.0.0.1:8080/b", true, true),
        ("http://127.0.0.1:8080/a", "https://127.0.0.1:8080/b", true, false),
        ("https://storage.example/r", "https://cdn.example/r", false, true),
        ("https://storage.example/r", "http://cdn.example/r", false, false),
        ("https://storage.example/r", "file:///etc/passwd", false, false),
    ])
    func theRedirectPolicy(from: String, to: String, credentialed: Bool, allowed: Bool) {
        #expect(RedirectPolicy.allows(from: from, to: to, credentialed: credentialed) == allowed)
    }
}
