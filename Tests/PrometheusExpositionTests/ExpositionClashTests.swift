import Testing

@testable import PrometheusExposition

/// What the formats cannot express is refused: reported, and never written.
@Suite struct ExpositionClashTests {
    static let seats = MetricFamily(name: "seats", help: "Seats.", samples: [Sample(["org": "a"], 1)])

    @Test func theGoldenFamiliesHaveNoClash() {
        #expect(goldenFamilies.clashes().isEmpty)
    }

    @Test func aSecondFamilyWithOtherHelpIsReportedAndNotWritten() throws {
        let other = MetricFamily(name: "seats", help: "Other help.", samples: [Sample(["org": "b"], 2)])
        let families = [Self.seats, other]
        #expect(
            families.clashes() == [
                .conflictingFamily(name: "seats", keptHelp: "Seats.", keptType: .gauge, droppedHelp: "Other help.", droppedType: .gauge)
            ]
        )
        #expect(throws: ExpositionClash.self) { try families.validate() }
        let text = String(decoding: ExpositionEncoder.encode(families, format: .text), as: UTF8.self)
        #expect(text == "# HELP seats Seats.\n# TYPE seats gauge\nseats{org=\"a\"} 1\n")
    }

    @Test func aSecondFamilyWithOtherTypeIsReportedAndNotWritten() {
        let counter = MetricFamily(name: "seats", help: "Seats.", type: .counter, samples: [Sample(["org": "b"], 2)])
        let clashes = [Self.seats, counter].clashes()
        #expect(clashes.count == 1)
        #expect(clashes.first?.description.contains("TYPE counter instead of gauge") == true)
        #expect(
            String(decoding: ExpositionEncoder.encode([Self.seats, counter], format: .text), as: UTF8.self)
                == "# HELP seats Seats.\n# TYPE seats gauge\nseats{org=\"a\"} 1\n"
        )
    }

    @Test func aRepeatedLabelSetKeepsTheFirstSampleAndReportsTheRest() {
        let family = MetricFamily(
            name: "cost",
            help: "h",
            samples: [
                Sample(["cost_center": "Team A", "sku": "x"], 1), Sample(["org": "z"], 9),
                Sample(["sku": "x", "cost_center": "Team A"], 2),
                Sample(["cost_center": "Team A", "sku": "x"], 3),
            ]
        )
        let repeated = ExpositionClash.duplicateSeries(name: "cost", labels: [Label("cost_center", "Team A"), Label("sku", "x")])
        #expect([family].clashes() == [repeated, repeated])
        #expect(repeated.description.contains("cost{cost_center=\"Team A\",sku=\"x\"}"))
        #expect(
            String(decoding: ExpositionEncoder.encode([family], format: .text), as: UTF8.self)
                == "# HELP cost h\n# TYPE cost gauge\ncost{org=\"z\"} 9\ncost{cost_center=\"Team A\",sku=\"x\"} 1\n"
        )
    }

    @Test func aRepeatedLabelSetAcrossTwoPartsOfOneFamilyIsReported() {
        let again = MetricFamily(name: "seats", help: "Seats.", samples: [Sample(["org": "a"], 5)])
        #expect([Self.seats, again].clashes() == [.duplicateSeries(name: "seats", labels: [Label("org", "a")])])
    }

    @Test func labelValuesThatDifferInBytesAreDifferentSeries() {
        // "é" precomposed and decomposed: equal as Swift strings, two series for Prometheus.
        let family = MetricFamily(name: "m", help: "h", samples: [Sample(["user": "caf\u{E9}"], 1), Sample(["user": "cafe\u{301}"], 2)])
        #expect([family].clashes().isEmpty)
        #expect(ExpositionEncoder.encode([family], format: .text).count > 0)
    }

    @Test func sourcesThatDisagreeOnAFamilyKeepTheFirstAndReportTheOther() {
        let first = EncodedFamily.encode([Self.seats])
        let second = EncodedFamily.encode([MetricFamily(name: "seats", help: "Seats.", type: .counter, samples: [Sample(["org": "b"], 2)])])
        var reported: [ExpositionClash] = []
        let exposition = Exposition([first, second]) { reported.append($0) }
        #expect(reported.count == 1)
        #expect(String(decoding: exposition.bytes(.text), as: UTF8.self) == "# HELP seats Seats.\n# TYPE seats gauge\nseats{org=\"a\"} 1\n")
    }
}
