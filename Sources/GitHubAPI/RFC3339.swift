/// Parses the RFC 3339 timestamps and ISO dates GitHub sends, without Foundation's formatters
/// (which are slow and locale-sensitive): `2021-10-14T00:53:32-06:00`, `2021-08-03T18:00:00Z`,
/// `2021-08-03T18:00:00.123Z`, `2024-01-31`.
public enum RFC3339 {
    /// Unix seconds for a timestamp or a date (midnight UTC), or nil when it is not one.
    public static func parse(_ text: String) -> Double? {
        // Read in place: copying the text into an array was an allocation per timestamp (two per
        // seat row of a 100,000-seat listing).
        var text = text
        return text.withUTF8 { parse($0) }
    }

    /// `parse` of the UTF-8 bytes of a timestamp or date (a JSON string's contents, read in place).
    public static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        guard b.count >= 10, let year = number(b, 0, 4), b[4] == 0x2D, let month = number(b, 5, 2),
            b[7] == 0x2D, let day = number(b, 8, 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day)) * 86_400
        if b.count == 10 { return seconds }
        guard b.count >= 19, b[10] == 0x54 || b[10] == 0x74 || b[10] == 0x20,
            let hour = number(b, 11, 2), b[13] == 0x3A, let minute = number(b, 14, 2), b[16] == 0x3A,
            let second = number(b, 17, 2), hour < 24, minute < 60, second < 61
        else { return nil }
        seconds += Double(hour * 3600 + minute * 60 + second)
        var index = 19
        if index < b.count, b[index] == 0x2E {
            index += 1
            var fraction = 0
            var scale = 1
            let start = index
            while index < b.count, (0x30...0x39).contains(b[index]) {
                if scale < 1_000_000_000 {
                    fraction = fraction * 10 + Int(b[index] - 0x30)
                    scale *= 10
                }
                index += 1
            }
            guard index > start else { return nil }
            // One correctly rounded division and addition: no error accumulates digit by digit.
            seconds += Double(fraction) / Double(scale)
        }
        guard index < b.count else { return nil }
        switch b[index] {
        case 0x5A, 0x7A:
            return index + 1 == b.count ? seconds : nil
        case 0x2B, 0x2D:
            guard b.count == index + 6, let offsetHours = number(b, index + 1, 2), b[index + 3] == 0x3A,
                let offsetMinutes = number(b, index + 4, 2)
            else { return nil }
            let offset = Double(offsetHours * 3600 + offsetMinutes * 60)
            return b[index] == 0x2B ? seconds - offset : seconds + offset
        default:
            return nil
        }
    }

    /// `YYYY-MM-DD` of a Unix time, in UTC.
    public static func day(_ unixSeconds: Double) -> String {
        let (year, month, day) = civil(fromDays: Int((unixSeconds / 86_400).rounded(.down)))
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    /// Year and month (1-12) of a Unix time, in UTC.
    public static func yearMonth(_ unixSeconds: Double) -> (year: Int, month: Int) {
        let (year, month, _) = civil(fromDays: Int((unixSeconds / 86_400).rounded(.down)))
        return (year, month)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` of a Unix time (whole seconds).
    public static func timestamp(_ unixSeconds: Double) -> String {
        let whole = Int(unixSeconds.rounded(.down))
        let days = Int((Double(whole) / 86_400).rounded(.down))
        let rest = whole - days * 86_400
        return day(unixSeconds) + "T" + pad(rest / 3600, 2) + ":" + pad(rest / 60 % 60, 2) + ":"
            + pad(rest % 60, 2) + "Z"
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func number(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for index in start..<(start + count) {
            guard index < b.count, (0x30...0x39).contains(b[index]) else { return nil }
            value = value * 10 + Int(b[index] - 0x30)
        }
        return value
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
