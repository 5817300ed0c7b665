/// Input the exposition formats cannot express, found while families are merged and sorted:
/// the encoder keeps the first and drops what clashes with it, and reports each through the
/// `onClash` callback of `normalized(onClash:)`, `EncodedFamily.encode(_:onClash:)` and
/// `Exposition(_:onClash:)`, so that the output is always valid.
///
/// A family name has one HELP text and one TYPE in an exposition, and a series (a family name
/// with a label set) one sample: Prometheus refuses a scrape that breaks either rule.
public enum ExpositionClash: Error, Sendable, Hashable, CustomStringConvertible {
    /// A family came again under `name` with other HELP text or TYPE than the one kept.
    case conflictingFamily(name: String, keptHelp: String, keptType: MetricType, droppedHelp: String, droppedType: MetricType)
    /// A second sample of the family `name` had the label set of one already kept.
    case duplicateSeries(name: String, labels: [Label])

    public var description: String {
        switch self {
        case .conflictingFamily(let name, let keptHelp, let keptType, let droppedHelp, let droppedType):
            let what =
                keptType != droppedType
                ? "TYPE \(droppedType.rawValue) instead of \(keptType.rawValue)" : "HELP \"\(droppedHelp)\" instead of \"\(keptHelp)\""
            return "Dropped a second \(name) family with \(what): a family has one HELP and one TYPE in an exposition."
        case .duplicateSeries(let name, let labels):
            let set = labels.map { "\($0.name)=\"\(Escaping.labelValue($0.value))\"" }.joined(separator: ",")
            return "Dropped a second \(name){\(set)} sample: a series appears once in an exposition, so the labels must tell them apart."
        }
    }
}

extension Array where Element == MetricFamily {
    /// Every clash in the families, in the order `normalized` meets them: empty when the
    /// families can be exposed as they are.
    public func clashes() -> [ExpositionClash] {
        var found: [ExpositionClash] = []
        _ = normalized { found.append($0) }
        return found
    }

    /// Throws the first clash, if any (for callers that treat one as a bug).
    public func validate() throws(ExpositionClash) {
        if let first = clashes().first { throw first }
    }
}
