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

    /// `labelValue(text)` appended as UTF-8, without building a String when nothing needs
    /// escaping (the three bytes escaped are ASCII, never part of a multi-byte sequence).
    static func appendLabelValue(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            guard bytes.contains(where: { $0 == 0x5C || $0 == 0x0A || $0 == 0x22 }) else {
                out.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                default: out.append(byte)
                }
            }
        }
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
