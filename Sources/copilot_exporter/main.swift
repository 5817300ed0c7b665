import CopilotExporter
import Foundation
import GitHubAPI
import GitHubSimulator
import WebServer

/// Parses the configuration, wires the exporter (and in `--demo` the simulator), runs it.
@main
enum CopilotExporterMain {
    static func main() async {
        Memory.configureAllocator()
        ProcessHardening.forbidCoreDumps()
        exit(await run(Array(CommandLine.arguments.dropFirst()), environment: Configuration.takeProcessEnvironment()))
    }

    static func run(_ arguments: [String], environment: [String: String]) async -> Int32 {
        if HealthCheckCommand.matches(arguments) {
            let (status, message) = await HealthCheckCommand.run(arguments)
            if let message { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            return status
        }
        var configuration: Configuration
        let pseudonymizer: Pseudonymizer?
        let webConfig: WebConfig
        var backfill: BackfillOptions?
        var arguments = arguments
        do {
            if BackfillOptions.matches(arguments) {
                let today = Int((Date().timeIntervalSince1970 / 86_400).rounded(.down))
                (backfill, arguments) = try BackfillOptions.parse(arguments, today: today)
            }
            configuration = try Configuration.parse(arguments, environment: environment)
            if configuration.showHelp || configuration.showVersion {
                print(configuration.showHelp ? Configuration.helpText : "copilot_exporter version \(ExporterApp.version)")
                return 0
            }
            pseudonymizer = try Launch.pseudonymizer(configuration)
            webConfig = try Launch.webConfig(configuration)
        } catch {
            return usageError(error)
        }
        let logger = Logger(level: configuration.logLevel, format: configuration.logFormat)
        var simulator: GitHubSimulator?
        if configuration.demo {
            guard let demo = startDemo(&configuration, logger: logger) else { return 1 }
            simulator = demo
        }
        let downloads = DownloadDirectory.standard
        let transport = StandardTransport.make(timeout: configuration.requestTimeout, downloadDirectory: downloads)
        let credentials: any CredentialSource
        do {
            // Only URLSession, the fallback, writes downloads to disk.
            if transport is URLSessionTransport { try downloads.prepare() }
            credentials = try Launch.credentials(configuration, transport: transport)
        } catch {
            return usageError(error)
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
        if let backfill {
            let command = BackfillCommand(
                configuration: configuration,
                options: backfill,
                credentials: credentials,
                transport: transport,
                pseudonymizer: pseudonymizer
            )
            let outcome = await BackfillProgress(logger: logger).run(command)
            await simulator?.stop()
            return outcome.exitCode
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

    static func usageError(_ error: any Error) -> Int32 {
        FileHandle.standardError.write(Data("copilot_exporter: \(error)\n".utf8))
        return 2
    }

    /// Starts the built-in simulator and points the configuration at it. The demo token expires
    /// in 45 days, so token-expiry panels and alerts have data.
    static func startDemo(_ configuration: inout Configuration, logger: Logger) -> GitHubSimulator? {
        let demo = GitHubSimulator(
            scenario: .demo(seats: configuration.demoSeats, now: Date().timeIntervalSince1970),
            tokenLifetime: 45 * 86_400
        )
        do {
            try demo.start()
        } catch {
            logger.error("Cannot start the GitHub simulator for --demo: \(error).")
            return nil
        }
        configuration.apiURL = demo.baseURL
        configuration.organizations = ["acme-corp", "acme-labs"]
        configuration.enterprises = ["acme"]
        configuration.token = GitHubSimulator.demoToken
        configuration.tokenFile = nil
        configuration.appClientID = nil
        configuration.appPrivateKeyFile = nil
        configuration.appInstallationID = nil
        logger.info(
            "Demo mode: serving against the built-in GitHub simulator.",
            [("simulator", demo.baseURL), ("seats", String(configuration.demoSeats))]
        )
        return demo
    }
}
