/// Parses RFC 8288 `Link` headers as GitHub sends them for pagination:
/// `<https://api.github.com/...&page=2>; rel="next", <...&page=5>; rel="last"`.
public enum LinkHeader {
    /// The target of the link whose `rel` includes `relation`, or nil.
    public static func target(_ header: String?, relation: String) -> String? {
        guard let header else { return nil }
        for part in splitLinks(header) {
            guard let open = part.firstIndex(of: "<"), let close = part.firstIndex(of: ">"), open < close else {
                continue
            }
            let url = String(part[part.index(after: open)..<close])
            for parameter in part[part.index(after: close)...].split(separator: ";") {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, pair[0].trimmingCharacters() == "rel" else { continue }
                let rels = pair[1].trimmingCharacters().trimmingQuotes().split(separator: " ")
                if rels.contains(where: { $0.lowercased() == relation }) { return url }
            }
        }
        return nil
    }

    /// Splits on commas that are outside `<...>` (URLs may contain commas).
    private static func splitLinks(_ header: String) -> [Substring] {
        var parts: [Substring] = []
        var inside = false
        var start = header.startIndex
        for index in header.indices {
            switch header[index] {
            case "<": inside = true
            case ">": inside = false
            case "," where !inside:
                parts.append(header[start..<index])
                start = header.index(after: index)
            default: break
            }
        }
        parts.append(header[start...])
        return parts
    }
}

extension StringProtocol {
    func trimmingCharacters() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    func trimmingQuotes() -> String {
        var text = String(self)
        if text.hasPrefix("\"") { text.removeFirst() }
        if text.hasSuffix("\"") { text.removeLast() }
        return text
    }
}

extension LinkHeader {
    /// The `page` number of the `rel="last"` link, or nil when there is none or it has no page.
    public static func lastPage(_ header: String?) -> Int? {
        guard let target = target(header, relation: "last"), let query = target.split(separator: "?", maxSplits: 1).dropFirst().first
        else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0] == "page", let page = Int(parts[1]), page > 0 { return page }
        }
        return nil
    }
}
