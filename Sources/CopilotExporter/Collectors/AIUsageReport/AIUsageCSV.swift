/// One AI usage report being read from CSV chunks: the reader and the sums, and the first
/// problem met (a bound broken, a header without a required column), after which the rest is
/// ignored.
struct AIUsageCSV: Sendable {
    var reader = CSVReader()
    var table: AIUsageTable
    var problem: String?

    init(month: String, keepModels: Bool) {
        table = AIUsageTable(month: month, keepModels: keepModels)
    }

    /// Starts the next file of the report: a new header.
    mutating func startFile() {
        reader = CSVReader()
        table.startFile()
    }

    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>) {
        guard problem == nil else { return }
        consume { reader, add in reader.feed(chunk, add) }
    }

    mutating func finish() {
        guard problem == nil else { return }
        consume { reader, add in reader.finish(add) }
        if problem == nil, !table.hasHeader { problem = "a file of the report is empty, without a header" }
    }

    /// Runs the reader with the table moved out of `self` (so the sums are not copied per chunk).
    private mutating func consume(_ run: (inout CSVReader, ([String]) -> Void) -> Void) {
        var table = AIUsageTable(month: "", keepModels: false)
        swap(&table, &self.table)
        var failure: String?
        run(&reader) { fields in
            guard failure == nil else { return }
            do { try table.add(fields) } catch { failure = "\(error)" }
        }
        swap(&table, &self.table)
        problem = failure ?? reader.failure.map(\.description)
    }
}
