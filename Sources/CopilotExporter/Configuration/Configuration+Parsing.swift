import GitHubAPI

extension Configuration {
    /// Parses `arguments` (without the program name) and `environment`.
    ///
    /// Flags take `--name=value` or `--name value`; boolean flags take `--name` / `--no-name`.
    /// The first error is returned as one sentence that says what to do.
    public static func parse(_ arguments: [String], environment: [String: String]) throws(ConfigurationError) -> Configuration {
        var config = Configuration()
        var remaining = arguments[...]
        if remaining.first == "check" {
            config.check = true
            remaining = remaining.dropFirst()
        }
        while let argument = remaining.popFirst() {
            var flag = try Flag(argument, rest: remaining)
            var known = try config.applyWebFlag(&flag)
            if !known { known = try config.applyGitHubFlag(&flag) }
            if !known { known = try config.applyOutputFlag(&flag) }
            if !known { known = try config.applyCollectorFlag(&flag) }
            guard known else { throw ConfigurationError("unknown flag --\(flag.name); run copilot_exporter --help for the list.") }
            remaining = flag.rest
        }
        if config.token == nil, let token = environment["GITHUB_TOKEN"], !token.isEmpty { config.token = token }
        try config.validate()
        return config
    }

    /// One flag being read: its name, its `=value` if any, and the arguments after it (from
    /// which a separate value is taken).
    struct Flag {
        let name: String
        let inlineValue: String?
        var rest: ArraySlice<String>

        init(_ argument: String, rest: ArraySlice<String>) throws(ConfigurationError) {
            guard argument.hasPrefix("-") else {
                throw ConfigurationError("unexpected argument '\(argument)'; flags start with -- (see --help).")
            }
            var name = argument.drop { $0 == "-" }
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = name[..<equals]
            }
            self.name = String(name)
            self.inlineValue = inlineValue
            self.rest = rest
        }

        /// The flag's value: after `=`, or the next argument.
        mutating func value() throws(ConfigurationError) -> String {
            if let inlineValue { return inlineValue }
            guard let next = rest.popFirst(), !next.hasPrefix("--") else {
                throw ConfigurationError("flag --\(name) needs a value, as in --\(name)=VALUE.")
            }
            return next
        }

