import Testing

@testable import CopilotExporter
@testable import GitHubAPI
@testable import WebServer

/// The report cache folds final days into the current month only, and starts afresh when the
/// month changes.
@Suite struct ReportCacheTests {
    static let org = Scope.organization("north")
    static let enterprise = Scope.enterprise("globex")

    @Test func aDayIsFoldedOnce() async {
        let cache = ReportCache()
        await cache.fold(Self.org, month: "2026-11", day: "2026-11-29", credits: ["alice": 2])
        await cache.fold(Self.org, month: "2026-11", day: "2026-11-29", credits: ["alice": 2])
        #expect(await cache.sums(Self.org, month: "2026-11") == ["alice": 2])
    }

    @Test func aNewMonthStartsAfreshAndForgetsTheOld() async {
        let cache = ReportCache()
        await cache.fold(Self.org, month: "2026-11", day: "2026-11-28", credits: ["alice": 10, "bob": 1])
        await cache.fold(Self.org, month: "2026-11", day: "2026-11-29", credits: ["alice": 2.5])
        #expect(await cache.sums(Self.org, month: "2026-11") == ["alice": 12.5, "bob": 1])
        #expect(await cache.finalDays(Self.org, month: "2026-11") == ["2026-11-28", "2026-11-29"])

        await cache.fold(Self.org, month: "2026-12", day: "2026-12-01", credits: ["bob": 4])
        #expect(await cache.sums(Self.org, month: "2026-12") == ["bob": 4], "November's sums do not carry over")
        #expect(await cache.finalDays(Self.org, month: "2026-12") == ["2026-12-01"])
        #expect(await cache.sums(Self.org, month: "2026-11").isEmpty, "one month is kept per scope")
        #expect(await cache.finalDays(Self.org, month: "2026-11").isEmpty)
        #expect(await cache.finalDay(Self.org, day: "2026-12-01") == ["bob": 4])
        #expect(await cache.finalDay(Self.org, day: "2026-11-29") == nil)
    }

    @Test func theNewestFinalDayIsKeptAcrossTheMonthBoundaryUntilANewerOneIsFolded() async {
        let cache = ReportCache()
        await cache.fold(Self.org, month: "2026-11", day: "2026-11-30", credits: ["alice": 3])
        // On December 1st no December day is final yet: the month's sums are empty, and the
        // newest final day (November's last) still answers for the newest-day series.
        #expect(await cache.sums(Self.org, month: "2026-12").isEmpty)
        #expect(await cache.finalDays(Self.org, month: "2026-12").isEmpty)
        #expect(await cache.finalDay(Self.org, day: "2026-11-30") == ["alice": 3])
        await cache.fold(Self.org, month: "2026-12", day: "2026-12-01", credits: ["alice": 1])
        #expect(await cache.finalDay(Self.org, day: "2026-11-30") == nil)
        #expect(await cache.finalDay(Self.org, day: "2026-12-01") == ["alice": 1])
    }

    @Test func scopesAreKeptApart() async {
        let cache = ReportCache()
        await cache.fold(Self.org, month: "2026-11", day: "2026-11-29", credits: ["alice": 2])
        await cache.fold(Self.enterprise, month: "2026-12", day: "2026-12-01", credits: ["alice": 7])
        #expect(await cache.sums(Self.org, month: "2026-11") == ["alice": 2])
        #expect(await cache.sums(Self.enterprise, month: "2026-12") == ["alice": 7])
        #expect(await cache.sums(Self.enterprise, month: "2026-11").isEmpty)
    }
}
