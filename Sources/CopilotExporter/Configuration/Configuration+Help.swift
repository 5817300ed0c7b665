import Foundation

extension Configuration {
    /// The `--help` text: the flags, then the registered collectors with their defaults.
    public static var helpText: String {
        flagsHelp + "\n\nCollectors (NAME, default interval, what it exports):\n"
            + CollectorRegistry.all.map { collector in
                "  " + collector.name.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)
                    + formatDuration(collector.defaultInterval).padding(toLength: 5, withPad: " ", startingAt: 0) + collector.summary
            }.joined(separator: "\n")
    }

    /// `30s`, `5m`, `1h`, `6h`: the shortest exact form of a whole number of seconds.
    static func formatDuration(_ seconds: Double) -> String {
        let whole = Int(seconds)
        if whole % 3600 == 0 { return "\(whole / 3600)h" }
        if whole % 60 == 0 { return "\(whole / 60)m" }
        return "\(whole)s"
    }

    static let flagsHelp = """
        usage: copilot_exporter [check] [flags]
               copilot_exporter backfill --from=YYYY-MM-DD [--to=YYYY-MM-DD] [--output=DIR] [flags]

        Prometheus exporter for GitHub Copilot seats, usage and cost.

        Flags:
          --web.listen-address=HOST:PORT   where to serve (default :9185)
          --web.telemetry-path=PATH        metrics path (default /metrics)
          --web.config.file=FILE           TLS and basic auth (exporter-toolkit format)
          --web.protect-health             require basic auth on /-/healthy and /-/ready too
          --github.api-url=URL             REST base URL (default https://api.github.com;
                                           https://api.SUBDOMAIN.ghe.com; https://HOST/api/v3;
                                           http:// only on 127.0.0.1, localhost or [::1])
          --github.org=LOGIN               an organization to watch (repeatable)
          --github.enterprise=SLUG         an enterprise to watch (repeatable)
          --github.token-file=FILE         file holding the token, re-read when it changes
                                           (otherwise the GITHUB_TOKEN environment variable)
          --github.app-client-id=ID        GitHub App authentication: the App's client ID and private
          --github.app-private-key-file=F  key; installation found per org or enterprise unless
          --github.app-installation-id=N   given (one scope); a token too serves what the App can't
          --github.request-timeout=30s     how long one GitHub request may take
          --[no-]collector.NAME            enable or disable a collector (all on; see below)
          --collector.NAME.interval=DUR    poll interval (defaults below)
          --collector.seats.idle-days=30   a seat is idle after this many days without activity
          --collector.seats.price.business=19
          --collector.seats.price.enterprise=39
                                           US dollars a seat costs a month by plan (GitHub's list
                                           prices), to price idle seats; unknown plans as business
          --collector.ai_usage_report.per-model
                                           billed AI credits per user and model too (many series)
          --github.requests-per-hour=2400  GitHub requests an hour that default intervals may
                                           spend in all; large orgs are polled less often
          --no-metrics.per-user            drop every series with a user label
          --metrics.pseudonymize-users=KEY replace logins with HMAC-SHA256 pseudonyms (key file)
          --log.level=info                 debug, info, warn, error
          --log.format=logfmt              logfmt or json
          --demo                           serve against the built-in GitHub simulator (no token)
          --demo.seats=300                 size of the simulated enterprise
          --storage.path=DIR               keep report data, month sums, ETags and the last
                                           values across restarts (default: memory only)
          --once                           collect once, print the exposition, exit 0 (all ok) or 1
          --version                        print the version
          --help                           print this help
        """
}