        func noValue() throws(ConfigurationError) {
            if inlineValue != nil { throw ConfigurationError("flag --\(name) takes no value.") }
        }
    }

    /// Applies a `--web.*` flag; false when `flag` is none of them.
    mutating func applyWebFlag(_ flag: inout Flag) throws(ConfigurationError) -> Bool {
        switch flag.name {
        case "web.listen-address":
            (listenHost, listenPort) = try Self.parseListenAddress(try flag.value())
        case "web.telemetry-path":
            let path = try flag.value()
            guard path.hasPrefix("/"), path.count > 1, !path.hasPrefix("/-/") else {
                throw ConfigurationError("--web.telemetry-path must start with / and not be / or under /-/, as in /metrics.")
            }
            telemetryPath = path
        case "web.config.file": webConfigFile = try flag.value()
        case "web.protect-health":
            try flag.noValue()
            protectHealth = true
        default:
            return false
        }
        return true
    }

    /// Applies a `--github.*` flag; false when `flag` is none of them.
    mutating func applyGitHubFlag(_ flag: inout Flag) throws(ConfigurationError) -> Bool {
        switch flag.name {
        case "github.api-url":
            let url = try flag.value()
            guard url.hasPrefix("https://") || url.hasPrefix("http://"), url.count > 8 else {
                throw ConfigurationError(
                    "--github.api-url must be an http(s) URL such as https://api.github.com or https://HOST/api/v3."
                )
            }
            guard url.hasPrefix("https://") || Self.isLoopback(url) else {
                throw ConfigurationError(
                    "--github.api-url must be an https URL (got \(url)): over plain http the token would cross the network "
                        + "readable, so http is accepted only for 127.0.0.1, localhost or [::1]."
                )
            }
            apiURL = url
        case "github.org": organizations.append(try Self.slug(try flag.value(), flag: flag.name))
        case "github.enterprise": enterprises.append(try Self.slug(try flag.value(), flag: flag.name))
        case "github.token-file": tokenFile = try flag.value()
        case "github.app-client-id": appClientID = try flag.value()
        case "github.app-private-key-file": appPrivateKeyFile = try flag.value()
        case "github.app-installation-id": appInstallationID = try flag.value()
        case "github.request-timeout":
            requestTimeout = try Self.duration(try flag.value(), flag: flag.name)
            guard requestTimeout >= 1 else {
                throw ConfigurationError("--github.request-timeout must be at least 1s.")
            }
        case "github.requests-per-hour":
            guard let budget = Double(try flag.value()), budget >= 1 else {
                throw ConfigurationError("--github.requests-per-hour must be a positive number, such as 2400.")
            }
            requestsPerHour = budget
        default:
            return false
        }
        return true
    }

    /// Applies a flag about what is exported, logged or run; false when `flag` is none of them.
    mutating func applyOutputFlag(_ flag: inout Flag) throws(ConfigurationError) -> Bool {
        switch flag.name {
        case "collector.seats.idle-days":
            guard let days = Int(try flag.value()), days >= 0, days <= 3650 else {
                throw ConfigurationError("--collector.seats.idle-days must be a whole number of days from 0 to 3650.")
            }
            idleDays = days
        case "collector.seats.price.business":
            seatPrices.business = try Self.seatPrice(try flag.value(), flag: flag.name)
        case "collector.seats.price.enterprise":
            seatPrices.enterprise = try Self.seatPrice(try flag.value(), flag: flag.name)
        case "collector.ai_usage_report.per-model":
            try flag.noValue()
            aiUsagePerModel = true
        case "no-collector.ai_usage_report.per-model":
            try flag.noValue()
            aiUsagePerModel = false
        case "metrics.pseudonymize-users": pseudonymizeKeyFile = try flag.value()
        case "storage.path":
            let path = try flag.value()
            guard !path.isEmpty else {
                throw ConfigurationError("--storage.path must name a directory, such as /var/lib/copilot_exporter.")
            }
            storagePath = path
        case "no-metrics.per-user":
            try flag.noValue()
            perUser = false
        case "metrics.per-user":
            try flag.noValue()
            perUser = true
        case "log.level":
            let text = try flag.value()
            guard let level = Logger.Level(rawValue: text) else {
                throw ConfigurationError("--log.level must be one of debug, info, warn, error (got '\(text)').")
            }
            logLevel = level
        case "log.format":
            let text = try flag.value()
            guard let format = Logger.Format(rawValue: text) else {
                throw ConfigurationError("--log.format must be logfmt or json (got '\(text)').")
            }
            logFormat = format
        case "demo":
            try flag.noValue()
            demo = true
        case "demo.seats":
            guard let seats = Int(try flag.value()), seats >= 1, seats <= 1_000_000 else {
                throw ConfigurationError("--demo.seats must be a whole number from 1 to 1000000.")
            }
            demoSeats = seats
        case "once":
            try flag.noValue()
            once = true
        case "version":
            try flag.noValue()
            showVersion = true
        case "help", "h":
            showHelp = true
        default:
            return false
        }
        return true
    }

    /// Applies `--[no-]collector.NAME` or `--collector.NAME.interval`; false for other flags.
    mutating func applyCollectorFlag(_ flag: inout Flag) throws(ConfigurationError) -> Bool {
        let names = CollectorName.allCases.map(\.rawValue).joined(separator: ", ")
        for (prefix, enable) in [("collector.", true), ("no-collector.", false)] where flag.name.hasPrefix(prefix) {
            let rest = String(flag.name.dropFirst(prefix.count))
            if enable, rest.hasSuffix(".interval") {
                let collectorName = String(rest.dropLast(".interval".count))
                guard let collector = CollectorName(rawValue: collectorName) else {
                    throw ConfigurationError("unknown collector '\(collectorName)' in --\(flag.name); collectors are \(names).")
                }
                intervals[collector] = try Self.duration(try flag.value(), flag: flag.name)
                explicitIntervals.insert(collector)
                return true
            }
            guard let collector = CollectorName(rawValue: rest) else {
                throw ConfigurationError("unknown flag --\(flag.name); collectors are \(names) (see --help).")
            }
            try flag.noValue()
            if enable { enabledCollectors.insert(collector) } else { enabledCollectors.remove(collector) }
            return true
        }
        return false
    }

    /// A seat's monthly price in US dollars: a number from 0 to 10000, such as 19 or 39.5.
    static func seatPrice(_ text: String, flag: String) throws(ConfigurationError) -> Double {
        guard let price = Double(text), price.isFinite, price >= 0, price <= 10_000 else {
            throw ConfigurationError("--\(flag) must be a price in US dollars a seat-month from 0 to 10000, such as 19 (got '\(text)').")
        }
        return price
    }

    func validate() throws(ConfigurationError) {
        if showHelp || showVersion { return }
        if demo { return }
        if usesApp {
            guard appClientID != nil, appPrivateKeyFile != nil else {
                throw ConfigurationError("GitHub App authentication needs both --github.app-client-id and --github.app-private-key-file.")
            }
            if appInstallationID != nil && scopes.count > 1 {
                throw ConfigurationError(
                    "--github.app-installation-id names one organization's or enterprise's installation; with several "
                        + "--github.org or --github.enterprise, omit it and the exporter finds each installation."
                )
            }
            if token == nil && tokenFile == nil, let refused = collectorsRefusingApp() {
                throw ConfigurationError(
                    "GitHub refuses GitHub App tokens for the \(refused) endpoints; give a classic personal access token too "
                        + "(GITHUB_TOKEN or --github.token-file), which those collectors then use, or disable them with --no-collector.NAME."
                )
            }
        }
        if organizations.isEmpty && enterprises.isEmpty {
            throw ConfigurationError("nothing to watch: give --github.org=LOGIN and/or --github.enterprise=SLUG, or run with --demo.")
        }
        if token == nil && tokenFile == nil && !usesApp {
            throw ConfigurationError(
                "no GitHub token: set GITHUB_TOKEN or --github.token-file=FILE (a classic token with manage_billing:copilot or read:org), or run with --demo."
            )
        }
        if enabledCollectors.isEmpty {
            throw ConfigurationError("every collector is disabled; enable at least one with --collector.<name>.")
        }
        for (collector, interval) in intervals where interval < 10 {
            throw ConfigurationError(
                "--collector.\(collector.rawValue).interval must be at least 10s so the exporter does not spend GitHub's rate limit."
            )
        }
    }

    /// The enabled collectors that cannot read some watched kind of scope with a GitHub App, as
    /// in "enterprise seats, billing"; nil when the App can read everything.
    func collectorsRefusingApp() -> String? {
        var parts: [String] = []
        for kind in Scope.Kind.allCases where scopes.contains(where: { $0.kind == kind }) {
            let refused = CollectorRegistry.all.filter { collector in
                enabledCollectors.contains(collector.name)
                    && collector.access.contains { $0.scope == kind && !$0.acceptsApp }
            }
            if !refused.isEmpty { parts.append("\(kind.rawValue) " + refused.map(\.name.rawValue).joined(separator: ", ")) }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// True when `url`'s host is a loopback address: 127.0.0.1, localhost or ::1.
    static func isLoopback(_ url: String) -> Bool {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { return false }
        var authority = url.drop { $0 != "/" }.dropFirst(2).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let host =
            authority.hasPrefix("[")
            ? authority.prefix { $0 != "]" } + "]"
            : authority.prefix { $0 != ":" }
        return ["127.0.0.1", "localhost", "[::1]"].contains(host.lowercased())
    }

    /// `:9185`, `0.0.0.0:9185`, `127.0.0.1:0`, `[::1]:9185`.
    static func parseListenAddress(_ text: String) throws(ConfigurationError) -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ConfigurationError("--web.listen-address must be HOST:PORT, such as :9185 or 127.0.0.1:9185 (got '\(text)').")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    /// The longest duration a flag takes: a year (`inf` or `1e300` would overflow the
    /// transport's millisecond timeouts).
    static let maxDuration = 366.0 * 86_400

    /// Go-style durations: `30s`, `5m`, `1h`, `1h30m`, `500ms`, or plain seconds; at most 366 days.
    public static func duration(_ text: String, flag: String) throws(ConfigurationError) -> Double {
        let failure = ConfigurationError("--\(flag) must be a duration such as 30s, 5m or 1h, at most 366d (got '\(text)').")
        if let seconds = Double(text) {
            guard seconds > 0, seconds <= maxDuration else { throw failure }
            return seconds
        }
        var total = 0.0
        var number = ""
        var chars = text[...]
        guard !chars.isEmpty else { throw failure }
        while let char = chars.first {
            if char.isNumber || char == "." {
                number.append(char)
                chars = chars.dropFirst()
                continue
            }
            var unit = ""
            while let next = chars.first, next.isLetter {
                unit.append(next)
                chars = chars.dropFirst()
            }
            guard let value = Double(number) else { throw failure }
            switch unit {
            case "ms": total += value / 1000
            case "s": total += value
            case "m": total += value * 60
            case "h": total += value * 3600
            case "d": total += value * 86_400
            default: throw failure
            }
            number = ""
        }
        guard number.isEmpty, total > 0, total <= maxDuration else { throw failure }
        return total
    }

    static func slug(_ text: String, flag: String) throws(ConfigurationError) -> String {
        guard !text.isEmpty, text.count <= 100,
            text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") })
        else {
            throw ConfigurationError("--\(flag) must be an organization login or enterprise slug (letters, digits, -), got '\(text)'.")
        }
        return text
    }
}
