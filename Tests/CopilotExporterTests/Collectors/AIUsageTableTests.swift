import Foundation
import Testing

@testable import CopilotExporter

@Suite struct AIUsageTableTests {
    func table(_ records: [[String]], keepModels: Bool = true) throws -> AIUsageTable {
        var table = AIUsageTable(month: "2026-12", keepModels: keepModels)
        for record in records { try table.add(record) }
        return table
    }

    @Test func fieldsAreTrimmedAsFoundationTrimsThem() {
        let fields = [
            "", " ", "ana", " ana", "ana ", "\tana\t", "a b", "\u{A0}ana\u{A0}", "ana\u{2003}", "é", " é ", "42.5", "\n", "x\n",
        ]
        for field in fields {
            #expect(AIUsageTable.trimmed(field) == field.trimmingCharacters(in: .whitespaces), "\(Array(field.utf8))")
        }
    }

    @Test func columnsAreFoundByNameInAnyOrderAndCase() throws {
        let table = try table([
            ["Net Amount", "MODEL", "unit-type", "Quantity", "Date", "user"],
            ["0.5", "GPT-5", "ai-credits", "2", "2026-12-01", "ana"],
            ["1.25", "o3", "AI Credits", "5", "2026-12-02", "ana"],
            ["0.25", "GPT-5", "", "1", "2026-12-02", "bo"],
        ])
        #expect(table.users["ana"] == .init(credits: 7, netAmount: 1.75))
        #expect(table.users["bo"] == .init(credits: 1, netAmount: 0.25))
        #expect(table.userModels[.init(user: "ana", model: "o3")] == .init(credits: 5, netAmount: 1.25))
        #expect(table.userModels.count == 3)
    }

    @Test func aUnitNamesCreditsWhereverTheWordStands() {
        for unit in ["credit", "ai credits", "ai_credit_units", "xcredit"] { #expect(AIUsageTable.namesCredits(unit), "\(unit)") }
        for unit in ["", "cred", "credi", "requests", "c-r-e-d-i-t", "crédit"] { #expect(!AIUsageTable.namesCredits(unit), "\(unit)") }
    }

    @Test func rowsInAnotherUnitMonthWithoutUserOrUnreadableAreCountedNotSummed() throws {
        let table = try table([
            ["date", "username", "model", "quantity", "unit_type", "net_amount"],
            ["2026-12-01", "ana", "o3", "10", "requests", "0.4"],
            ["2026-11-30", "ana", "o3", "10", "ai-credits", "0.1"],
            ["2026-12-01", "", "o3", "10", "ai-credits", "0.1"],
            ["2026-12-01", "ana", "o3", "ten", "ai-credits", "0.1"],
            ["2026-12-01", "ana", "", "4", "ai-credits", "0.5"],
        ])
        #expect(table.users == ["ana": .init(credits: 4, netAmount: 0.5)])
        #expect(table.userModels == [.init(user: "ana", model: "unknown"): .init(credits: 4, netAmount: 0.5)])
        #expect(
            [table.otherUnitRows, table.otherMonthRows, table.anonymousRows, table.unreadableRows] == [1, 1, 1, 1] as [Int]
        )
    }

    @Test func aHeaderWithoutARequiredColumnSaysWhichAreMissing() {
        var table = AIUsageTable(month: "2026-12", keepModels: false)
        #expect(throws: AIUsageTable.MissingColumns(missing: ["quantity", "net_amount"], found: ["date", "username", "gross_amount"])) {
            try table.add(["date", "username", "gross_amount"])
        }
        let sentence = "\(AIUsageTable.MissingColumns(missing: ["quantity"], found: ["date", "username"]))"
        #expect(sentence.contains("lacks the column(s) quantity") && sentence.contains("found: date, username"))
    }

    @Test func perModelSumsAreKeptOnlyWhenAsked() throws {
        let records = [["username", "quantity", "net_amount", "model"], ["ana", "3", "0.5", "GPT-5"]]
        #expect(try table(records, keepModels: false).userModels.isEmpty)
        #expect(try table(records, keepModels: false).users["ana"] == .init(credits: 3, netAmount: 0.5))
    }
}
