import PrometheusExposition

/// Writes the payload of a state file: little-endian integers, doubles as their bit patterns,
/// strings and byte blobs prefixed with their length. Compact and fast for the hundreds of
/// thousands of per-user samples a large enterprise has.
struct StateWriter {
    private(set) var bytes: [UInt8] = []

    mutating func integer<T: FixedWidthInteger>(_ value: T) { bytes.appendLittleEndian(value) }

    mutating func double(_ value: Double) { integer(value.bitPattern) }

    mutating func blob(_ value: [UInt8]) {
        integer(UInt32(value.count))
        bytes += value
    }

    mutating func string(_ value: String) { blob(Array(value.utf8)) }

    mutating func families(_ families: [MetricFamily]) {
        integer(UInt32(families.count))
        for family in families {
            string(family.name)
            string(family.help)
            string(family.type.rawValue)
            let samples = family.samples  // built once when the family is held per user
            integer(UInt32(samples.count))
            for sample in samples {
                integer(UInt16(sample.labels.count))
                for label in sample.labels {
                    string(label.name)
                    string(label.value)
                }
                double(sample.value)
            }
        }
    }
}

/// Reads what `StateWriter` wrote, checking every length against what is left, so a damaged
/// or hostile payload ends in `StateReader.Malformed`, never in a crash or a huge allocation.
struct StateReader {
    struct Malformed: Error, Equatable {}

    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func integer<T: FixedWidthInteger>(_: T.Type = T.self) throws(Malformed) -> T {
        guard bytes.count - offset >= MemoryLayout<T>.size else { throw Malformed() }
        return T(littleEndianBytes: bytes, at: &offset)
    }

    mutating func double() throws(Malformed) -> Double { Double(bitPattern: try integer(UInt64.self)) }

    /// A count of items that each take at least `minimumSize` bytes: bounded by what is left.
    mutating func count<T: FixedWidthInteger>(_: T.Type, minimumSize: Int) throws(Malformed) -> Int {
        let count = Int(try integer(T.self))
        guard count <= (bytes.count - offset) / max(1, minimumSize) else { throw Malformed() }
        return count
    }

    mutating func blob() throws(Malformed) -> [UInt8] {
        let count = try self.count(UInt32.self, minimumSize: 1)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func string() throws(Malformed) -> String {
        let count = try self.count(UInt32.self, minimumSize: 1)
        defer { offset += count }
        guard let text = String(validating: bytes[offset..<offset + count], as: UTF8.self) else { throw Malformed() }
        return text
    }

    mutating func families() throws(Malformed) -> [MetricFamily] {
        let familyCount = try count(UInt32.self, minimumSize: 16)
        var families: [MetricFamily] = []
        families.reserveCapacity(familyCount)
        for _ in 0..<familyCount {
            let name = try string()
            let help = try string()
            guard let type = MetricType(rawValue: try string()) else { throw Malformed() }
            let sampleCount = try count(UInt32.self, minimumSize: 10)
            var samples: [Sample] = []
            samples.reserveCapacity(sampleCount)
            for _ in 0..<sampleCount {
                let labelCount = try count(UInt16.self, minimumSize: 8)
                var labels: [Label] = []
                labels.reserveCapacity(labelCount)
                for _ in 0..<labelCount { labels.append(Label(try string(), try string())) }
                samples.append(Sample(labels: labels, value: try double()))
            }
            families.append(MetricFamily(name: name, help: help, type: type, samples: samples))
        }
        return families
    }
}

extension Array where Element == UInt8 {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

extension FixedWidthInteger {
    init(littleEndianBytes bytes: [UInt8], at offset: inout Int) {
        var value: Self = 0
        for index in 0..<MemoryLayout<Self>.size {
            value |= Self(bytes[offset + index]) << (8 * index)
        }
        offset += MemoryLayout<Self>.size
        self = value
    }
}
