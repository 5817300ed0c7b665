import GitHubAPI

/// `copilot_exporter backfill --from=YYYY-MM-DD [--to=YYYY-MM-DD] [--output=DIR] [flags]`: the
/// days to write and where; every other flag is the server's and is parsed by `Configuration`.
public struct BackfillOptions: Sendable, Equatable {
    /// First and last day to write, in days since the epoch (UTC).
    public var from: Int
    public var to: Int
    /// The directory that receives one OpenMetrics file per day.
    public var output: String

    /// GitHub keeps the usage-metrics reports for a year.
    public static let maxDaysBack = 365
    public static let defaultOutput = "backfill"

    /// True when the arguments start with the `backfill` subcommand.
    public static func matches(_ arguments: [String]) -> Bool { arguments.first == "backfill" }

    /// Takes the backfill flags out of `arguments` (which start with `backfill`) and returns
    /// them with the remaining flags. `today` is days since the epoch; the newest day a report
    /// can have is yesterday.
    public static func parse(_ arguments: [String], today: Int) throws(ConfigurationError) -> (BackfillOptions, [String]) {
        var from: String?
        var to: String?
        var output = defaultOutput
        var rest: [String] = []
        var remaining = arguments.dropFirst()[...]
        while let argument = remaining.popFirst() {
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            guard ["--from", "--to", "--output"].contains(name) else {
                rest.append(argument)
                continue
            }
            let value: String
            if let equals = argument.firstIndex(of: "=") {
                value = String(argument[argument.index(after: equals)...])
            } else if let next = remaining.popFirst() {
                value = next
            } else {
                throw ConfigurationError("\(name) needs a value; see copilot_exporter --help.")
            }
            switch name {
            case "--from": from = value
            case "--to": to = value
            default: output = value
            }
        }
        guard let from else {
            throw ConfigurationError("backfill needs --from=YYYY-MM-DD, the first day to write (at most a year back).")
        }
        let newest = today - 1
        let first = try day(from, flag: "--from")
        var last = newest
        if let to { last = try day(to, flag: "--to") }
        if last > newest {
            throw ConfigurationError(
                "--to=\(RFC3339.day(Double(last) * 86_400)) is not past yet; the newest day GitHub can have reported is "
                    + "\(RFC3339.day(Double(newest) * 86_400)) (the default)."
            )
        }
        if first > last {
            throw ConfigurationError(
                "--from=\(RFC3339.day(Double(first) * 86_400)) is after --to=\(RFC3339.day(Double(last) * 86_400)); give the earlier day first."
            )
        }
        if first < today - maxDaysBack {
            throw ConfigurationError(
                "--from=\(RFC3339.day(Double(first) * 86_400)) is more than a year back; GitHub keeps the Copilot reports for a year, "
                    + "so start at \(RFC3339.day(Double(today - maxDaysBack) * 86_400)) or later."
            )
        }
        if output.isEmpty { throw ConfigurationError("--output needs a directory.") }
        return (BackfillOptions(from: first, to: last, output: output), rest)
    }

    /// `YYYY-MM-DD` as days since the epoch, or one sentence saying what is wrong.
    static func day(_ text: String, flag: String) throws(ConfigurationError) -> Int {
        guard text.utf8.count == 10, let time = RFC3339.parse(text + "T00:00:00Z"), RFC3339.day(time) == text else {
            throw ConfigurationError("\(flag)=\(text) is not a date; write it as YYYY-MM-DD, for example \(flag)=2026-01-31.")
        }
        return Int((time / 86_400).rounded(.down))
    }
}
