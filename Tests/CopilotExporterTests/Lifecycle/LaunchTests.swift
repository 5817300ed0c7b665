import CopilotExporter
import Foundation
import Testing
import WebServer

@testable import GitHubAPI

/// The start-up steps that read the user's files: each failure is one sentence naming the
/// file and the flag, and the right credential is chosen.
@Suite struct LaunchTests {
    func configuration(_ arguments: [String], environment: [String: String] = [:]) throws -> Configuration {
        try Configuration.parse(arguments + ["--github.org=acme"], environment: environment)
    }

    @Test func anUnreadableAppKeyNamesTheFileAndTheFlag() throws {
        let config = try configuration([
            "--github.app-client-id=Iv1.x", "--github.app-private-key-file=/nonexistent/key.pem", "--github.app-installation-id=1",
        ])
        #expect {
            try Launch.credentials(config, transport: StandardTransport.make(timeout: 1))
        } throws: { error in
            "\(error)".contains("/nonexistent/key.pem") && "\(error)".contains("--github.app-private-key-file")
        }
    }

    @Test func aKeyThatIsNotPEMSaysSo() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("launch-\(UUID().uuidString).pem")
        try Data("not a key".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let config = try configuration([
            "--github.app-client-id=Iv1.x", "--github.app-private-key-file=\(file.path)", "--github.app-installation-id=1",
        ])
        #expect {
            try Launch.credentials(config, transport: StandardTransport.make(timeout: 1))
        } throws: { error in
            "\(error)".contains("not a PEM private key") && "\(error)".contains("download a new one")
        }
    }

    @Test func theEnvironmentTokenIsUsedWhenNoFileOrAppIsGiven() async throws {
        let config = try configuration([], environment: ["GITHUB_TOKEN": "ghp_example"])
        let credentials = try Launch.credentials(config, transport: StandardTransport.make(timeout: 1))
        #expect(try await credentials.token(for: .organization("acme")) == "ghp_example")
    }

    @Test func aMissingTokenFileIsRefusedAtStart() throws {
        let config = try configuration(["--github.token-file=/nonexistent/token"])
        #expect(throws: (any Error).self) { try Launch.credentials(config, transport: StandardTransport.make(timeout: 1)) }
    }

    @Test func noWebConfigMeansOpenPlainHTTP() throws {
        let config = try configuration([], environment: ["GITHUB_TOKEN": "t"])
        let webConfig = try Launch.webConfig(config)
        #expect(webConfig.tls == nil)
        #expect(webConfig.basicAuthUsers.isEmpty)
    }
}
