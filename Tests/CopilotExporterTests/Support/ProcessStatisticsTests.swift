import PrometheusExposition
import Testing

@testable import CopilotExporter

@Suite struct ProcessStatisticsTests {
    // A real /proc/self/stat line, its command name holding a space and a parenthesis.
    static let stat =
        "4242 (copilot (exp)) S 1 4242 4242 0 -1 4194560 9070 0 0 0 250 130 0 0 20 0 9 0 123400 1073741824 11264 "
        + "18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
    static let systemStat = "cpu  1 2 3 4\nintr 5\nctxt 6\nbtime 1795170000\nprocesses 7\n"

    @Test func parsesCPUMemoryAndStartTimeFromProc() throws {
        let statistics = try #require(
            ProcessStatistics.parse(stat: Self.stat, systemStat: Self.systemStat, ticksPerSecond: 100, pageSize: 4096)
        )
        #expect(statistics.cpuSeconds == 3.8)
        #expect(statistics.residentBytes == 11_264 * 4096)
        #expect(statistics.virtualBytes == 1_073_741_824)
        #expect(statistics.startTime == 1_795_170_000 + 1_234)
    }

    @Test func rejectsTextThatIsNotProcStat() {
        #expect(ProcessStatistics.parse(stat: "4242 (x) S 1", systemStat: Self.systemStat, ticksPerSecond: 100, pageSize: 4096) == nil)
        #expect(ProcessStatistics.parse(stat: Self.stat, systemStat: "cpu 1\n", ticksPerSecond: 100, pageSize: 4096) == nil)
    }

    @Test func readsThisProcess() throws {
        let statistics = try #require(ProcessStatistics.current())
        #expect(statistics.residentBytes > 0)
        #expect((statistics.openFDs ?? 0) >= 3)
        #expect((statistics.maxFDs ?? 0) >= (statistics.openFDs ?? 0))
        #expect(
            statistics.families.map(\.name).sorted() == [
                "process_cpu_seconds_total", "process_max_fds", "process_open_fds", "process_resident_memory_bytes",
                "process_start_time_seconds", "process_virtual_memory_bytes",
            ]
        )
    }
}
