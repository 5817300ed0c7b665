import CopilotExporter
import Foundation
import GitHubAPI
import Testing

/// The README's tables that describe the collectors are derived from `CollectorRegistry`:
/// these tests fail, printing the expected table, when the two drift apart. Run with
/// `UPDATE_README=1` to rewrite the tables in place.
@Suite(.serialized) struct READMETests {
    static let readme = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("README.md")

    /// The text between `<!-- generated: NAME ... -->` and `<!-- end: NAME -->`.
    static func section(_ name: String, in text: String) throws -> Range<String.Index> {
        let start = try #require(text.range(of: "<!-- generated: \(name) "), "README.md has no \(name) marker")
        let afterStart = try #require(text[start.upperBound...].range(of: "-->\n")).upperBound
        let end = try #require(text.range(of: "\n<!-- end: \(name) -->", range: afterStart..<text.endIndex))
        return afterStart..<end.lowerBound
    }

    func check(_ name: String, expected: String) throws {
        var text = try String(contentsOf: Self.readme, encoding: .utf8)
        let range = try Self.section(name, in: text)
        if ProcessInfo.processInfo.environment["UPDATE_README"] == "1" {
            text.replaceSubrange(range, with: expected)
            try text.write(to: Self.readme, atomically: true, encoding: .utf8)
            return
        }
        #expect(String(text[range]) == expected, "README.md's \(name) is out of date; expected:\n\(expected)")
    }

    @Test func credentialTableMatchesTheRegisteredCollectors() throws {
        try check("credential-table", expected: CollectorRegistry.credentialTable)
    }

    @Test func budgetTableMatchesTheRegisteredCollectors() throws {
        try check("budget-table", expected: CollectorRegistry.budgetTable)
    }

    @Test func everyRegisteredCollectorIsInBothTablesAndInHelp() {
        for collector in CollectorRegistry.all {
            for access in collector.access {
                #expect(CollectorRegistry.credentialTable.contains("| `\(collector.name)` | \(access.scope.rawValue)"))
            }
            #expect(CollectorRegistry.credentialTable.contains("| `\(collector.name)` | enterprise"))
            #expect(CollectorRegistry.budgetTable.contains("| `\(collector.name)` |"))
            #expect(Configuration.helpText.contains("  \(collector.name) "))
        }
    }
}
