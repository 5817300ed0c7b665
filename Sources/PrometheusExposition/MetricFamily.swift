import Glibc

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
        // Most callers list labels by name already: checked in one pass, with no new array.
        self.labels = zip(labels, labels.dropFirst()).contains { $1 < $0 } ? labels.sorted() : labels
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
    var storage: Storage

    /// How the samples are held: as `Sample` values, or per user (see `PerUser`).
    enum Storage: Sendable {
        case samples([Sample])
        case perUser(PerUser)
    }

    /// A family with one sample per user and the same other labels on each (a seat's last
    /// activity, a user's credits): two parallel arrays instead of a `Sample` with a label
    /// array each, rendered straight from them (`EncodedFamily.encode`). At 100,000 seats such
    /// families hold about 760,000 samples.
    struct PerUser: Sendable {
        /// The labels besides `user`, sorted by name, each named before `user`.
        let labels: [Label]
        let users: [String]
        let values: [Double]

        func sample(_ index: Int) -> Sample {
            Sample(labels: labels + [Label("user", users[index])], value: values[index])
        }
    }

    public init(name: String, help: String, type: MetricType = .gauge, samples: [Sample]) {
        self.name = name
        self.help = help
        self.type = type
        self.storage = .samples(samples)
    }

    /// One sample per user: `labels` plus `user`=`users[i]` with value `values[i]`. The same
    /// family as the `Sample` one, held and rendered more cheaply.
    public init(name: String, help: String, type: MetricType = .gauge, labels: [Label], users: [String], values: [Double]) {
        precondition(users.count == values.count, "one value per user")
        self.name = name
        self.help = help
        self.type = type
        // Sorted labels, all named before `user`, give the order `Sample` keeps; anything else
        // (never the exporter's own families) is held as samples.
        let ordered = zip(labels, labels.dropFirst()).allSatisfy { $0.name < $1.name }
        if ordered, labels.allSatisfy({ $0.name < "user" }) {
            storage = .perUser(PerUser(labels: labels, users: users, values: values))
        } else {
            storage = .samples(users.indices.map { Sample(labels: labels + [Label("user", users[$0])], value: values[$0]) })
        }
    }

    /// The samples, built when the family is held per user.
    public var samples: [Sample] {
        get {
            switch storage {
            case .samples(let samples): samples
            case .perUser(let table): table.users.indices.map(table.sample)
            }
        }
        set { storage = .samples(newValue) }
        _modify {
            var samples = self.samples
            storage = .samples([])  // so that `samples` is not shared while it is changed
            defer { storage = .samples(samples) }
            yield &samples
        }
    }

    /// The number of samples, without building them.
    public var sampleCount: Int {
        switch storage {
        case .samples(let samples): samples.count
        case .perUser(let table): table.users.count
        }
    }

    /// True when the family is held per user (every sample then has a `user` label; a family
    /// held as samples may have one on each too).
    public var isPerUser: Bool {
        if case .perUser = storage { return true }
        return false
    }

    /// The family with every `user` label value passed through `transform`.
    public func mappingUsers(_ transform: (String) -> String) -> MetricFamily {
        switch storage {
        case .perUser(let table):
            var copy = self
            copy.storage = .perUser(PerUser(labels: table.labels, users: table.users.map(transform), values: table.values))
            return copy
        case .samples(let samples):
            guard samples.contains(where: { $0.label("user") != nil }) else { return self }
            var copy = self
            copy.samples = samples.map { sample in
                Sample(labels: sample.labels.map { $0.name == "user" ? Label("user", transform($0.value)) : $0 }, value: sample.value)
            }
            return copy
        }
    }

    public static func == (lhs: MetricFamily, rhs: MetricFamily) -> Bool {
        lhs.name == rhs.name && lhs.help == rhs.help && lhs.type == rhs.type && lhs.samples == rhs.samples
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(help)
        hasher.combine(type)
        hasher.combine(samples)
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

    /// Appends a key whose byte order (memcmp, shorter first) is the order of `precedes`: the
    /// label count, then every value, then every name, each string with its 0x00 bytes written
    /// 0x00 0x01 and ended by 0x00 0x00, so a prefix sorts first and a string never runs into
    /// the next.
    func appendSortKey(to key: inout [UInt8]) {
        key.append(UInt8(truncatingIfNeeded: labels.count >> 8))
        key.append(UInt8(truncatingIfNeeded: labels.count))
        func append(_ text: String) {
            var text = text
            text.withUTF8 { bytes in
                // Copied whole unless it holds a 0x00 (rare: a label value from GitHub).
                if let base = bytes.baseAddress, memchr(base, 0, bytes.count) != nil {
                    for byte in bytes {
                        key.append(byte)
                        if byte == 0 { key.append(1) }
                    }
                } else {
                    key.append(contentsOf: bytes)
                }
            }
            key.append(0)
            key.append(0)
        }
        for label in labels { append(label.value) }
        for label in labels { append(label.name) }
    }

    /// `samples` in the order of `precedes` (stable: a repeated label set keeps its input order).
    static func sorted(_ samples: [Sample]) -> [Sample] {
        guard let order = order(samples, dropRepeated: false) else { return samples }
        return order.map { samples[$0] }
    }

    /// The positions of `samples` in the order of `precedes`, sorted through flat byte keys: no
    /// reference counting per comparison, which dominated sorting 100,000 samples by their label
    /// arrays. Nil when that is the input order and nothing is dropped.
    ///
    /// With `dropRepeated`, a sample whose label set an earlier one in that order has (equal
    /// sort keys: the keys are injective) is left out and its position passed to `dropped`, in
    /// order.
    static func order(_ samples: [Sample], dropRepeated: Bool, dropped: (Int) -> Void = { _ in }) -> [Int]? {
        order(count: samples.count, dropRepeated: dropRepeated, dropped: dropped) { samples[$0].appendSortKey(to: &$1) }
    }

    /// The positions of the samples of a per-user family in the order of `precedes`: their
    /// other labels are the same, so it is the byte order of the logins, compared as they are.
    static func order(users: [String], dropRepeated: Bool, dropped: (Int) -> Void = { _ in }) -> [Int]? {
        order(count: users.count, dropRepeated: dropRepeated, dropped: dropped) { index, keys in
            var user = users[index]
            user.withUTF8 { keys.append(contentsOf: $0) }
        }
    }

    /// `order` over `count` items whose sort keys `appendKey` writes: byte strings compared by
    /// memcmp, the shorter first when one is a prefix of the other.
    private static func order(
        count: Int,
        dropRepeated: Bool,
        dropped: (Int) -> Void,
        appendKey: (Int, inout [UInt8]) -> Void
    ) -> [Int]? {
        guard count > 1 else { return nil }
        var keys: [UInt8] = []
        var bounds: [Int] = [0]
        bounds.reserveCapacity(count + 1)
        // Room for every key at once, guessed from the first (a family's keys are alike): the
        // keys of 100,000 samples grew through a dozen copies into fresh pages.
        // A long first key (one long label value) must not reserve for every key that long.
        appendKey(0, &keys)
        keys.reserveCapacity(min(min(max(keys.count, 8), 256) * count * 5 / 4, 64 << 20))
        keys.removeAll(keepingCapacity: true)
        for index in 0..<count {
            appendKey(index, &keys)
            bounds.append(keys.count)
        }
        return keys.withUnsafeBufferPointer { keys in
            bounds.withUnsafeBufferPointer { bounds in
                let base = keys.baseAddress!
                func compare(_ a: Int, _ b: Int) -> Int32 {
                    let left = bounds[a]
                    let right = bounds[b]
                    let leftCount = bounds[a + 1] - left
                    let rightCount = bounds[b + 1] - right
                    let common = memcmp(base + left, base + right, min(leftCount, rightCount))
                    if common != 0 { return common }
                    return leftCount == rightCount ? 0 : (leftCount < rightCount ? -1 : 1)
                }
                // Samples that come in order already (a family built from sorted keys) are
                // proved so in one pass, and nothing moves.
                var inOrder = true
                var repeats = false
                for index in 1..<count {
                    let result = compare(index - 1, index)
                    if result > 0 {
                        inOrder = false
                        break
                    }
                    if result == 0 { repeats = true }
                }
                if inOrder && (!repeats || !dropRepeated) { return nil }
                var order = Array(0..<count)
                if !inOrder {
                    // Stable: equal keys (repeated label sets) keep their input order.
                    order.sort { a, b in
                        let result = compare(a, b)
                        return result != 0 ? result < 0 : a < b
                    }
                }
                guard dropRepeated else { return order }
                // Equal keys are adjacent now: keep the first of each run.
                var kept = 1
                for index in 1..<order.count {
                    if compare(order[kept - 1], order[index]) == 0 {
                        dropped(order[index])
                    } else {
                        order[kept] = order[index]
                        kept += 1
                    }
                }
                order.removeLast(order.count - kept)
                return order
            }
        }
    }
}

