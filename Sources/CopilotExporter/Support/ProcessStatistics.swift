import Foundation
import Glibc
import PrometheusExposition

/// The process's own resource use, read from Linux's /proc as Prometheus' client libraries
/// read it, for the `process_*` families.
///
/// The parser is separate from the reading, so it is tested on fixture text.
struct ProcessStatistics: Equatable {
    var cpuSeconds: Double
    var residentBytes: Double
    var virtualBytes: Double
    var startTime: Double
    var openFDs: Double?
    var maxFDs: Double?

    /// Parses `/proc/self/stat` (fields after the parenthesised command name, which may hold
    /// spaces) and the `btime` line of `/proc/stat`; nil when either is not as Linux writes it.
    static func parse(stat: String, systemStat: String, ticksPerSecond: Double, pageSize: Double) -> ProcessStatistics? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        // Fields from the state on: stat(5) numbers them from 3, so field n is at n - 3.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        func field(_ number: Int) -> Double? { fields.count > number - 3 ? Double(fields[number - 3]) : nil }
        let bootTime = systemStat.split(separator: "\n").first { $0.hasPrefix("btime ") }.flatMap { Double($0.dropFirst(6)) }
        guard let utime = field(14), let stime = field(15), let start = field(22), let vsize = field(23), let rss = field(24),
            let bootTime
        else { return nil }
        return ProcessStatistics(
            cpuSeconds: (utime + stime) / ticksPerSecond,
            residentBytes: rss * pageSize,
            virtualBytes: vsize,
            startTime: bootTime + start / ticksPerSecond
        )
    }

    /// Reads this process's figures; nil off Linux or when /proc is not mounted.
    static func current() -> ProcessStatistics? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let system = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            var statistics = parse(
                stat: stat,
                systemStat: system,
                ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))),
                pageSize: Double(sysconf(Int32(_SC_PAGESIZE)))
            )
        else { return nil }
        statistics.openFDs = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")).map { Double($0.count) }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { statistics.maxFDs = Double(limit.rlim_cur) }
        return statistics
    }

    /// The `process_*` families, named as Prometheus' client libraries name them.
    var families: [MetricFamily] {
        var families = [
            MetricFamily(
                name: "process_cpu_seconds_total",
                help: "Total user and system CPU time spent in seconds.",
                type: .counter,
                samples: [Sample(value: cpuSeconds)]
            ),
            MetricFamily(
                name: "process_resident_memory_bytes",
                help: "Resident memory size in bytes.",
                samples: [Sample(value: residentBytes)]
            ),
            MetricFamily(
                name: "process_virtual_memory_bytes",
                help: "Virtual memory size in bytes.",
                samples: [Sample(value: virtualBytes)]
            ),
            MetricFamily(
                name: "process_start_time_seconds",
                help: "Start time of the process since unix epoch in seconds.",
                samples: [Sample(value: startTime)]
            ),
        ]
        if let openFDs {
            families.append(
                MetricFamily(name: "process_open_fds", help: "Number of open file descriptors.", samples: [Sample(value: openFDs)])
            )
        }
        if let maxFDs {
            families.append(
                MetricFamily(name: "process_max_fds", help: "Maximum number of open file descriptors.", samples: [Sample(value: maxFDs)])
            )
        }
        return families
    }
}
