import Testing

@testable import CopilotExporter
@testable import GitHubAPI

@Suite struct RFC3339Tests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", 0.0), ("2021-08-03T18:00:00-06:00", 1_628_035_200), ("2021-08-04T00:00:00Z", 1_628_035_200),
        ("2021-08-04T00:00:00.250Z", 1_628_035_200.25), ("2021-08-04T05:30:00+05:30", 1_628_035_200), ("2024-02-29", 1_709_164_800),
        ("2026-11-23t10:00:00z", 1_795_428_000), ("2026-07-18T10:21:19.435Z", 1_784_370_079.435),
        ("2026-07-18T10:21:19.123456789123Z", 1_784_370_079.123456789),
    ])
    func parsesTimestampsAndDates(text: String, expected: Double) {
        #expect(RFC3339.parse(text) == expected)
    }

    @Test(arguments: [
        "", "2021-13-01", "2021-08-04T25:00:00Z", "2021-08-04T00:00:00", "yesterday", "2021-08-04T00:00:00+0600",
        "2021-08-04T00:00:00Zjunk",
    ])
    func rejectsOtherText(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test func formatsDaysAndTimestamps() {
        #expect(RFC3339.day(1_628_035_200) == "2021-08-04")
        #expect(RFC3339.timestamp(1_628_035_261.9) == "2021-08-04T00:01:01Z")
        #expect(RFC3339.yearMonth(1_709_164_800) == (2024, 2))
        #expect(RFC3339.day(-86_400) == "1969-12-31")
    }
}

@Suite struct GzipTests {
    @Test func roundTripsAndWritesAGzipHeader() throws {
        let text = Array(String(repeating: "github_copilot_seats{org=\"acme\"} 12\n", count: 1000).utf8)
        let compressed = try Gzip.compress(text)
        #expect(compressed.prefix(2) == [0x1F, 0x8B])
        #expect(compressed.count < text.count / 10)
        #expect(try Gzip.decompress(compressed) == text)
        #expect(try Gzip.decompress(try Gzip.compress([])) == [])
    }

    @Test func refusesCorruptInputAndOversizedOutput() throws {
        #expect(throws: Gzip.Failure.self) { try Gzip.decompress([0x1F, 0x8B, 0, 1, 2, 3]) }
        let big = try Gzip.compress([UInt8](repeating: 65, count: 100_000))
        #expect(throws: Gzip.Failure.self) { try Gzip.decompress(big, limit: 1000) }
    }
}

@Suite struct LoggerTests {
    final class Lines: @unchecked Sendable {
        var lines: [String] = []
    }

    @Test func logfmtQuotesValuesAndFiltersByLevel() {
        let sink = Lines()
        let logger = Logger(level: .info, format: .logfmt, clock: ManualClock(now: 0), sink: { sink.lines.append($0) })
        logger.debug("hidden")
        logger.info("Listening.", [("address", ":9185")])
        logger.error("A \"quoted\" failure.", [("org", "acme corp")])
        #expect(
            sink.lines == [
                "ts=1970-01-01T00:00:00Z level=info msg=Listening. address=:9185",
                "ts=1970-01-01T00:00:00Z level=error msg=\"A \\\"quoted\\\" failure.\" org=\"acme corp\"",
            ]
        )
    }

    @Test func jsonLinesAreObjects() {
        let sink = Lines()
        let logger = Logger(level: .debug, format: .json, clock: ManualClock(now: 0), sink: { sink.lines.append($0) })
        logger.warn("line\nbreak")
        #expect(sink.lines == [#"{"ts":"1970-01-01T00:00:00Z","level":"warn","msg":"line\nbreak"}"#])
    }
}

@Suite struct GzipPrependTests {
    @Test(arguments: [0, 1, 1_000, 70_000, 140_000])
    func prependingMakesOneMemberThatDecodesToBoth(prefixLength: Int) throws {
        let prefix = (0..<prefixLength).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let body = Array(String(repeating: "github_copilot_seats{org=\"acme\"} 5\n", count: 3_000).utf8)
        let member = try Gzip.compress(body, level: 5)
        let joined = try #require(Gzip.prepending(prefix, to: member, memberLength: body.count))
        #expect(try Gzip.decompress(joined) == prefix + body)
        #expect(joined[3] == 0 && joined.count < member.count + prefix.count + 32)
    }
}
