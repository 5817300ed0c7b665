import Foundation
import Testing

@testable import PrometheusExposition

@Suite struct FloatFormattingTests {
    /// Expected strings are Go's `strconv.FormatFloat(v, 'g', -1, 64)`, as prometheus/common writes.
    @Test(arguments: [
        (1.0, "1"), (0.0, "0"), (-1.0, "-1"), (0.5, "0.5"), (42.0, "42"), (123_456.0, "123456"),
        (1_000_000.0, "1e+06"), (1_234_567.0, "1.234567e+06"), (1_763_912_345.0, "1.763912345e+09"),
        (1_763_912_345.25, "1.76391234525e+09"), (0.0001, "0.0001"), (0.00001, "1e-05"), (1.5e-7, "1.5e-07"),
        (3.14159, "3.14159"), (-2.5, "-2.5"), (1e21, "1e+21"), (1e100, "1e+100"), (0.1 + 0.2, "0.30000000000000004"),
        (Double.nan, "NaN"), (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"), (Double.leastNonzeroMagnitude, "5e-324"),
        (999_999.0, "999999"), (100.0, "100"), (-0.0, "0"),
    ])
    func textFormatMatchesGo(value: Double, expected: String) {
        #expect(FloatFormatting.text(value) == expected)
        var appended: [UInt8] = Array("x ".utf8)
        FloatFormatting.appendText(value, to: &appended)
        #expect(appended == Array("x \(expected)".utf8))
    }

    /// The renderer's path without a String writes what `text` does, on both sides of its
    /// million limit and for fractions.
    @Test func appendedTextIsTheText() {
        var generator = SystemRandomNumberGenerator()
        let values: [Double] =
            [0, -0.0, 1, -1, 9, 10, 999_999, -999_999, 1_000_000, -1_000_000, 999_999.5, 0.5, -0.25, .nan, .infinity]
            + (0..<3_000).map { _ in Double(Int.random(in: -2_000_000...2_000_000, using: &generator)) }
            + (0..<1_000).map { _ in Double.random(in: -1e7...1e7, using: &generator) }
            + (0..<3_000).map { _ in Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator)) }
            + (0..<1_000).map { _ in (Double.random(in: 0...1_000, using: &generator) * 100).rounded() / 100 }
            + [0.1, 0.0001, 0.00001, 1.5e-7, 123_456.7, 1_234_567.8, 1e21, 1e100, .leastNonzeroMagnitude, 0.1 + 0.2, 2.000000001, -1e-300]
            + [1_763_912_345, 1_763_912_340, 10_000_000_000, 9_007_199_254_740_991, -9_007_199_254_740_991, 9_007_199_254_740_992]
            + (0..<3_000).map { _ in Double(Int.random(in: -9_007_199_254_740_991...9_007_199_254_740_991, using: &generator)) }
            + (0..<1_000).map { _ in
                Double(Int.random(in: 1...99, using: &generator)) * pow(10.0, Double(Int.random(in: 0...14, using: &generator)))
            }
        for value in values {
            var appended: [UInt8] = []
            FloatFormatting.appendText(value, to: &appended)
            #expect(appended == Array(FloatFormatting.text(value).utf8), "\(value)")
        }
    }

    @Test func integralValuesTakeTheShortcutWithTheSameText() {
        var generator = SystemRandomNumberGenerator()
        let limit = 9_007_199_254_740_991  // 2^53 - 1
        let values =
            [1, -1, 9, 10, 99_999, 100_000, 999_999, -999_999, 1_000_000, 1_763_912_345, 10_000_000_000, limit, -limit]
            + (0..<5_000).map { _ in Int.random(in: -999_999...999_999, using: &generator) }
            + (0..<5_000).map { _ in Int.random(in: -limit...limit, using: &generator) }
            + (0..<2_000).map { _ in
                Int.random(in: 1...99, using: &generator) * Int(pow(10.0, Double(Int.random(in: 0...14, using: &generator))))
            }
        for value in values where value != 0 {
            #expect(FloatFormatting.text(Double(value)) == FloatFormatting.goShortest(Double(value)))
        }
        // Exponent forms, just outside the shortcut, and fractions near integers.
        #expect(FloatFormatting.text(1_000_000) == "1e+06")
        #expect(FloatFormatting.text(-1_000_000) == "-1e+06")
        #expect(FloatFormatting.text(1_763_912_340) == "1.76391234e+09")
        #expect(FloatFormatting.text(9_007_199_254_740_992) == "9.007199254740992e+15")
        #expect(FloatFormatting.text(1e16) == "1e+16")
        #expect(FloatFormatting.text(999_999.5) == "999999.5")
        #expect(FloatFormatting.text(2.000000001) == "2.000000001")
    }

    @Test(arguments: [
        (1.0, "1.0"), (0.0, "0.0"), (-1.0, "-1.0"), (42.0, "42.0"), (0.5, "0.5"), (1_000_000.0, "1e+06"),
        (Double.nan, "NaN"), (Double.infinity, "+Inf"),
    ])
    func openMetricsAddsPointZeroToIntegers(value: Double, expected: String) {
        #expect(FloatFormatting.openMetrics(value) == expected)
    }
}

