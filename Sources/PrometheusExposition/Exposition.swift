/// A family with its samples sorted and rendered once, as front-coded text-format lines.
///
/// This is what the exporter keeps per polling job instead of `MetricFamily` values: a sample
/// line costs about a quarter of its text, against a few hundred bytes for a `Sample` with its
/// label array. Both formats are written from it (see `Exposition`).
public struct EncodedFamily: Sendable {
    public let name: String
    public let help: String
    public let type: MetricType
    public let lines: FrontCodedLines

    /// Normalizes `families` (merged by name, sorted, samples in the Go client's order, empty
    /// families dropped, clashes dropped and reported to `onClash`) and renders each.
    public static func encode(_ families: [MetricFamily], onClash: (ExpositionClash) -> Void = { _ in }) -> [EncodedFamily] {
        var line: [UInt8] = []
        line.reserveCapacity(256)
        return families.ordered(onClash: onClash).map { ordered in
            let family = ordered.family
            var builder = FrontCodedLines.Builder()
            if case .perUser(let table) = family.storage {
                LineRenderer.forEachLine(name: family.name, table, order: ordered.order) { builder.append($0) }
                return EncodedFamily(name: family.name, help: family.help, type: family.type, lines: builder.finish())
            }
            ordered.forEachSample { sample in
                line.removeAll(keepingCapacity: true)
                LineRenderer.append(name: family.name, sample, to: &line)
                line.withUnsafeBufferPointer { builder.append($0) }
            }
            return EncodedFamily(name: family.name, help: family.help, type: family.type, lines: builder.finish())
        }
    }
}

/// The whole exposition, composed from the encoded families of several sources (the polling
/// jobs and the exporter's own health): families sorted by name, each written once with the
/// samples of every source that has it, in source order.
///
/// Within a source, samples are in the order of Prometheus' Go client; when several sources
/// share a family their samples follow one another rather than being merged into one order
/// (the Go client would interleave them; Prometheus requires only that a family is contiguous).
///
/// A source's family whose help or type differs from the first source's family of that name is
/// left out and reported (`ExpositionClash.conflictingFamily`). Samples are checked for repeated
/// label sets within a source (`EncodedFamily.encode`), not across sources: the exporter's
/// sources are its polling jobs, and every sample of a job carries the job's scope label.
public struct Exposition: Sendable {
    struct Group: Sendable {
        let name: String
        let help: String
        let type: MetricType
        var parts: [FrontCodedLines]
    }

    let groups: [Group]

    public init(_ sources: [[EncodedFamily]], onClash: (ExpositionClash) -> Void = { _ in }) {
        var byName: [String: Group] = [:]
        for family in sources.joined() where family.lines.count > 0 {
            if let kept = byName[family.name], kept.help != family.help || kept.type != family.type {
                onClash(
                    .conflictingFamily(
                        name: family.name,
                        keptHelp: kept.help,
                        keptType: kept.type,
                        droppedHelp: family.help,
                        droppedType: family.type
                    )
                )
                continue
            }
            if byName[family.name] == nil {
                byName[family.name] = Group(name: family.name, help: family.help, type: family.type, parts: [])
            }
            byName[family.name]!.parts.append(family.lines)
        }
        groups = byName.keys.sorted { Sample.byteOrder($0, $1) < 0 }.map { byName[$0]! }
    }

    /// Number of sample lines.
    public var sampleCount: Int { groups.reduce(0) { $0 + $1.parts.reduce(0) { $0 + $1.count } } }

    /// The exact size of the exposition in `format`, without writing it.
    public func byteCount(_ format: ExpositionFormat) -> Int {
        var total = format == .openMetrics ? 6 : 0  // "# EOF\n"
        for group in groups {
            total += Self.header(group, format).count
            let rename = format == .openMetrics && group.type == .counter && !group.name.hasSuffix("_total")
            for part in group.parts {
                total += part.decodedByteCount + (format == .openMetrics ? 2 * part.integerValueCount : 0)
                total += rename ? part.count * "_total".utf8.count : 0
            }
        }
        return total
    }

