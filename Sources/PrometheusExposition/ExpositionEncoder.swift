/// Encodes metric families in the Prometheus text format 0.0.4 or OpenMetrics 1.0.0, byte for
/// byte as prometheus/common's `expfmt` writes them.
///
/// The input is normalized first (families merged by name and sorted, samples sorted by labels),
/// so the same families always give the same bytes: what makes golden files and caching work.
/// Output is written straight into a byte buffer: exporters with a million series render tens
/// of megabytes per poll.
public enum ExpositionEncoder {
    /// The exposition of `families` in `format`, as UTF-8 bytes.
    public static func encode(_ families: [MetricFamily], format: ExpositionFormat) -> [UInt8] {
        let normalized = families.normalized()
        var out: [UInt8] = []
        out.reserveCapacity(normalized.reduce(0) { $0 + 128 + $1.samples.count * 64 })
        for family in normalized {
            switch format {
            case .text: appendText(family, to: &out)
            case .openMetrics: appendOpenMetrics(family, to: &out)
            }
        }
        if format == .openMetrics { out.append(contentsOf: "# EOF\n".utf8) }
        return out
    }

    static func appendText(_ family: MetricFamily, to out: inout [UInt8]) {
        out.append(contentsOf: "# HELP ".utf8)
        out.append(contentsOf: family.name.utf8)
        out.append(0x20)
        Escaping.append(family.help, escapeQuotes: false, to: &out)
        out.append(contentsOf: "\n# TYPE ".utf8)
        out.append(contentsOf: family.name.utf8)
        out.append(0x20)
        out.append(contentsOf: family.type.rawValue.utf8)
        out.append(0x0A)
        let name = Array(family.name.utf8)
        for sample in family.samples {
            appendSample(name: name, sample, to: &out)
            FloatFormatting.appendText(sample.value, to: &out)
            out.append(0x0A)
        }
    }

    static func appendOpenMetrics(_ family: MetricFamily, to out: inout [UInt8]) {
        var familyName = family.name
        if family.type == .counter && familyName.hasSuffix("_total") {
            familyName.removeLast("_total".count)
        }
        let type = family.type == .untyped ? "unknown" : family.type.rawValue
        out.append(contentsOf: "# HELP ".utf8)
        out.append(contentsOf: familyName.utf8)
        out.append(0x20)
        Escaping.append(family.help, escapeQuotes: true, to: &out)
        out.append(contentsOf: "\n# TYPE ".utf8)
        out.append(contentsOf: familyName.utf8)
        out.append(0x20)
        out.append(contentsOf: type.utf8)
        out.append(0x0A)
        let name = Array((family.type == .counter ? familyName + "_total" : family.name).utf8)
        for sample in family.samples {
            appendSample(name: name, sample, to: &out)
            FloatFormatting.appendOpenMetrics(sample.value, to: &out)
            out.append(0x0A)
        }
    }

    /// `name{label="value",...} ` (the value follows).
    static func appendSample(name: [UInt8], _ sample: Sample, to out: inout [UInt8]) {
        out.append(contentsOf: name)
        if !sample.labels.isEmpty {
            out.append(0x7B)
            for (index, label) in sample.labels.enumerated() {
                if index > 0 { out.append(0x2C) }
                out.append(contentsOf: label.name.utf8)
                out.append(contentsOf: "=\"".utf8)
                Escaping.append(label.value, escapeQuotes: true, to: &out)
                out.append(0x22)
            }
            out.append(0x7D)
        }
        out.append(0x20)
    }
}
