public import GitHubAPI

/// Everything the command line and environment decide, validated.
public struct Configuration: Sendable, Equatable {
    public var listenHost = ""
    public var listenPort = 9185
    public var telemetryPath = "/metrics"
    public var webConfigFile: String?
    /// Require basic authentication on `/-/healthy` and `/-/ready` too (default: open for probes).
    public var protectHealth = false
    public var apiURL = "https://api.github.com"
    public var organizations: [String] = []
    public var enterprises: [String] = []
    public var tokenFile: String?
    /// From `GITHUB_TOKEN`; never printed.
    public var token: String?
    public var appClientID: String?
    public var appPrivateKeyFile: String?
    public var appInstallationID: String?
    public var enabledCollectors: Set<CollectorName> = Set(CollectorName.allCases)
    public var intervals: [CollectorName: Double] = Configuration.defaultIntervals
    /// Collectors whose interval was given on the command line (and is then not stretched).
    public var explicitIntervals: Set<CollectorName> = []
    /// Rate-limited requests an hour that default intervals may spend in all: under half of a
    /// personal access token's 5,000, leaving room for the token's other users.
    public var requestsPerHour = 2_400.0
    public var idleDays = 30
    /// `--collector.seats.price.business` and `.enterprise`, US dollars a seat-month.
    public var seatPrices = SeatPrices()
    /// `--collector.ai_usage_report.per-model`: billed AI credits per user and model too.
    public var aiUsagePerModel = false
    public var perUser = true
    /// Key file for `--metrics.pseudonymize-users`.
    public var pseudonymizeKeyFile: String?
    public var logLevel = Logger.Level.info
    public var logFormat = Logger.Format.logfmt
    public var demo = false
    public var demoSeats = 300
    public var once = false
    /// `--storage.path`: a directory for state kept across restarts; nil keeps it in memory only.
    public var storagePath: String?
    public var check = false
    public var showVersion = false
    public var showHelp = false
    /// Seconds one GitHub request may take.
    public var requestTimeout = 30.0

    public init() {}

    /// Each collector's default poll interval, as it declares it.
    public static var defaultIntervals: [CollectorName: Double] { CollectorRegistry.defaultIntervals }

    /// The scopes to collect for, organizations first.
    public var scopes: [Scope] {
        organizations.map(Scope.organization) + enterprises.map(Scope.enterprise)
    }

    /// True when any GitHub App flag is given: the App then reads what GitHub lets it read,
    /// and a token, when given too, the rest (`CredentialRouter`).
    public var usesApp: Bool { appClientID != nil || appPrivateKeyFile != nil || appInstallationID != nil }

    /// The `host:port` form of the listen address.
    public var listenAddress: String { "\(listenHost):\(listenPort)" }
}

/// A command-line or environment problem, as one sentence; the process exits 2.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
