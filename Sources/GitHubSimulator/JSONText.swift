import CopilotExporter

/// Builds JSON text by hand: the simulator writes hundreds of thousands of seats, and GitHub's
/// key order and nulls should be kept exactly, which JSONEncoder does not promise.
enum JSONText {
    static func quote(_ value: String) -> String { JSONString.quote(value) }

    static func string(_ value: String?) -> String { value.map(quote) ?? "null" }

    /// An object from ordered key/value pairs whose values are already JSON.
    static func object(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { quote($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

}
