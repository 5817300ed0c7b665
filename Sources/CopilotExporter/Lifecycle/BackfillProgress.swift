import Foundation
import Glibc
import Synchronization

/// Shows a backfill's progress: on a terminal one line on standard error, rewritten in place
/// (day i/N, date, requests, ETA); otherwise one log line per day. Notices are logged once each.
public struct BackfillProgress: Sendable {
    public let logger: Logger
    let terminal: Bool

    public init(logger: Logger, terminal: Bool? = nil) {
        self.logger = logger
        self.terminal = terminal ?? (isatty(2) == 1)
    }

    /// Runs `command` until done or signalled and says how it ended.
    public func run(_ command: BackfillCommand) async -> BackfillCommand.Outcome {
        let seen = Mutex<Set<String>>([])
        let terminal = self.terminal
        let logger = self.logger
        let outcome = await command.runUntilSignalled(
            progress: { progress in
                if terminal {
                    FileHandle.standardError.write(Data(("\r\u{1B}[K" + Self.line(progress)).utf8))
                } else if progress.day != "done" {
                    logger.info(
                        progress.waiting == nil ? "Backfilling a day." : "Waiting for the request budget.",
                        [
                            ("day", progress.day), ("n", "\(progress.index)/\(progress.count)"),
                            ("requests", String(progress.requests)),
                        ]
                    )
                }
            },
            notice: { message in
                guard seen.withLock({ $0.insert(message).inserted }) else { return }
                if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                logger.info(message)
            }
        )
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
        switch outcome {
        case .completed(let written, let skipped):
            logger.info(
                "Backfill done.",
                [
                    ("written", String(written)), ("skipped", String(skipped)), ("requests", String(command.requests.value)),
                    ("output", command.options.output),
                ]
            )
        case .interrupted(let written):
            logger.info("Backfill stopped; run the same command again to resume.", [("written", String(written))])
        case .failed(let message):
            logger.error("Backfill failed: \(message)")
        }
        return outcome
    }

    /// `day 3/30  2026-11-05  42 requests  ETA 1m20s`.
    static func line(_ progress: BackfillCommand.Progress) -> String {
        var text = "day \(progress.index)/\(progress.count)  \(progress.day)  \(progress.requests) requests"
        if let waiting = progress.waiting { text += "  waiting \(duration(waiting)) for the request budget" }
        if let eta = progress.eta { text += "  ETA \(duration(eta))" }
        return text
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600 ? "\(total / 3600)h\(total % 3600 / 60)m" : total >= 60 ? "\(total / 60)m\(total % 60)s" : "\(total)s"
    }
}