    /// Writes the exposition in `format` to `sink` in chunks of about `chunkSize` bytes (the
    /// last may be shorter); the sink's buffer is valid only during the call.
    public func write(
        _ format: ExpositionFormat,
        chunkSize: Int = 64 * 1024,
        to sink: (UnsafeRawBufferPointer) throws -> Void
    ) rethrows {
        let maxLine = groups.lazy.flatMap(\.parts).map(\.maxLineLength).max() ?? 0
        let capacity = max(chunkSize, maxLine + 2)
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 1)
        defer { chunk.deallocate() }
        var used = 0
        func flush() throws {
            if used > 0 { try sink(UnsafeRawBufferPointer(start: chunk, count: used)) }
            used = 0
        }
        func append(_ bytes: UnsafeRawBufferPointer) throws {
            if used + bytes.count > capacity {
                try flush()
                if bytes.count > capacity { return try sink(bytes) }
            }
            (chunk + used).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            used += bytes.count
        }
        let dotZero: [UInt8] = Array(".0\n".utf8)
        let total: [UInt8] = Array("_total".utf8)
        for group in groups {
            try Self.header(group, format).withUnsafeBytes { try append($0) }
            // OpenMetrics names a counter's samples `<family>_total`; a counter named without
            // the suffix gains it there.
            let rename = format == .openMetrics && group.type == .counter && !group.name.hasSuffix("_total")
            let nameLength = group.name.utf8.count
            for part in group.parts {
                try part.forEachLine { line in
                    if used + line.count + 2 + total.count > capacity { try flush() }
                    var line = line
                    if rename {
                        (chunk + used).copyMemory(from: line.baseAddress!, byteCount: nameLength)
                        total.withUnsafeBytes { (chunk + used + nameLength).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                        used += nameLength + total.count
                        line = UnsafeBufferPointer(rebasing: line[nameLength...])
                    }
                    if format == .openMetrics && FrontCodedLines.Builder.hasIntegerValue(line) {
                        (chunk + used).copyMemory(from: line.baseAddress!, byteCount: line.count - 1)
                        used += line.count - 1
                        dotZero.withUnsafeBytes { (chunk + used).copyMemory(from: $0.baseAddress!, byteCount: 3) }
                        used += 3
                    } else {
                        (chunk + used).copyMemory(from: line.baseAddress!, byteCount: line.count)
                        used += line.count
                    }
                }
            }
        }
        if format == .openMetrics { try Array("# EOF\n".utf8).withUnsafeBytes { try append($0) } }
        try flush()
    }

    /// The whole exposition in `format` as one array.
    public func bytes(_ format: ExpositionFormat) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(byteCount(format))
        write(format) { out.append(contentsOf: $0) }
        return out
    }

    /// The `# HELP` and `# TYPE` lines of a family as `expfmt` writes them.
    static func header(_ group: Group, _ format: ExpositionFormat) -> [UInt8] {
        switch format {
        case .text:
            return Array(
                "# HELP \(group.name) \(Escaping.help(group.help, escapeQuotes: false))\n# TYPE \(group.name) \(group.type.rawValue)\n"
                    .utf8
            )
        case .openMetrics:
            var name = group.name
            if group.type == .counter && name.hasSuffix("_total") { name.removeLast("_total".count) }
            let type = group.type == .untyped ? "unknown" : group.type.rawValue
            return Array("# HELP \(name) \(Escaping.help(group.help, escapeQuotes: true))\n# TYPE \(name) \(type)\n".utf8)
        }
    }
}

/// Renders one sample line of the text format into bytes: `name{label="value",...} value\n`.
enum LineRenderer {
    /// The lines of a per-user family, in `order` (nil: as held), each exactly as `append`
    /// writes its sample: the part before the login is rendered once.
    static func forEachLine(
        name: String,
        _ table: MetricFamily.PerUser,
        order: [Int]?,
        _ body: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        var line: [UInt8] = []
        line.reserveCapacity(256)
        line.append(contentsOf: name.utf8)
        line.append(UInt8(ascii: "{"))
        for label in table.labels {
            line.append(contentsOf: label.name.utf8)
            line.append(contentsOf: "=\"".utf8)
            Escaping.appendLabelValue(label.value, to: &line)
            line.append(contentsOf: "\",".utf8)
        }
        line.append(contentsOf: "user=\"".utf8)
        let prefix = line.count
        func render(_ index: Int) {
            line.removeSubrange(prefix...)
            Escaping.appendLabelValue(table.users[index], to: &line)
            line.append(contentsOf: "\"} ".utf8)
            FloatFormatting.appendText(table.values[index], to: &line)
            line.append(UInt8(ascii: "\n"))
            line.withUnsafeBufferPointer(body)
        }
        if let order {
            for index in order { render(index) }
        } else {
            for index in table.users.indices { render(index) }
        }
    }

    static func append(name: String, _ sample: Sample, to line: inout [UInt8]) {
        line.append(contentsOf: name.utf8)
        if !sample.labels.isEmpty {
            line.append(UInt8(ascii: "{"))
            for (index, label) in sample.labels.enumerated() {
                if index > 0 { line.append(UInt8(ascii: ",")) }
                line.append(contentsOf: label.name.utf8)
                line.append(UInt8(ascii: "="))
                line.append(UInt8(ascii: "\""))
                Escaping.appendLabelValue(label.value, to: &line)
                line.append(UInt8(ascii: "\""))
            }
            line.append(UInt8(ascii: "}"))
        }
        line.append(UInt8(ascii: " "))
        FloatFormatting.appendText(sample.value, to: &line)
        line.append(UInt8(ascii: "\n"))
    }
}
