import Testing

@testable import CopilotExporter
@testable import GitHubAPI

@Suite struct ConfigurationTests {
    let env = ["GITHUB_TOKEN": "ghp_x"]

    @Test func defaultsMatchTheContract() throws {
        let config = try Configuration.parse(["--github.org=acme"], environment: env)
        #expect(config.listenHost == "" && config.listenPort == 9185)
        #expect(config.telemetryPath == "/metrics")
        #expect(config.apiURL == "https://api.github.com")
        #expect(config.enabledCollectors == Set(CollectorName.allCases))
        #expect(config.idleDays == 30)
        #expect(config.perUser)
        #expect(config.logLevel == .info && config.logFormat == .logfmt)
        #expect(config.token == "ghp_x")
        #expect(config.intervals[.seats] == 300)
    }

    @Test func parsesEveryContractFlagInBothSpellings() throws {
        let config = try Configuration.parse(
            [
                "--web.listen-address", "127.0.0.1:9999", "--web.telemetry-path=/m", "--github.api-url=https://api.acme.ghe.com",
                "--github.org=a", "--github.org", "b", "--github.enterprise=e", "--no-collector.billing", "--collector.seats.interval=10m",
                "--collector.seats.idle-days=14", "--no-metrics.per-user", "--log.level=debug", "--log.format=json", "--once",
                "--github.token-file=/run/secrets/token",
            ],
            environment: [:]
        )
        #expect(config.listenHost == "127.0.0.1" && config.listenPort == 9999)
        #expect(config.telemetryPath == "/m")
        #expect(config.apiURL == "https://api.acme.ghe.com")
        #expect(config.scopes == [.organization("a"), .organization("b"), .enterprise("e")])
        #expect(!config.enabledCollectors.contains(.billing))
        #expect(config.intervals[.seats] == 600)
        #expect(config.idleDays == 14)
        #expect(!config.perUser)
        #expect(config.logLevel == .debug && config.logFormat == .json)
        #expect(config.once)
        #expect(config.tokenFile == "/run/secrets/token")
    }

    @Test func seatPricesDefaultToGitHubsListPricesAndTakeFlags() throws {
        #expect(try Configuration.parse(["--demo"], environment: [:]).seatPrices == SeatPrices(business: 19, enterprise: 39))
        let config = try Configuration.parse(
            ["--demo", "--collector.seats.price.business=17.5", "--collector.seats.price.enterprise", "0"],
            environment: [:]
        )
        #expect(config.seatPrices == SeatPrices(business: 17.5, enterprise: 0))
    }

    @Test func webConfigAndHealthProtectionAreFlags() throws {
        let config = try Configuration.parse(["--demo", "--web.config.file=web.yml", "--web.protect-health"], environment: [:])
        #expect(config.webConfigFile == "web.yml")
        #expect(config.protectHealth)
    }

    @Test func demoNeedsNoTokenOrScope() throws {
        let config = try Configuration.parse(["--demo", "--demo.seats=1000"], environment: [:])
        #expect(config.demo && config.demoSeats == 1000)
    }

    @Test(arguments: [
        (["--github.org=a"], [String: String](), "no GitHub token"),
        ([], ["GITHUB_TOKEN": "t"], "nothing to watch"),
        (["--bogus"], ["GITHUB_TOKEN": "t"], "unknown flag --bogus"),
        (["--collector.nope"], ["GITHUB_TOKEN": "t"], "collectors are seats"),
        (["--github.org=a", "--collector.seats.interval=fast"], ["GITHUB_TOKEN": "t"], "must be a duration"),
        (["--github.org=a", "--github.request-timeout=inf"], ["GITHUB_TOKEN": "t"], "at most 366d"),
        (["--github.org=a", "--github.request-timeout=1e300"], ["GITHUB_TOKEN": "t"], "at most 366d"),
        (["--github.org=a", "--collector.seats.interval=400d"], ["GITHUB_TOKEN": "t"], "at most 366d"),
        (["--github.org=a", "--collector.seats.interval=nan"], ["GITHUB_TOKEN": "t"], "must be a duration"),
        (["--github.org=a", "--collector.seats.interval=1s"], ["GITHUB_TOKEN": "t"], "at least 10s"),
        (["--web.listen-address=9185"], ["GITHUB_TOKEN": "t"], "HOST:PORT"),
        (["--github.org=a b"], ["GITHUB_TOKEN": "t"], "organization login"),
        (["--github.org"], ["GITHUB_TOKEN": "t"], "needs a value"),
        (["--github.org=a", "--log.level=loud"], ["GITHUB_TOKEN": "t"], "--log.level must be one of"),
        (["--github.org=a", "--collector.seats.idle-days=-1"], ["GITHUB_TOKEN": "t"], "idle-days"),
        (["--github.org=a", "--collector.seats.price.business=nineteen"], ["GITHUB_TOKEN": "t"], "price.business must be a price"),
        (["--github.org=a", "--collector.seats.price.enterprise=-1"], ["GITHUB_TOKEN": "t"], "price.enterprise must be a price"),
        (["--github.org=a", "--collector.seats.price.enterprise=inf"], ["GITHUB_TOKEN": "t"], "from 0 to 10000"),
        (["--github.org=a", "--web.telemetry-path=metrics"], ["GITHUB_TOKEN": "t"], "must start with /"),
        (["--github.org=a", "--github.api-url=api.github.com"], ["GITHUB_TOKEN": "t"], "http(s) URL"),
        (["--github.org=a", "--once=yes"], ["GITHUB_TOKEN": "t"], "takes no value"),
        (["stray"], ["GITHUB_TOKEN": "t"], "unexpected argument"),
        (["--github.org=a", "--github.app-client-id=Iv1.x"], [:], "needs both --github.app-client-id and --github.app-private-key-file"),
        (
            ["--github.enterprise=e", "--github.app-client-id=Iv1.x", "--github.app-private-key-file=k.pem"], [:],
            "refuses GitHub App tokens"
        ),
        (
            [
                "--github.org=a", "--github.org=b", "--github.app-client-id=I", "--github.app-private-key-file=k",
                "--github.app-installation-id=1",
            ],
            [:], "omit it"
        ),
        (
            [
                "--github.org=a", "--github.enterprise=e", "--github.app-client-id=I", "--github.app-private-key-file=k",
                "--github.app-installation-id=1",
            ],
            ["GITHUB_TOKEN": "t"], "omit it"
        ),
        (
            ["--github.enterprise=e", "--github.app-client-id=I", "--github.app-private-key-file=k", "--no-collector.billing"], [:],
            "GitHub refuses GitHub App tokens for the enterprise seats, premium_requests, ai_credits, ai_usage_report endpoints; give a classic"
        ),
    ])
    func badInputIsOneSentenceThatSaysWhatToDo(arguments: [String], environment: [String: String], fragment: String) {
        do {
            _ = try Configuration.parse(arguments, environment: environment)
            Issue.record("expected an error for \(arguments)")
        } catch {
            #expect(error.description.contains(fragment), "\(error.description)")
            #expect(error.description.hasSuffix(".") || error.description.hasSuffix(")."))
            #expect(!error.description.contains("\n"))
        }
    }

