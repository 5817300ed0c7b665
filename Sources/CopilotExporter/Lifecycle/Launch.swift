import Foundation
public import GitHubAPI
public import WebServer

/// The steps between a parsed configuration and a running exporter that can fail on the
/// user's input: each throws one sentence, and the process exits 2 with it.
public enum Launch {
    /// Reads `--metrics.pseudonymize-users`' key, when set.
    public static func pseudonymizer(_ configuration: Configuration) throws -> Pseudonymizer? {
        guard let keyFile = configuration.pseudonymizeKeyFile else { return nil }
        return try Pseudonymizer(keyFile: keyFile)
    }

    /// Reads `--web.config.file`, when set, and loads its certificate and key once to fail now
    /// rather than at the first connection.
    public static func webConfig(_ configuration: Configuration) throws -> WebConfig {
        guard let file = configuration.webConfigFile else { return WebConfig() }
        let webConfig = try WebConfig.load(path: file)
        if let tls = webConfig.tls { _ = try TLSContext(tls) }
        return webConfig
    }

    /// The credential the configuration names: a GitHub App, a token file, or `GITHUB_TOKEN`.
    public static func credentials(
        _ configuration: Configuration,
        transport: any HTTPTransport
    ) throws -> any CredentialSource {
        if configuration.usesApp, let clientID = configuration.appClientID, let keyFile = configuration.appPrivateKeyFile {
            return GitHubAppCredentials(
                clientID: clientID,
                key: try appKey(keyFile),
                installationID: configuration.appInstallationID,
                baseURL: configuration.apiURL,
                transport: transport,
                userAgent: "copilot_exporter/\(ExporterApp.version)"
            )
        }
        if let file = configuration.tokenFile { return try TokenFile(path: file) }
        return StaticToken(configuration.token ?? "")
    }

    static func appKey(_ keyFile: String) throws(ConfigurationError) -> RSAKey {
        guard let pem = try? String(contentsOfFile: keyFile, encoding: .utf8) else {
            throw ConfigurationError("cannot read the GitHub App private key \(keyFile); check --github.app-private-key-file.")
        }
        do {
            return try RSAKey(privateKeyPEM: pem)
        } catch {
            throw ConfigurationError("the GitHub App private key \(keyFile) is \(error); download a new one from the App's settings.")
        }
    }
}
