/// Where the server reports what happened to a connection: the application passes its own
/// logger in through `emit`, so this module needs no logging of its own.
///
/// Messages are complete sentences; fields add context. Nothing a client sent is passed in
/// unescaped, and nothing secret is passed at all.
public struct ServerLog: Sendable {
    /// Severity, lowest first, matching the application's levels by name.
    public enum Level: String, Sendable {
        case debug, info, warn, error
    }

    private let emit: @Sendable (Level, String, [(String, String)]) -> Void

    public init(_ emit: @escaping @Sendable (Level, String, [(String, String)]) -> Void) {
        self.emit = emit
    }

    /// A log that discards everything.
    public static let silent = ServerLog { _, _, _ in }

    public func debug(_ message: String, _ fields: [(String, String)] = []) { emit(.debug, message, fields) }
    public func info(_ message: String, _ fields: [(String, String)] = []) { emit(.info, message, fields) }
    public func warn(_ message: String, _ fields: [(String, String)] = []) { emit(.warn, message, fields) }
    public func error(_ message: String, _ fields: [(String, String)] = []) { emit(.error, message, fields) }
}
