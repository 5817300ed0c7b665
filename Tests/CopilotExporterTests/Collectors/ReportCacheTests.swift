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

    @Test func theNewestFinalDaysUsersSizeTheNextDay() async {
        let cache = ReportCache()
        #expect(await cache.newestFinalUsers(Self.org) == 0)
        await cache.fold(Self.org, month: "2026-11", day: "2026-11-28", credits: ["alice": 1, "bob": 1, "carol": 1])
        await cache.fold(Self.org, month: "2026-11", day: "2026-11-29", credits: ["alice": 2])
        #expect(await cache.newestFinalUsers(Self.org) == 1, "the newest day's users, not the month's")
        #expect(await cache.newestFinalUsers(Self.enterprise) == 0)
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

    @Test func foldingDayByDayAndSeveralDaysAtOnceGiveTheSameMonth() async {
        var first = UsersDay(credits: ["alice": 1, "bob": 2])
        first.interactions = ["alice": 3]
        first.active = ["alice", "bob"]
        var second = UsersDay(credits: ["alice": 0.5, "carol": 4])
        second.interactions = ["carol": 9]
        second.active = ["carol"]
        let byDay = ReportCache()
        await byDay.fold(Self.org, month: "2026-12", day: "2026-12-01", users: first)
        await byDay.fold(Self.org, month: "2026-12", day: "2026-12-02", users: second)
        var sums = MonthToDate()
        sums.add(first, on: "2026-12-01")
        sums.add(second, on: "2026-12-02")
        #expect(await byDay.monthToDate(Self.org, month: "2026-12") == sums)
        #expect(
            sums
                == MonthToDateTests.sums(
                    ["alice": 1.5, "bob": 2, "carol": 4],
                    ["alice": 3, "carol": 9],
                    ["alice": 1, "bob": 1, "carol": 2]
                )
        )

        let atOnce = ReportCache()
        await atOnce.fold(Self.org, month: "2026-12", day: "2026-12-01", users: first)
        var rest = MonthToDate()
        rest.add(second, on: "2026-12-02")
        await atOnce.fold(Self.org, month: "2026-12", days: ["2026-12-02"], sums: rest, newest: ("2026-12-02", NewestUsers(second)))
        #expect(await atOnce.monthToDate(Self.org, month: "2026-12") == sums)
        #expect(await atOnce.finalUsersDay(Self.org, day: "2026-12-02") == NewestUsers(second))
        #expect(await atOnce.entryCount() == 3 + 2, "three users in the month, two with credits on the newest day")
    }

    @Test func theStateFileDoesNotDependOnHowTheMonthWasFilled() async throws {
        let days = (1...3).map { number in
            var day = UsersDay(credits: Dictionary(uniqueKeysWithValues: (0..<(40 * number)).map { ("user-\($0)", Double($0 % 7)) }))
            day.interactions = Dictionary(uniqueKeysWithValues: (0..<(30 * number)).map { ("user-\($0)", Double($0)) })
            day.active = Set((0..<(20 * number)).map { "user-\($0)" })
            return (date: "2026-12-0\(number)", users: day)
        }
        let byDay = ReportCache()
        for day in days { await byDay.fold(Self.org, month: "2026-12", day: day.date, users: day.users) }
        await byDay.fold(Self.enterprise, month: "2026-12", day: "2026-12-01", credits: ["zed": 1])
        let atOnce = ReportCache()
        await atOnce.fold(Self.enterprise, month: "2026-12", day: "2026-12-01", credits: ["zed": 1])
        var sums = MonthToDate()
        for day in days.dropFirst().reversed() { sums.add(day.users, on: day.date) }
        await atOnce.fold(Self.org, month: "2026-12", day: days[0].date, users: days[0].users)
        await atOnce.fold(
            Self.org,
            month: "2026-12",
            days: ["2026-12-02", "2026-12-03"],
            sums: sums,
            newest: ("2026-12-03", NewestUsers(days[2].users))
        )
        let bytes = await byDay.state().bytes
        #expect(await atOnce.state().bytes == bytes)
        let restored = ReportCache()
        try await restored.restore(bytes)
        #expect(await restored.state().bytes == bytes, "a restored cache writes the same file")
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

/// Month-to-date sums: merging is a per-user sum (active days a union of bits) whichever side
/// is empty, and tables made with room ahead hold the same values as grown ones.
@Suite struct MonthToDateTests {
    static func sums(_ credits: [String: Double], _ interactions: [String: Double], _ days: [String: UInt32]) -> MonthToDate {
        MonthToDate(credits: credits, interactions: interactions, activeDays: days)
    }

    @Test func eachSeriesNamesOnlyTheUsersSomeReportGaveItFor() {
        let month = Self.sums(["alice": 2, "bob": 0], ["bob": 3], ["carol": 0b101])
        #expect(month.users.count == 3, "one entry per user")
        func pairs(_ series: (users: [String], values: [Double])) -> [String: Double] {
            Dictionary(uniqueKeysWithValues: zip(series.users, series.values))
        }
        #expect(pairs(month.creditsSeries) == ["alice": 2, "bob": 0], "a zero given is a sample; carol has none")
        #expect(pairs(month.interactionsSeries) == ["bob": 3])
        #expect(pairs(month.activeDaysSeries) == ["carol": 2])
        #expect(month.credits == ["alice": 2, "bob": 0] && month.interactions == ["bob": 3] && month.activeDays == ["carol": 0b101])
    }

    @Test func mergingSumsPerUserAndTakesAnEmptySideWhole() {
        let final = Self.sums(["alice": 2, "bob": 1], ["alice": 5], ["alice": 0b01, "bob": 0b01])
        let recent = Self.sums(["alice": 0.5, "carol": 3], ["carol": 1], ["alice": 0b10, "carol": 0b10])
        let both = final.merging(recent)
        #expect(both.credits == ["alice": 2.5, "bob": 1, "carol": 3])
        #expect(both.interactions == ["alice": 5, "carol": 1])
        #expect(both.activeDays == ["alice": 0b11, "bob": 0b01, "carol": 0b10])
        #expect(MonthToDate().merging(recent) == recent)
        #expect(final.merging(MonthToDate()) == final)
        #expect(final == Self.sums(["alice": 2, "bob": 1], ["alice": 5], ["alice": 0b01, "bob": 0b01]), "a value: left unchanged")
    }

    @Test func aDayAddedToTablesOfAnySizeGivesTheSameSums() {
        var day = UsersDay(reserving: 1_000)
        #expect(day.credits.isEmpty && day.interactions.isEmpty && day.active.isEmpty)
        #expect(day.credits.capacity >= 1_000 && day.active.capacity >= 1_000)
        day.credits = ["alice": 1, "bob": 2]
        day.interactions = ["alice": 4]
        day.active = ["alice"]
        var month = Self.sums(["carol": 1], [:], ["carol": 0b1])
        month.add(day, on: "2026-12-02")
        #expect(month == Self.sums(["alice": 1, "bob": 2, "carol": 1], ["alice": 4], ["alice": 0b10, "carol": 0b1]))
        #expect(UsersDay(reserving: Int.max).credits.capacity < 1_000_000, "a hostile guess is bounded")
        #expect(UsersDay(reserving: -5).credits.isEmpty)
    }
}

/// The newest final day is kept as what its families need: credits and users per version.
@Suite struct NewestUsersTests {
    static func day() -> UsersDay {
        var day = UsersDay(credits: ["alice": 2, "bob": 0.5])
        day.interactions = ["alice": 7]
        day.active = ["alice", "bob"]
        day.ideVersions = [
            .init(name: "vscode", version: "1.96.0"): ["alice", "bob"], .init(name: "jetbrains", version: "2024.3"): ["carol"],
        ]
        day.pluginVersions = [.init(name: "copilot", version: "1.2.3"): ["alice"]]
        day.versionsCut = 4
        return day
    }

    @Test func keepsCreditsAndCountsUsersPerVersion() {
        let newest = NewestUsers(Self.day())
        #expect(newest.credits.table() == ["alice": 2, "bob": 0.5])
        #expect(newest.ideVersions == [.init(name: "vscode", version: "1.96.0"): 2, .init(name: "jetbrains", version: "2024.3"): 1])
        #expect(newest.pluginVersions == [.init(name: "copilot", version: "1.2.3"): 1])
        #expect(newest.versionsCut == 4)
    }

    @Test func theStateFileKeepsItAndRefusesATruncatedOne() async throws {
        let cache = ReportCache()
        await cache.fold(.organization("north"), month: "2026-12", day: "2026-12-01", users: Self.day())
        let bytes = await cache.state().bytes
        let restored = ReportCache()
        try await restored.restore(bytes)
        #expect(await restored.finalUsersDay(.organization("north"), day: "2026-12-01") == NewestUsers(Self.day()))
        let sums = await cache.monthToDate(.organization("north"), month: "2026-12")
        #expect(await restored.monthToDate(.organization("north"), month: "2026-12") == sums)
        for length in [bytes.count - 1, bytes.count - 4, bytes.count / 2] {
            let truncated = ReportCache()
            await #expect(throws: StateReader.Malformed.self) { try await truncated.restore(Array(bytes.prefix(length))) }
            #expect(
                await truncated.finalUsersDay(.organization("north"), day: "2026-12-01") == nil,
                "a refused file leaves the cache empty"
            )
        }
    }
}
