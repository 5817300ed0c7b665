import Foundation
import Glibc
import Testing

@testable import CopilotExporter
@testable import GitHubAPI
@testable import WebServer

/// What the configuration refuses or removes so the token stays private.
@Suite(.serialized) struct ConfigurationSecurityTests {
    let env = ["GITHUB_TOKEN": "ghp_x"]

    @Test(arguments: ["http://api.github.com", "http://github.acme.internal/api/v3", "http://127.0.0.2:8080", "http://10.0.0.1"])
    func aPlainHTTPAPIURLOffLoopbackIsRefused(url: String) {
        #expect(
            throws: ConfigurationError(
                "--github.api-url must be an https URL (got \(url)): over plain http the token would cross the network readable, "
                    + "so http is accepted only for 127.0.0.1, localhost or [::1]."
            )
        ) {
            try Configuration.parse(["--github.org=acme", "--github.api-url=\(url)"], environment: env)
        }
    }

    @Test(arguments: [
        "https://api.github.com", "https://github.acme.internal/api/v3", "http://127.0.0.1:8080", "http://localhost:1/api",
        "http://[::1]:9000",
    ])
    func httpsAndLoopbackHTTPAreAccepted(url: String) throws {
        #expect(try Configuration.parse(["--github.org=acme", "--github.api-url=\(url)"], environment: env).apiURL == url)
    }

    @Test func theTokenIsTakenOutOfTheProcessEnvironmentAsItIsRead() throws {
        setenv("GITHUB_TOKEN", "ghp_INPROCESSSECRET", 1)
        let pointer = try #require(getenv("GITHUB_TOKEN"))
        let environment = Configuration.takeProcessEnvironment()
        #expect(environment["GITHUB_TOKEN"] == "ghp_INPROCESSSECRET")
        #expect(getenv("GITHUB_TOKEN") == nil)
        #expect(pointer[0] == 0, "the value's text is overwritten, not only unlinked from environ")
        let configuration = try Configuration.parse(["--github.org=acme"], environment: environment)
        #expect(configuration.token == "ghp_INPROCESSSECRET")
    }
}
