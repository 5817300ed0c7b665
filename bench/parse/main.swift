import CopilotExporter
import Foundation

/// Parsing throughput, without the network: seat pages and users-report NDJSON read from
/// files into memory (seats) or streamed in 1 MiB chunks (NDJSON, so memory does not follow
/// the file's size), each parsed with the exporter's JSONReader path and, for comparison,
/// with Foundation's JSONDecoder. Prints MB/s (best of the repetitions) and the peak RSS.
///
/// Usage: parse_bench seats PAGE.json... | parse_bench ndjson FILE [--decoder]
@main
enum ParseBench {
    static func main() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let mode = arguments.first else { fail() }
        switch mode {
        case "seats": try seats(Array(arguments.dropFirst()))
        case "ndjson" where arguments.count >= 2: try ndjson(arguments[1], decoder: arguments.contains("--decoder"))
        default: fail()
        }
    }

    static func fail() -> Never {
        FileHandle.standardError.write(Data("usage: parse_bench seats PAGE.json... | parse_bench ndjson FILE [--decoder]\n".utf8))
        exit(2)
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func peakRSSMegabytes() -> Double {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }

    static func seats(_ files: [String]) throws {
        let pages = try files.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
        let bytes = Double(pages.reduce(0) { $0 + $1.count })
        var readerBest = Double.infinity
        var decoderBest = Double.infinity
        var seatsRead = 0
        for _ in 0..<5 {
            var count = 0
            readerBest = min(readerBest, try seconds { for page in pages { _ = try CopilotSeatPage.read(page) { _ in count += 1 } } })
            seatsRead = count
            decoderBest = min(
                decoderBest,
                try seconds { for page in pages { count += try JSONDecoder().decode(CopilotSeatPage.self, from: Data(page)).seats.count } }
            )
        }
        print(
            String(
                format: "seats pages=%d seats=%d mb=%.1f jsonreader_mb_per_s=%.0f jsondecoder_mb_per_s=%.0f peak_rss_mb=%.1f",
                pages.count,
                seatsRead,
                bytes / 1e6,
                bytes / 1e6 / readerBest,
                bytes / 1e6 / decoderBest,
                peakRSSMegabytes()
            )
        )
    }

    static func ndjson(_ path: String, decoder: Bool) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { fail() }
        var splitter = LineSplitter()
        var records = 0
        var failed = 0
        var bytes = 0
        var credits = 0.0
        let elapsed = try seconds {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                bytes += chunk.count
                splitter.feed([UInt8](chunk)) { line in
                    let record: UserDayRecord?
                    if decoder {
                        record = try? JSONDecoder().decode(UserDayRecord.self, from: Data(line))
                    } else {
                        record = try? UserDayRecord.read(line)
                    }
                    if let record {
                        records += 1
                        credits += record.aiCreditsUsed ?? 0
                    } else {
                        failed += 1
                    }
                }
            }
        }
        print(
            String(
                format: "ndjson parser=%@ mb=%.1f records=%d failed=%d mb_per_s=%.0f peak_rss_mb=%.1f",
                decoder ? "jsondecoder" : "jsonreader",
                Double(bytes) / 1e6,
                records,
                failed,
                Double(bytes) / 1e6 / elapsed,
                peakRSSMegabytes()
            )
        )
    }
}