extension MetricFamily {
    /// A family's samples merged from every family of its name, with the order they are
    /// exposed in: positions into `samples` (nil: `samples` as they are).
    struct Ordered {
        var family: MetricFamily
        var order: [Int]?

        func forEachSample(_ body: (Sample) -> Void) {
            let samples = family.samples
            if let order {
                for position in order { body(samples[position]) }
            } else {
                for sample in samples { body(sample) }
            }
        }
    }
}

extension Array where Element == MetricFamily {
    /// Merges families of the same name (samples concatenated), then sorts families by name
    /// and samples by labels, so that the output is deterministic.
    ///
    /// The first family of a name supplies the help text and type; a later one with other help
    /// or type is dropped, and a sample whose label set an earlier one of its family has is
    /// dropped; each is reported to `onClash` (see `ExpositionClash`).
    public func normalized(onClash: (ExpositionClash) -> Void = { _ in }) -> [MetricFamily] {
        ordered(onClash: onClash).map { ordered in
            var family = ordered.family
            if let order = ordered.order {
                let samples = ordered.family.samples
                family.samples = order.map { samples[$0] }
            }
            return family
        }
    }

    /// `normalized` without reordering the samples: each family with the order to write them in.
    func ordered(onClash: (ExpositionClash) -> Void) -> [MetricFamily.Ordered] {
        // Families in first-seen order, and where each name is among them: samples are
        // appended in place (a family copied out of a dictionary and stored back copied its
        // samples on every merge).
        var families: [MetricFamily] = []
        var byName: [String: Int] = [:]
        for family in self {
            if let position = byName[family.name] {
                guard families[position].help == family.help, families[position].type == family.type else {
                    onClash(
                        .conflictingFamily(
                            name: family.name,
                            keptHelp: families[position].help,
                            keptType: families[position].type,
                            droppedHelp: family.help,
                            droppedType: family.type
                        )
                    )
                    continue
                }
                families[position].samples.append(contentsOf: family.samples)
            } else {
                byName[family.name] = families.count
                families.append(family)
            }
        }
        let order = families.indices.sorted { Sample.byteOrder(families[$0].name, families[$1].name) < 0 }
        return order.compactMap { position in
            let family = families[position]
            families[position].samples = []
            guard family.sampleCount > 0 else { return nil }
            if case .perUser(let table) = family.storage {
                let order = Sample.order(users: table.users, dropRepeated: true) {
                    onClash(.duplicateSeries(name: family.name, labels: table.sample($0).labels))
                }
                return MetricFamily.Ordered(family: family, order: order)
            }
            let samples = family.samples
            let order = Sample.order(samples, dropRepeated: true) {
                onClash(.duplicateSeries(name: family.name, labels: samples[$0].labels))
            }
            return MetricFamily.Ordered(family: family, order: order)
        }
    }
}
