import Foundation

/// Builds JSON text by hand: the simulator writes hundreds of thousands of seats, and GitHub's
/// key order and nulls should be kept exactly, which JSONEncoder does not promise.
enum JSONText {
    /// A JSON string literal (RFC 8259 §7): quotes, backslashes and control characters escaped,
    /// everything else as UTF-8.
    static func quote(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func string(_ value: String?) -> String { value.map(quote) ?? "null" }

    /// An object from ordered key/value pairs whose values are already JSON.
    static func object(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { quote($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

}
