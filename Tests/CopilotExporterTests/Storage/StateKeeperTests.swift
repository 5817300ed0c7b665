import Foundation
import Glibc
import PrometheusExposition
import Synchronization
import Testing

@testable import CopilotExporter
@testable import GitHubAPI

@Suite struct StateCodingTests {
    static let families = [
        MetricFamily(
            name: "github_copilot_user_ai_credits_used",
            help: "AI credits \"quoted\" and ünïcödé.",
            samples: [
                Sample(labels: [Label("org", "north"), Label("user", "alice")], value: 12.5),
                Sample(labels: [Label("org", "north"), Label("user", "")], value: -0.0),
                Sample(labels: [Label("org", "north"), Label("user", "bob")], value: .infinity),
            ]
        ),
        MetricFamily(name: "github_copilot_api_requests_total", help: "", type: .counter, samples: [Sample(value: 3)]),
        MetricFamily(name: "empty_family", help: "none", samples: []),
    ]

    @Test func familiesRoundTripExactly() throws {
        var writer = StateWriter()
        writer.families(Self.families)
        var reader = StateReader(writer.bytes)
        #expect(try reader.families() == Self.families)
        #expect(reader.isAtEnd)
    }

    /// Every cut of a valid payload, and every single flipped byte, ends in `Malformed` or in
    /// families, never in a crash or a runaway allocation.
    @Test func everyTruncationIsMalformed() throws {
        var writer = StateWriter()
        writer.families(Self.families)
        let bytes = writer.bytes
        for cut in 0..<bytes.count {
            var reader = StateReader(Array(bytes.prefix(cut)))
            #expect(throws: StateReader.Malformed.self, "cut at \(cut)") { _ = try reader.families() }
        }
        for index in bytes.indices {
            var damaged = bytes
            damaged[index] ^= 0xFF
            var reader = StateReader(damaged)
            _ = try? reader.families()
        }
    }

    @Test func aHugeCountIsRefusedBeforeAllocating() {
        var writer = StateWriter()
        writer.integer(UInt32.max)
        var reader = StateReader(writer.bytes)
        #expect(throws: StateReader.Malformed.self) { _ = try reader.families() }
    }
}

