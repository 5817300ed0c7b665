/// A wire format for exposing metrics, chosen per scrape from the `Accept` header.
public enum ExpositionFormat: Sendable, Hashable, CaseIterable {
    /// The Prometheus text format, version 0.0.4.
    case text
    /// OpenMetrics text, version 1.0.0 (ends with `# EOF`).
    case openMetrics

    /// The `Content-Type` header value a response in this format carries.
    public var contentType: String {
        switch self {
        case .text: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// Picks the format for an `Accept` header the way Prometheus' Go client does: the media
    /// ranges are ranked by `q` (ties keep header order); the first that is OpenMetrics (version
    /// 1.0.0, 0.0.1 or none) selects OpenMetrics; text/plain, `*/*` or anything else selects text.
    public static func negotiate(accept: String?) -> ExpositionFormat {
        guard let accept, !accept.isEmpty else { return .text }
        var ranges: [(position: Int, quality: Double, type: String, version: String?)] = []
        for (position, part) in accept.split(separator: ",").enumerated() {
            let fields = part.split(separator: ";").map { $0.trimmingSpaces() }
            guard let type = fields.first?.lowercased(), !type.isEmpty else { continue }
            var quality = 1.0
            var version: String?
            for parameter in fields.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces() }
                guard pair.count == 2 else { continue }
                switch pair[0].lowercased() {
                case "q": quality = Double(pair[1]) ?? 0
                case "version": version = pair[1]
                default: break
                }
            }
            if quality > 0 { ranges.append((position, quality, type, version)) }
        }
        ranges.sort { $0.quality != $1.quality ? $0.quality > $1.quality : $0.position < $1.position }
        for range in ranges {
            if range.type == "application/openmetrics-text" {
                if range.version == nil || range.version == "1.0.0" || range.version == "0.0.1" {
                    return .openMetrics
                }
                continue
            }
            if range.type == "text/plain" || range.type == "*/*" || range.type == "text/*" {
                return .text
            }
        }
        return .text
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
