import Foundation
public import GitHubAPI

/// A leveled logger writing one line per event to standard error, as logfmt or JSON.
///
/// Messages are complete sentences; fields add context. Nothing secret is ever passed in:
/// the token is not a field of any log call in this code base.
public struct Logger: Sendable {
    /// Severity, lowest first.
    public enum Level: String, Sendable, Comparable, CaseIterable {
        case debug, info, warn, error

        var rank: Int { Level.allCases.firstIndex(of: self)! }
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
    }

    /// Line format.
    public enum Format: String, Sendable, CaseIterable {
        case logfmt, json
    }

    public let level: Level
    public let format: Format
    private let sink: @Sendable (String) -> Void
    private let clock: any WallClock

    public init(
        level: Level = .info,
        format: Format = .logfmt,
        clock: any WallClock = SystemClock(),
        sink: @escaping @Sendable (String) -> Void = Logger.standardError
    ) {
        self.level = level
        self.format = format
        self.clock = clock
        self.sink = sink
    }

    /// Writes to file descriptor 2, one `write` per line so lines from threads never interleave.
    public static let standardError: @Sendable (String) -> Void = { line in
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        bytes.withUnsafeBytes { FileHandle.standardError.write(Data($0)) }
    }

    /// A logger that discards everything.
    public static let silent = Logger(level: .error, sink: { _ in })

    public func debug(_ message: String, _ fields: [(String, String)] = []) { log(.debug, message, fields) }
    public func info(_ message: String, _ fields: [(String, String)] = []) { log(.info, message, fields) }
    public func warn(_ message: String, _ fields: [(String, String)] = []) { log(.warn, message, fields) }
    public func error(_ message: String, _ fields: [(String, String)] = []) { log(.error, message, fields) }

    public func log(_ eventLevel: Level, _ message: String, _ fields: [(String, String)]) {
        guard eventLevel >= level else { return }
        let all = [("ts", RFC3339.timestamp(clock.now())), ("level", eventLevel.rawValue), ("msg", message)] + fields
        switch format {
        case .logfmt:
            sink(all.map { "\($0.0)=\(Logger.logfmtValue($0.1))" }.joined(separator: " "))
        case .json:
            sink("{" + all.map { "\(Logger.jsonString($0.0)):\(Logger.jsonString($0.1))" }.joined(separator: ",") + "}")
        }
    }

    static func logfmtValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0.isNewline }
        guard needsQuotes else { return value }
        return jsonString(value)
    }

    static func jsonString(_ value: String) -> String { JSONString.quote(value) }
}
