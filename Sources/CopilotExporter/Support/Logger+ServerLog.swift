public import WebServer

extension Logger {
    /// This logger as the HTTP server's log: same level, format and sink.
    public var serverLog: ServerLog {
        ServerLog { level, message, fields in
            log(Level(rawValue: level.rawValue) ?? .error, message, fields)
        }
    }
}
