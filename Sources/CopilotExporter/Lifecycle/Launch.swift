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

    /// The credentials the configuration names: a GitHub App, a token file or `GITHUB_TOKEN`,
    /// or an App and a token together, routed per collector (`CredentialRouter`).
    public static func credentials(
        _ configuration: Configuration,
        transport: any HTTPTransport
    ) throws -> any CredentialSource {
        var token: (any CredentialSource)?
        if let file = configuration.tokenFile {
            token = try TokenFile(path: file)
        } else if let value = configuration.token {
            token = StaticToken(value)
        }
        guard configuration.usesApp, let clientID = configuration.appClientID, let keyFile = configuration.appPrivateKeyFile else {
            return token ?? StaticToken("")
        }
        let app = GitHubAppCredentials(
            clientID: clientID,
            key: try appKey(keyFile),
            installationID: configuration.appInstallationID,
            baseURL: configuration.apiURL,
            transport: transport,
            userAgent: "copilot_exporter/\(ExporterApp.version)"
        )
        guard let token else { return app }
        return CredentialRouter(app: app, token: token)
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