@Suite struct EscapingTests {
    @Test func helpEscapesBackslashAndNewlineOnlyInText() {
        #expect(Escaping.help("a\\b\nc\"d", escapeQuotes: false) == "a\\\\b\\nc\"d")
        #expect(Escaping.help("a\\b\nc\"d", escapeQuotes: true) == "a\\\\b\\nc\\\"d")
    }

    @Test func labelValuesEscapeQuotesBackslashesAndNewlines() {
        #expect(Escaping.labelValue(#"say "hi"\n"#) == #"say \"hi\"\\n"#)
        #expect(Escaping.labelValue("line\nbreak") == "line\\nbreak")
        #expect(Escaping.labelValue("plain-value") == "plain-value")
        #expect(Escaping.labelValue("ünïcode ✓") == "ünïcode ✓")
        for value in [#"say "hi"\n"#, "line\nbreak", "plain-value", "ünïcode ✓", "", "\\\"\n", "é\"e\u{301}"] {
            var appended: [UInt8] = [0x7B]
            Escaping.appendLabelValue(value, to: &appended)
            #expect(appended == [0x7B] + Array(Escaping.labelValue(value).utf8), "\(value)")
        }
    }
}

@Suite struct NegotiationTests {
    @Test(arguments: [
        (nil as String?, ExpositionFormat.text),
        ("", .text),
        ("text/plain", .text),
        ("*/*", .text),
        (
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
            .openMetrics
        ),
        (
            "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1",
            .openMetrics
        ),
        ("text/plain;version=0.0.4;q=0.9,application/openmetrics-text;version=1.0.0;q=0.5", .text),
        ("application/openmetrics-text; version=2.0.0", .text),
        ("application/openmetrics-text;q=0", .text),
        ("application/openmetrics-text", .openMetrics),
    ])
    func acceptHeaderPicksFormat(accept: String?, expected: ExpositionFormat) {
        #expect(ExpositionFormat.negotiate(accept: accept) == expected)
    }
}

@Suite struct SortOrderTests {
    @Test func labelValuesSortInByteOrderAsGoDoes() {
        // "é" precomposed (C3 A9) sorts after "e\u{301}" decomposed (65 CC 81) in byte order;
        // Swift's String comparison would call them equal.
        let family = MetricFamily(
            name: "m",
            help: "h",
            samples: [Sample(["user": "caf\u{E9}"], 1), Sample(["user": "cafe\u{301}"], 2), Sample(["user": "Zed"], 3)]
        )
        let lines = String(decoding: ExpositionEncoder.encode([family], format: .text), as: UTF8.self).split(separator: "\n").dropFirst(2)
        #expect(lines.map { String($0.split(separator: " ").last!) } == ["3", "2", "1"])
    }
}
