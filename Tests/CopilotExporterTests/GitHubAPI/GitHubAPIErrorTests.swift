import Testing

@testable import CopilotExporter
@testable import GitHubAPI

@Suite struct GitHubAPIErrorTests {
    static let endpoint = "GET /orgs/acme/copilot/billing"

    func classify(_ status: Int, _ headers: [String: String] = [:], body: String = "{\"message\":\"Forbidden\"}") -> GitHubAPIError {
        GitHubAPIError.classify(TransportResponse(status: status, headers: headers, body: Array(body.utf8)), endpoint: Self.endpoint)
    }

    @Test func unauthorizedSaysTheTokenIsBadAndWhereToPutANewOne() {
        let error = classify(401, body: "{\"message\":\"Bad credentials\"}")
        #expect(error == .unauthorized(endpoint: Self.endpoint))
        #expect(error.description.contains("GITHUB_TOKEN or --github.token-file"))
        #expect(error.isCredentialProblem)
    }

    @Test func samlSSOCarriesTheAuthorizationURL() throws {
        let error = classify(
            403,
            ["X-GitHub-SSO": "required; url=https://github.com/orgs/acme/sso?authorization_request=ABC"],
            body: String(decoding: try fixture("error-403-saml-sso.json"), as: UTF8.self)
        )
        #expect(
            error == .ssoRequired(endpoint: Self.endpoint, authorizationURL: "https://github.com/orgs/acme/sso?authorization_request=ABC")
        )
        #expect(error.description.contains("https://github.com/orgs/acme/sso?authorization_request=ABC"))
    }

    @Test func missingScopeNamesWhatToAdd() {
        let error = classify(403, ["X-Accepted-OAuth-Scopes": "manage_billing:copilot, read:org", "X-OAuth-Scopes": "repo, gist"])
        #expect(
            error == .missingScope(endpoint: Self.endpoint, accepted: ["manage_billing:copilot", "read:org"], granted: ["repo", "gist"])
        )
        #expect(error.description.contains("add one of these scopes to the token: manage_billing:copilot, read:org"))
    }

    @Test func anImpliedScopeIsNotReportedMissing() {
        let error = classify(
            403,
            ["X-Accepted-OAuth-Scopes": "read:org", "X-OAuth-Scopes": "admin:org"],
            body: "{\"message\":\"Must be an owner\"}"
        )
        #expect(error == .forbidden(endpoint: Self.endpoint, message: "Must be an owner", acceptedPermissions: nil))
    }

    @Test func notFoundPointsAtTheSlugAndSubscription() {
        let error = classify(404, body: "{\"message\":\"Not Found\"}")
        #expect(error == .notFound(endpoint: Self.endpoint))
        #expect(error.description.contains("--github.org/--github.enterprise"))
    }

    @Test func otherStatusesKeepGitHubsMessage() {
        #expect(
            classify(422, body: "{\"message\":\"There is a problem with your account's associated payment method.\"}")
                == .rejected(
                    endpoint: Self.endpoint,
                    status: 422,
                    message: "There is a problem with your account's associated payment method."
                )
        )
        #expect(classify(502, body: "<html>") == .server(endpoint: Self.endpoint, status: 502))
        #expect(classify(418, body: "not json") == .rejected(endpoint: Self.endpoint, status: 418, message: "no message"))
    }

    @Test func everyDescriptionIsOneSentenceWithoutTheToken() {
        let errors: [GitHubAPIError] = [
            .unauthorized(endpoint: "e"), .ssoRequired(endpoint: "e", authorizationURL: nil),
            .missingScope(endpoint: "e", accepted: ["read:org"], granted: []),
            .forbidden(endpoint: "e", message: "m", acceptedPermissions: "x=read"),
            .notFound(endpoint: "e"), .rejected(endpoint: "e", status: 422, message: "m"),
            .rateLimited(endpoint: "e", resource: "core", reset: 0),
            .secondaryRateLimited(endpoint: "e", retryAfter: 60), .server(endpoint: "e", status: 503),
            .transport(endpoint: "e", reason: "r"),
            .decoding(endpoint: "e", detail: "d"), .foreignLink(endpoint: "e", link: "l"), .reportsUnavailable(endpoint: "e", days: 3),
        ]
        for error in errors {
            #expect(error.description.hasSuffix("."))
            #expect(!error.description.contains("\n"))
            #expect(!error.description.contains("ghp_"))
        }
    }
}