@Suite struct StateKeeperTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var logger: Logger { Logger(level: .info, sink: { line in self.lines.withLock { $0.append(line) } }) }
    }

    static func scratch() -> String { NSTemporaryDirectory() + "/keeper-test-\(UUID().uuidString)" }

    @Test func jobsRoundTripUnderTheirOwnNames() async throws {
        let directory = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keeper = StateKeeper(path: directory, logger: Lines().logger)
        let north = JobKey(.usageMetrics, .organization("north"))
        let odd = JobKey(.seats, .enterprise("we/ird..slug"))
        #expect(await keeper.saveJob(north, families: StateCodingTests.families, lastSuccess: 1_795_176_000, duration: 1.25))
        #expect(await keeper.saveJob(odd, families: [], lastSuccess: 5, duration: 0))
        let restored = await keeper.restoreJobs([north, odd, JobKey(.seats, .organization("north"))])
        #expect(restored.count == 2)
        #expect(restored[north] == .init(families: StateCodingTests.families, lastSuccess: 1_795_176_000, duration: 1.25))
        #expect(restored[odd]?.lastSuccess == 5)
        #expect(StateKeeper.fileName(odd) == "job-seats-enterprise-we%2Fird%2E%2Eslug.state")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: keeper.directory).sorted() == [
                "job-seats-enterprise-we%2Fird%2E%2Eslug.state", "job-usage_metrics-organization-north.state",
            ]
        )
    }

    /// A file renamed onto another job's name is not that job's: ignored, with one warning.
    @Test func aFileUnderAnotherJobsNameIsIgnoredWithOneWarning() async throws {
        let directory = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lines = Lines()
        let keeper = StateKeeper(path: directory, logger: lines.logger)
        let north = JobKey(.usageMetrics, .organization("north"))
        let south = JobKey(.usageMetrics, .organization("south"))
        await keeper.saveJob(north, families: StateCodingTests.families, lastSuccess: 1, duration: 1)
        try FileManager.default.moveItem(
            atPath: keeper.directory + "/" + StateKeeper.fileName(north),
            toPath: keeper.directory + "/" + StateKeeper.fileName(south)
        )
        #expect(await keeper.restoreJobs([south]).isEmpty)
        #expect(await keeper.restoreJobs([south]).isEmpty)
        let warnings = lines.lines.withLock { $0 }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("does not hold what its name says") == true)
    }

    @Test func aCorruptFileIsIgnoredAndTheNextSaveReplacesIt() async throws {
        let directory = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lines = Lines()
        let keeper = StateKeeper(path: directory, logger: lines.logger)
        let north = JobKey(.seats, .organization("north"))
        await keeper.saveJob(north, families: StateCodingTests.families, lastSuccess: 1, duration: 1)
        let path = keeper.directory + "/" + StateKeeper.fileName(north)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(await keeper.restoreJobs([north]).isEmpty)
        #expect(lines.lines.withLock { $0 }.contains { $0.contains("corrupt") && $0.contains("It is ignored") })
        await keeper.saveJob(north, families: [], lastSuccess: 2, duration: 0)
        #expect(await keeper.restoreJobs([north])[north]?.lastSuccess == 2)
    }

    @Test func theReportCachesAreWrittenWhenTheyChangedAndOnlyThen() async throws {
        let directory = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keeper = StateKeeper(path: directory, logger: Lines().logger)
        let reports = ReportCache()
        let teams = TeamReportCache()
        let north = Scope.organization("north")
        await reports.fold(north, month: "2026-12", day: "2026-12-01", credits: ["alice": 2])
        #expect(await keeper.saveReports(from: reports, teams: teams))
        let path = keeper.directory + "/reports.state"
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        // A stand-in written over it shows whether the next save writes the file again.
        try Data([0x21]).write(to: URL(fileURLWithPath: path))
        #expect(await keeper.saveReports(from: reports, teams: teams))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data([0x21]), "unchanged caches are not written again")

        await reports.fold(north, month: "2026-12", day: "2026-12-02", credits: ["alice": 1, "bob": 3])
        #expect(await keeper.saveReports(from: reports, teams: teams))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) != written, "a fold is written")
        let restored = ReportCache()
        await keeper.restoreReports(into: restored, teams: TeamReportCache())
        #expect(await restored.sums(north, month: "2026-12") == ["alice": 3, "bob": 3])
        #expect(await restored.finalDays(north, month: "2026-12") == ["2026-12-01", "2026-12-02"])
    }

    @Test func theETagCacheIsWrittenWhenItChangedAndOnlyThen() async throws {
        let directory = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keeper = StateKeeper(path: directory, logger: Lines().logger)
        let state = ClientState()
        await state.store("https://api.example/a", etag: "\"1\"", body: Array("alpha".utf8))
        #expect(await keeper.saveETags(from: state))
        let path = keeper.directory + "/etags.state"
        // A stand-in written over it shows whether the next save writes the file again.
        try Data([0x21]).write(to: URL(fileURLWithPath: path))
        _ = await state.cached("https://api.example/a")  // a 304: read, not changed
        #expect(await keeper.saveETags(from: state))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data([0x21]), "an unchanged cache is not written again")

        await state.store("https://api.example/b", etag: "\"2\"", body: Array("beta".utf8))
        #expect(await keeper.saveETags(from: state))
        let restored = ClientState()
        await keeper.restoreETags(into: restored)
        #expect(await restored.entries().map(\.url).sorted() == ["https://api.example/a", "https://api.example/b"])

        await state.evict("https://api.example/a")
        #expect(await keeper.saveETags(from: state))
        let afterEviction = ClientState()
        await keeper.restoreETags(into: afterEviction)
        #expect(await afterEviction.entries().map(\.url) == ["https://api.example/b"], "an eviction is written")
    }

    @Test func aFileOfAnotherFormatVersionIsIgnored() async throws {
        let directory = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lines = Lines()
        let keeper = StateKeeper(path: directory, logger: lines.logger)
        let north = JobKey(.seats, .organization("north"))
        #expect(mkdir(directory, 0o700) == 0)
        try StateFile(directory: keeper.directory, name: StateKeeper.fileName(north)).write(version: 99, payload: [1, 2, 3])
        #expect(await keeper.restoreJobs([north]).isEmpty)
        #expect(lines.lines.withLock { $0 }.contains { $0.contains("of format 99, not 1") })
    }

    @Test func etagsRoundTripWithinTheClientsBounds() async throws {
        let directory = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keeper = StateKeeper(path: directory, logger: Lines().logger)
        let first = ClientState()
        await first.store("https://api.example/a", etag: "\"1\"", body: Array("alpha".utf8))
        await first.store("https://api.example/b", etag: "W/\"2\"", body: [])
        _ = await first.cached("https://api.example/a")  // a is now the most recently used
        #expect(await keeper.saveETags(from: first))
        let second = ClientState()
        await keeper.restoreETags(into: second)
        #expect(await second.entries() == first.entries())
        // A smaller cache keeps the most recently used.
        let small = ClientState(maxEntries: 1)
        await keeper.restoreETags(into: small)
        #expect(await small.entries().map(\.url) == ["https://api.example/a"])
    }

    /// A volume owned by root and writable by all (an emptyDir) still gets a private directory.
    @Test func theStateLivesInAPrivateDirectoryOfItsOwnInsideTheVolume() async throws {
        let volume = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: volume) }
        #expect(mkdir(volume, 0o777) == 0)
        #expect(chmod(volume, 0o777) == 0)
        let keeper = StateKeeper(path: volume + "/", logger: Lines().logger)
        #expect(keeper.directory == volume + "/copilot_exporter")
        #expect(await keeper.saveJob(JobKey(.seats, .organization("north")), families: [], lastSuccess: 1, duration: 0))
        var info = stat()
        #expect(stat(keeper.directory, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
        #expect(info.st_uid == geteuid())
    }

    @Test func anUnwritableStoragePathIsLoggedOnceAndTheSaveReportsFailure() async throws {
        let lines = Lines()
        let keeper = StateKeeper(path: "/proc/copilot-exporter-keeper-\(getpid())", logger: lines.logger)
        let north = JobKey(.seats, .organization("north"))
        #expect(await keeper.saveJob(north, families: [], lastSuccess: 1, duration: 0) == false)
        #expect(await keeper.saveJob(north, families: [], lastSuccess: 2, duration: 0) == false)
        let warnings = lines.lines.withLock { $0 }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("goes on in memory") == true)
    }
}
