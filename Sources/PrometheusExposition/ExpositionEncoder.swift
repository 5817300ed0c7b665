/// Encodes metric families in the Prometheus text format 0.0.4 or OpenMetrics 1.0.0, byte for
/// byte as prometheus/common's `expfmt` writes them.
///
/// The input is normalized first (families merged by name and sorted, samples sorted by labels),
/// so the same families always give the same bytes: what makes golden files and caching work.
public enum ExpositionEncoder {
    /// The exposition of `families` in `format`, as UTF-8 bytes.
    public static func encode(_ families: [MetricFamily], format: ExpositionFormat) -> [UInt8] {
        var out = ""
        out.reserveCapacity(families.reduce(0) { $0 + 64 + $1.samples.count * 96 })
        for family in families.normalized() {
            switch format {
            case .text: appendText(family, to: &out)
            case .openMetrics: appendOpenMetrics(family, to: &out)
            }
        }
        if format == .openMetrics { out += "# EOF\n" }
        return Array(out.utf8)
    }

    static func appendText(_ family: MetricFamily, to out: inout String) {
        out += "# HELP \(family.name) \(Escaping.help(family.help, escapeQuotes: false))\n"
        out += "# TYPE \(family.name) \(family.type.rawValue)\n"
        for sample in family.samples {
            appendSample(name: family.name, sample, value: FloatFormatting.text(sample.value), to: &out)
        }
    }

    static func appendOpenMetrics(_ family: MetricFamily, to out: inout String) {
        var familyName = family.name
        var type = family.type.rawValue
        if family.type == .counter && familyName.hasSuffix("_total") {
            familyName.removeLast("_total".count)
        }
        if family.type == .untyped { type = "unknown" }
        out += "# HELP \(familyName) \(Escaping.help(family.help, escapeQuotes: true))\n"
        out += "# TYPE \(familyName) \(type)\n"
        let sampleName = family.type == .counter ? familyName + "_total" : family.name
        for sample in family.samples {
            appendSample(name: sampleName, sample, value: FloatFormatting.openMetrics(sample.value), to: &out)
        }
    }

    static func appendSample(name: String, _ sample: Sample, value: String, to out: inout String) {
        out += name
        if !sample.labels.isEmpty {
            out += "{"
            for (index, label) in sample.labels.enumerated() {
                if index > 0 { out += "," }
                out += label.name
                out += "=\""
                out += Escaping.labelValue(label.value)
                out += "\""
            }
            out += "}"
        }
        out += " "
        out += value
        out += "\n"
    }
}
