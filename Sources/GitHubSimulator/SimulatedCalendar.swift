import Foundation

/// Dates as GitHub writes them, computed with Foundation's Gregorian calendar in UTC: written
/// apart from the exporter's own RFC 3339 code, so that a misreading in one is not repeated in
/// the other and cancelled out in the tests.
public enum SimulatedCalendar {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// Midnight UTC of a `YYYY-MM-DD` day, as Unix seconds; nil when it is no such day.
    public static func dayStart(_ text: String) -> Double? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            let date = utc.date(from: DateComponents(year: year, month: month, day: day)),
            utc.component(.day, from: date) == day
        else { return nil }
        return date.timeIntervalSince1970
    }

    /// The `YYYY-MM-DD` day of a Unix time, in UTC.
    public static func day(_ unixSeconds: Double) -> String {
        let parts = utc.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: unixSeconds))
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` of a Unix time.
    public static func timestamp(_ unixSeconds: Double) -> String {
        let date = Date(timeIntervalSince1970: unixSeconds.rounded(.down))
        let parts = utc.dateComponents([.hour, .minute, .second], from: date)
        return day(unixSeconds) + String(format: "T%02d:%02d:%02dZ", parts.hour!, parts.minute!, parts.second!)
    }

    /// Year and month (1-12) of a Unix time, in UTC.
    /// An IMF-fixdate, as in `Sunset` headers: `Thu, 01 Apr 2027 00:00:00 GMT`.
    public static func httpDate(_ unixSeconds: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: Date(timeIntervalSince1970: unixSeconds))
    }

    public static func yearMonth(_ unixSeconds: Double) -> (year: Int, month: Int) {
        let parts = utc.dateComponents([.year, .month], from: Date(timeIntervalSince1970: unixSeconds))
        return (parts.year!, parts.month!)
    }

    /// Midnight UTC on the first day of a month, as Unix seconds.
    public static func monthStart(year: Int, month: Int) -> Double {
        utc.date(from: DateComponents(year: year, month: month, day: 1))!.timeIntervalSince1970
    }
}

/// The simulator's source of the current time; tests pass a clock they move themselves.
public protocol SimulatorClock: Sendable {
    /// Seconds since the Unix epoch.
    func now() -> Double
}

/// The system's wall clock.
public struct SystemSimulatorClock: SimulatorClock {
    public init() {}
    public func now() -> Double { Date().timeIntervalSince1970 }
}
