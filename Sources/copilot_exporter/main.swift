import CopilotExporter
import Foundation
import GitHubSimulator

/// Parses the configuration, wires the exporter (and in `--demo` the simulator), runs it.
@main
enum CopilotExporterMain {
    static func main() async {
        Memory.limitArenas()
        ProcessHardening.forbidCoreDumps()
        exit(await run(Array(CommandLine.arguments.dropFirst()), environment: Configuration.takeProcessEnvironment()))
    }

    static func run(_ arguments: [String], environment: [String: String]) async -> Int32 {
        var configuration: Configuration
        do {
            configuration = try Configuration.parse(arguments, environment: environment)
        } catch {
            FileHandle.standardError.write(Data("copilot_exporter: \(error)\n".utf8))
            return 2
        }
        if configuration.showHelp {
            print(Configuration.helpText)
            return 0
        }
        if configuration.showVersion {
            print("copilot_exporter version \(ExporterApp.version)")
            return 0
        }
        let logger = Logger(level: configuration.logLevel, format: configuration.logFormat)
        var pseudonymizer: Pseudonymizer?
        if let keyFile = configuration.pseudonymizeKeyFile {
            do {
                pseudonymizer = try Pseudonymizer(keyFile: keyFile)
            } catch {
                FileHandle.standardError.write(Data("copilot_exporter: \(error)\n".utf8))
                return 2
            }
        }
        var webConfig = WebConfig()
        if let file = configuration.webConfigFile {
            do {
                webConfig = try WebConfig.load(path: file)
                if let tls = webConfig.tls { _ = try TLSContext(tls) }
            } catch {
                FileHandle.standardError.write(Data("copilot_exporter: \(error)\n".utf8))
                return 2
            }
        }
        var simulator: GitHubSimulator?
        let credentials: any CredentialSource
        let downloads = DownloadDirectory.standard
        do {
            try downloads.prepare()
        } catch {
            FileHandle.standardError.write(Data("copilot_exporter: \(error)\n".utf8))
            return 2
        }
        let transport = URLSessionTransport(timeout: configuration.requestTimeout, downloadDirectory: downloads)
        if configuration.demo {
            // The demo token expires in 45 days, so token-expiry panels and alerts have data.
            let demo = GitHubSimulator(
                scenario: .demo(seats: configuration.demoSeats, now: Date().timeIntervalSince1970),
                tokenLifetime: 45 * 86_400
            )
            do {
                try demo.start()
            } catch {
                logger.error("Cannot start the GitHub simulator for --demo: \(error).")
                return 1
            }
            simulator = demo
            configuration.apiURL = demo.baseURL
            configuration.organizations = ["acme-corp", "acme-labs"]
            configuration.enterprises = ["acme"]
            credentials = StaticToken(GitHubSimulator.demoToken)
            logger.info(
                "Demo mode: serving against the built-in GitHub simulator.",
                [("simulator", demo.baseURL), ("seats", String(configuration.demoSeats))]
            )
        } else if configuration.usesApp, let clientID = configuration.appClientID, let keyFile = configuration.appPrivateKeyFile {
            guard let pem = try? String(contentsOfFile: keyFile, encoding: .utf8) else {
                FileHandle.standardError.write(
                    Data("copilot_exporter: cannot read the GitHub App private key \(keyFile); check --github.app-private-key-file.\n".utf8)
                )
                return 2
            }
            do {
                let key = try RSAKey(privateKeyPEM: pem)
                credentials = GitHubAppCredentials(
                    clientID: clientID,
                    key: key,
                    installationID: configuration.appInstallationID,
                    baseURL: configuration.apiURL,
                    transport: transport,
                    userAgent: "copilot_exporter/\(ExporterApp.version)"
                )
            } catch {
                FileHandle.standardError.write(
                    Data(
                        "copilot_exporter: the GitHub App private key \(keyFile) is \(error); download a new one from the App's settings.\n"
                            .utf8
                    )
                )
                return 2
            }
        } else if let file = configuration.tokenFile {
            do {
                credentials = try TokenFile(path: file)
            } catch {
                FileHandle.standardError.write(Data("copilot_exporter: \(error)\n".utf8))
                return 2
            }
        } else {
            credentials = StaticToken(configuration.token ?? "")
        }
        if configuration.check {
            let (lines, report, status) = await CheckCommand(configuration: configuration, credentials: credentials, transport: transport)
                .run()
            print("copilot_exporter check against \(configuration.apiURL)")
            for line in lines { print(line.text) }
            for line in report { print(line) }
            await simulator?.stop()
            return status
        }
        let app = ExporterApp(
            configuration: configuration,
            credentials: credentials,
            transport: transport,
            logger: logger,
            pseudonymizer: pseudonymizer
        )
        let status =
            configuration.once
            ? await app.runOnce(output: { FileHandle.standardOutput.write(Data($0)) }) : await app.serve(webConfig: webConfig)
        await simulator?.stop()
        return status
    }
}
