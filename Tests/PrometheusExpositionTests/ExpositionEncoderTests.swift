import Foundation
import Testing

@testable import PrometheusExposition

/// Families that exercise every rule: escaping, special values, counters, several label sets
/// out of order, a family split in two parts, and an empty family (which is not written).
let goldenFamilies: [MetricFamily] = [
    MetricFamily(
        name: "github_copilot_seats",
        help: "Copilot seats currently billed.",
        samples: [Sample(["org": "zeta"], 3), Sample(["org": "alpha"], 1_000_000), Sample(["enterprise": "acme"], 12)]
    ),
    MetricFamily(
        name: "github_copilot_api_requests_total",
        help: "GitHub API responses by HTTP status code.",
        type: .counter,
        samples: [Sample(["code": "304"], 7), Sample(["code": "200"], 1234)]
    ),
    MetricFamily(
        name: "escape_test",
        help: "Help with a backslash \\ and a\nnewline and \"quotes\".",
        samples: [Sample(["path": "C:\\dir", "msg": "say \"hi\"\nbye"], 0.5)]
    ),
    MetricFamily(
        name: "special_values",
        help: "NaN and infinities.",
        samples: [Sample(["kind": "nan"], .nan), Sample(["kind": "inf"], .infinity), Sample(["kind": "neg"], -.infinity)]
    ),
    MetricFamily(name: "timestamp_seconds", help: "A Unix time.", samples: [Sample(value: 1_763_912_345)]),
    MetricFamily(name: "github_copilot_seats", help: "Copilot seats currently billed.", samples: [Sample(["org": "beta"], 0)]),
    MetricFamily(name: "empty_family", help: "Has no samples.", samples: []),
]

@Suite struct ExpositionEncoderTests {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Compares whole output with the golden file; `UPDATE_GOLDEN=1` rewrites it instead.
    func assertGolden(_ bytes: [UInt8], file: String) throws {
        let url = Self.goldenDirectory.appendingPathComponent(file)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try Data(bytes).write(to: url)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test func textFormatMatchesGoldenFile() throws {
        try assertGolden(ExpositionEncoder.encode(goldenFamilies, format: .text), file: "families.prom")
    }

    @Test func openMetricsMatchesGoldenFile() throws {
        try assertGolden(ExpositionEncoder.encode(goldenFamilies, format: .openMetrics), file: "families.openmetrics")
    }

    @Test func outputDoesNotDependOnInputOrder() {
        let shuffled = goldenFamilies.reversed().map { family -> MetricFamily in
            var copy = family
            copy.samples.reverse()
            return copy
        }
        #expect(ExpositionEncoder.encode(shuffled, format: .text) == ExpositionEncoder.encode(goldenFamilies, format: .text))
        #expect(ExpositionEncoder.encode(shuffled, format: .openMetrics) == ExpositionEncoder.encode(goldenFamilies, format: .openMetrics))
    }

    @Test func samplesSortByLabelValuesLikeTheGoClient() {
        let family = MetricFamily(
            name: "m",
            help: "h",
            samples: [Sample(["org": "aaa"], 1), Sample(["enterprise": "zzz"], 2), Sample([:], 3)]
        )
        let text = String(decoding: ExpositionEncoder.encode([family], format: .text), as: UTF8.self)
        #expect(text == "# HELP m h\n# TYPE m gauge\nm 3\nm{org=\"aaa\"} 1\nm{enterprise=\"zzz\"} 2\n")
    }

    @Test func openMetricsEndsWithEOFAndStripsCounterSuffixFromFamilyName() {
        let text = String(decoding: ExpositionEncoder.encode(goldenFamilies, format: .openMetrics), as: UTF8.self)
        #expect(text.hasSuffix("# EOF\n"))
        #expect(text.contains("# TYPE github_copilot_api_requests counter\n"))
        #expect(text.contains("github_copilot_api_requests_total{code=\"200\"} 1234.0\n"))
    }

    @Test func emptyInputGivesEmptyTextAndBareEOF() {
        #expect(ExpositionEncoder.encode([], format: .text).isEmpty)
        #expect(String(decoding: ExpositionEncoder.encode([], format: .openMetrics), as: UTF8.self) == "# EOF\n")
    }
}