    static let appFlags = ["--github.app-client-id=Iv23li", "--github.app-private-key-file=app.pem"]
    static let usageMetricsOnly = [
        "--no-collector.seats", "--no-collector.billing", "--no-collector.premium_requests", "--no-collector.ai_credits",
        "--no-collector.teams", "--no-collector.ai_usage_report",
    ]

    @Test(arguments: [
        (["--github.enterprise=e"], ["GITHUB_TOKEN": "t"]),
        (["--github.enterprise=e", "--github.token-file=token"], [:]),
        (["--github.org=a", "--github.enterprise=e", "--github.token-file=token"], [:]),
        (["--github.enterprise=e"] + usageMetricsOnly, [:]),
        (["--github.org=a", "--github.enterprise=e"] + usageMetricsOnly, [:]),
        (["--github.org=a"], [:]),
    ])
    func anAppIsAcceptedWhereItOrATokenCanReadEveryEnabledEndpoint(arguments: [String], environment: [String: String]) throws {
        let config = try Configuration.parse(Self.appFlags + arguments, environment: environment)
        #expect(config.usesApp)
        #expect(config.collectorsRefusingApp() == nil || config.token != nil || config.tokenFile != nil)
    }

    @Test func anAppWithoutATokenNamesEveryCollectorThatNeedsOne() {
        #expect {
            try Configuration.parse(Self.appFlags + ["--github.org=a", "--github.enterprise=e"], environment: [:])
        } throws: { error in
            "\(error)"
                == "GitHub refuses GitHub App tokens for the enterprise seats, billing, premium_requests, ai_credits, ai_usage_report endpoints; "
                + "give a classic personal access token too (GITHUB_TOKEN or --github.token-file), which those collectors then use, "
                + "or disable them with --no-collector.NAME."
        }
    }

    @Test(arguments: [("30s", 30.0), ("5m", 300), ("1h", 3600), ("1h30m", 5400), ("500ms", 0.5), ("90", 90), ("1d", 86_400)])
    func durationsTakeGoSyntax(text: String, seconds: Double) throws {
        #expect(try Configuration.duration(text, flag: "x") == seconds)
    }

    @Test(arguments: [(":9185", "", 9185), ("0.0.0.0:80", "0.0.0.0", 80), ("[::1]:9185", "::1", 9185), ("localhost:0", "localhost", 0)])
    func listenAddresses(text: String, host: String, port: Int) throws {
        let parsed = try Configuration.parseListenAddress(text)
        #expect(parsed.0 == host && parsed.1 == port)
    }

    @Test func theTokenNeverAppearsInTheDescription() throws {
        let config = try Configuration.parse(["--github.org=a"], environment: ["GITHUB_TOKEN": "ghp_secretvalue"])
        let errors = [
            (try? Configuration.parse(["--nope"], environment: ["GITHUB_TOKEN": "ghp_secretvalue"])) == nil ? "refused" : ""
        ]
        #expect(config.token == "ghp_secretvalue")
        #expect(!Configuration.helpText.contains("ghp_secretvalue"))
        #expect(errors == ["refused"])
    }
}
