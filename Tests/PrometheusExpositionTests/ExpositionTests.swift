import Testing

@testable import PrometheusExposition

/// The snapshot path: front-coded lines, composition of several sources, exact sizes and
/// chunked writing.
@Suite struct ExpositionTests {
    @Test func frontCodedLinesDecodeToWhatWasAppended() {
        var generator = SystemRandomNumberGenerator()
        var lines: [[UInt8]] = []
        for _ in 0..<2_000 {
            let user = "dev-\(Int.random(in: 0..<300, using: &generator))"
            let value = [
                String(Int.random(in: 0..<1_000_000, using: &generator)), "1.5e+09", "NaN", "+Inf", "-Inf", "0.25", "-1e-05",
                "1.791900962e+09", "0", "12",
            ].randomElement()!
            lines.append(Array("m{org=\"acme\",user=\"\(user)\"} \(value)\n".utf8))
        }
        lines.append(Array("m{org=\"acme\",user=\"\(String(repeating: "x", count: 300))\"} 1\n".utf8))  // long line, varint > 127
        lines.append(Array("m 2\n".utf8))
        // A value the shared prefix reaches into, a line that is all value, an empty value.
        lines += ["m 12\n", "m 123\n", "m 1234\n", "123\n", "n \n", "n 1e+1.-\n"].map { Array($0.utf8) }
        lines.sort { $0.lexicographicallyPrecedes($1) }
        var builder = FrontCodedLines.Builder()
        for line in lines { line.withUnsafeBufferPointer { builder.append($0) } }
        let coded = builder.finish()
        var decoded: [[UInt8]] = []
        coded.forEachLine { decoded.append(Array($0)) }
        #expect(decoded == lines)
        #expect(coded.count == lines.count)
        #expect(coded.decodedByteCount == lines.reduce(0) { $0 + $1.count })
        #expect(coded.maxLineLength == lines.map(\.count).max())
        #expect(coded.storage.count < coded.decodedByteCount / 2)
        // A value of digits and ".e+-" takes half a byte a character, plus an end mark; any
        // other value is stored as text with its "\n".
        func stored(_ text: String) -> [UInt8] {
            var builder = FrontCodedLines.Builder()
            Array(text.utf8).withUnsafeBufferPointer { builder.append($0) }
            return builder.finish().storage
        }
        #expect(stored("m 1.791900962e+09\n") == [0, 2 << 1 | 1, 0x6D, 0x20, 0x1A, 0x79, 0x19, 0x00, 0x96, 0x2B, 0xC0, 0x9F])
        #expect(stored("m 12\n") == [0, 2 << 1 | 1, 0x6D, 0x20, 0x12, 0xFF])
        #expect(stored("m NaN\n") == [0, 6 << 1] + Array("m NaN\n".utf8))
        let integers = lines.filter { line in
            let value = line.split(separator: 0x20).last!
            return !value.contains { [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "N"), UInt8(ascii: "I")].contains($0) }
        }
        #expect(coded.integerValueCount == integers.count)
    }

    @Test(arguments: ExpositionFormat.allCases)
    func byteCountIsExactAndChunksConcatenateToTheWhole(format: ExpositionFormat) {
        let families =
            goldenFamilies + [
                MetricFamily(name: "bare_counter", help: "A counter named without _total.", type: .counter, samples: [Sample(value: 3)]),
                MetricFamily(name: "unknown_kind", help: "untyped", type: .untyped, samples: [Sample(["a": "b"], 1)]),
            ]
        let exposition = Exposition([EncodedFamily.encode(families)])
        let whole = exposition.bytes(format)
        #expect(whole.count == exposition.byteCount(format))
        for chunkSize in [1, 7, 64, 1 << 20] {
            var joined: [UInt8] = []
            var sizes: [Int] = []
            exposition.write(format, chunkSize: chunkSize) { chunk in
                joined.append(contentsOf: chunk)
                sizes.append(chunk.count)
            }
            #expect(joined == whole)
            #expect(sizes.dropLast().allSatisfy { $0 <= max(chunkSize, 200) })
        }
        let text = String(decoding: whole, as: UTF8.self)
        if format == .openMetrics {
            #expect(text.contains("# TYPE bare_counter counter\nbare_counter_total 3.0\n"))
            #expect(text.contains("# TYPE unknown_kind unknown\nunknown_kind{a=\"b\"} 1.0\n"))
        } else {
            #expect(text.contains("# TYPE bare_counter counter\nbare_counter 3\n"))
            #expect(text.contains("# TYPE unknown_kind untyped\n"))
        }
    }

    /// Sources sharing a family: one header, each source's samples in its own order, sources in the order given; families sorted by name; empty ones dropped.
    @Test func sourcesComposeFamilyByFamily() {
        let org = EncodedFamily.encode([
            MetricFamily(name: "seats", help: "seats help", samples: [Sample(["org": "b"], 2), Sample(["org": "a"], 1)]),
            MetricFamily(name: "zeta", help: "z", samples: [Sample(value: 9)]),
        ])
        let enterprise = EncodedFamily.encode([
            MetricFamily(name: "seats", help: "seats help", samples: [Sample(["enterprise": "e"], 3)]),
            MetricFamily(name: "alpha", help: "a", samples: [Sample(value: 0.5)]),
            MetricFamily(name: "nothing", help: "n", samples: []),
        ])
        let text = String(decoding: Exposition([org, enterprise]).bytes(.text), as: UTF8.self)
        #expect(
            text == """
                # HELP alpha a
                # TYPE alpha gauge
                alpha 0.5
                # HELP seats seats help
                # TYPE seats gauge
                seats{org="a"} 1
                seats{org="b"} 2
                seats{enterprise="e"} 3
                # HELP zeta z
                # TYPE zeta gauge
                zeta 9

                """
        )
        #expect(Exposition([org, enterprise]).sampleCount == 5)
        #expect(Exposition([]).bytes(.text).isEmpty)
    }

    /// The flat-key sort gives exactly the order of `Sample.precedes` (the Go client's), with
    /// prefixes, NUL bytes, non-ASCII values, different label counts and equal values under
    /// different names.
    @Test func keySortMatchesPrecedes() {
        var generator = SystemRandomNumberGenerator()
        let values = ["", "a", "a\u{0}", "a\u{0}b", "ab", "a b", "b", "é", "e\u{301}", "\u{0}", "z\u{1}", "acme", "acme-corp"]
        let names = ["org", "user", "enterprise", "model"]
        for _ in 0..<50 {
            let samples = (0..<200).map { _ in
                let count = Int.random(in: 0...3, using: &generator)
                let labels = names.shuffled(using: &generator).prefix(count).map { Label($0, values.randomElement(using: &generator)!) }
                return Sample(labels: labels, value: 1)
            }
            let expected = samples.sorted(by: Sample.precedes)
            let sorted = Sample.sorted(samples)
            // Compared as bytes: Swift's String equality would let "é" and "e\u{301}" pass as equal.
            func bytes(_ samples: [Sample]) -> [[UInt8]] {
                samples.map { $0.labels.flatMap { Array($0.name.utf8) + [0xFF] + Array($0.value.utf8) + [0xFF] } }
            }
            #expect(bytes(sorted) == bytes(expected))
            // Input in order already (the one-pass check) comes back as it is.
            #expect(bytes(Sample.sorted(expected)) == bytes(expected))
        }
        // Equal label sets keep their input order, in order or not: values tell them apart.
        let repeated =
            [Sample(labels: [Label("user", "b")], value: 1), Sample(labels: [Label("user", "a")], value: 2)]
            + [Sample(labels: [Label("user", "b")], value: 3)]
        #expect(Sample.sorted(repeated).map(\.value) == [2, 1, 3])
        #expect(Sample.sorted([repeated[0], repeated[2]]).map(\.value) == [1, 3])
    }

    /// Dropping repeated label sets: the first in input order is kept and the others are
    /// reported in order, whether the input was sorted or not; canonically equivalent but
    /// different bytes are different series, as in Prometheus.
    @Test func orderDropsRepeatedLabelSets() {
        func sample(_ user: String, _ value: Double, org: String = "a") -> Sample {
            Sample(labels: [Label("user", user), Label("org", org)], value: value)
        }
        var dropped: [Int] = []
        let unsorted = [sample("b", 0), sample("a", 1), sample("b", 2), sample("a", 3), sample("c", 4)]
        #expect(Sample.order(unsorted, dropRepeated: true, dropped: { dropped.append($0) }) == [1, 0, 4])
        #expect(dropped == [3, 2])
        dropped = []
        let sorted = [sample("a", 0), sample("a", 1), sample("b", 2), sample("b", 3), sample("b", 4)]
        #expect(Sample.order(sorted, dropRepeated: true, dropped: { dropped.append($0) }) == [0, 2])
        #expect(dropped == [1, 3, 4])
        // Sorted and without repeats: nil, the input as it is; repeats kept without the callback.
        #expect(
            Sample.order([sample("a", 0), sample("b", 1)], dropRepeated: true, dropped: { _ in Issue.record("nothing repeats") }) == nil
        )
        #expect(Sample.order(sorted, dropRepeated: false) == nil)
        // Same text, other bytes; the same values under other names; a NUL inside a value.
        let distinct = [sample("é", 0), sample("e\u{301}", 1), sample("a\u{0}", 2), sample("a", 3), sample("a", 4, org: "a\u{0}")]
        #expect(Sample.order(distinct, dropRepeated: true, dropped: { _ in Issue.record("distinct series") })?.count ?? 5 == 5)
        let families = [MetricFamily(name: "m", help: "h", samples: unsorted)]
        #expect(families.normalized().first?.samples.map(\.value) == [1, 0, 4])
        #expect(
            EncodedFamily.encode(families).first.map { Exposition([[$0]]).bytes(.text) }
                == Array(
                    "# HELP m h\n# TYPE m gauge\nm{org=\"a\",user=\"a\"} 1\nm{org=\"a\",user=\"b\"} 0\nm{org=\"a\",user=\"c\"} 4\n".utf8
                )
        )
    }
}
