/// The kind of a metric family, as written on its `# TYPE` line.
///
/// Only the kinds this exporter produces are modelled: values that go up and down, and
/// monotonically increasing counters.
public enum MetricType: String, Sendable, Hashable {
    case gauge
    case counter
    case untyped
}

/// One label pair of a sample.
public struct Label: Sendable, Hashable, Comparable {
    public let name: String
    public let value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public static func < (lhs: Label, rhs: Label) -> Bool {
        lhs.name != rhs.name ? lhs.name < rhs.name : lhs.value < rhs.value
    }
}

/// One sample of a family: a label set and a value.
///
/// Labels are kept sorted by name, so two samples with the same labels compare equal
/// whatever order they were given in.
public struct Sample: Sendable, Hashable {
    public let labels: [Label]
    public let value: Double

    public init(labels: [Label] = [], value: Double) {
        self.labels = labels.sorted()
        self.value = value
    }

    public init(_ labels: [String: String], _ value: Double) {
        self.init(labels: labels.map { Label($0.key, $0.value) }, value: value)
    }

    /// The value of the label called `name`, if the sample has one.
    public func label(_ name: String) -> String? {
        labels.first { $0.name == name }?.value
    }
}

/// A named group of samples sharing help text and type: the unit Prometheus exposes.
///
/// For a counter, `name` is the full sample name including `_total`, as in the text format;
/// the OpenMetrics encoder derives the family name without the suffix.
public struct MetricFamily: Sendable, Hashable {
    public let name: String
    public let help: String
    public let type: MetricType
    public var samples: [Sample]

    public init(name: String, help: String, type: MetricType = .gauge, samples: [Sample]) {
        self.name = name
        self.help = help
        self.type = type
        self.samples = samples
    }
}

extension Sample {
    /// Orders samples as Prometheus' Go client does (`NormalizeMetricFamilies`): fewer labels
    /// first, then label values compared position by position (labels are sorted by name);
    /// label names break the remaining ties so the order is always the same.
    static func precedes(_ lhs: Sample, _ rhs: Sample) -> Bool {
        if lhs.labels.count != rhs.labels.count { return lhs.labels.count < rhs.labels.count }
        // Byte order, as Go compares strings (Swift's `<` treats canonically equal strings as equal).
        for (left, right) in zip(lhs.labels, rhs.labels) {
            let order = byteOrder(left.value, right.value)
            if order != 0 { return order < 0 }
        }
        for (left, right) in zip(lhs.labels, rhs.labels) {
            let order = byteOrder(left.name, right.name)
            if order != 0 { return order < 0 }
        }
        return false
    }

    /// Compares UTF-8 bytes: negative, zero or positive.
    static func byteOrder(_ a: String, _ b: String) -> Int {
        var a = a
        var b = b
        return a.withUTF8 { left in
            b.withUTF8 { right in
                let count = min(left.count, right.count)
                for index in 0..<count where left[index] != right[index] {
                    return Int(left[index]) - Int(right[index])
                }
                return left.count - right.count
            }
        }
    }
}

extension Array where Element == MetricFamily {
    /// Merges families of the same name (samples concatenated), then sorts families by name
    /// and samples by labels, so that the output is deterministic.
    ///
    /// The first family of a name supplies the help text and type.
    public func normalized() -> [MetricFamily] {
        var order: [String] = []
        var byName: [String: MetricFamily] = [:]
        for family in self {
            if var existing = byName[family.name] {
                existing.samples.append(contentsOf: family.samples)
                byName[family.name] = existing
            } else {
                byName[family.name] = family
                order.append(family.name)
            }
        }
        return order.sorted().compactMap { name in
            guard var family = byName[name], !family.samples.isEmpty else { return nil }
            family.samples.sort(by: Sample.precedes)
            return family
        }
    }
}
