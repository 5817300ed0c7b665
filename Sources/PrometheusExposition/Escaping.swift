/// Escaping rules of the Prometheus text formats.
enum Escaping {
    /// `# HELP` text in format 0.0.4: `\` becomes `\\` and a line feed becomes `\n`.
    /// OpenMetrics also escapes `"` as `\"`.
    static func help(_ text: String, escapeQuotes: Bool) -> String {
        escape(text, escapeQuotes: escapeQuotes)
    }

    /// A label value in either format: `\` → `\\`, `"` → `\"`, line feed → `\n`.
    static func labelValue(_ text: String) -> String {
        escape(text, escapeQuotes: true)
    }

    private static func escape(_ text: String, escapeQuotes: Bool) -> String {
        guard text.utf8.contains(where: { $0 == 0x5C || $0 == 0x0A || (escapeQuotes && $0 == 0x22) }) else {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for character in text.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\"" where escapeQuotes: out += "\\\""
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
