/// The seven activity counters GitHub reports for a day: per user, per organization or
/// enterprise, and per entry of each breakdown (IDE, feature, language, model). A field a
/// record leaves out stays nil, so it gives no series.
public struct ActivityCounters: Sendable, Equatable {
    public var interactions: Double?
    public var generations: Double?
    public var acceptances: Double?
    public var suggestedToAdd: Double?
    public var suggestedToDelete: Double?
    public var added: Double?
    public var deleted: Double?

    public init() {}

    /// GitHub's field name for each counter.
    static let fields: [(name: String, path: any WritableKeyPath<ActivityCounters, Double?> & Sendable)] = [
        ("user_initiated_interaction_count", \.interactions),
        ("code_generation_activity_count", \.generations),
        ("code_acceptance_activity_count", \.acceptances),
        ("loc_suggested_to_add_sum", \.suggestedToAdd),
        ("loc_suggested_to_delete_sum", \.suggestedToDelete),
        ("loc_added_sum", \.added),
        ("loc_deleted_sum", \.deleted),
    ]

    /// True when no counter is present.
    var isEmpty: Bool { Self.fields.allSatisfy { self[keyPath: $0.path] == nil } }

    /// Adds `other` field by field; a field present in either stays present.
    mutating func add(_ other: ActivityCounters) {
        for field in Self.fields {
            if let value = other[keyPath: field.path] { self[keyPath: field.path] = (self[keyPath: field.path] ?? 0) + value }
        }
    }

    /// Reads the counters of one JSON object, leniently: a field of the wrong type is left out
    /// rather than costing the whole record.
    init(_ container: KeyedDecodingContainer<ReportKey>) {
        for field in Self.fields { self[keyPath: field.path] = container.number(field.name) }
    }
}

/// One entry of a breakdown array (`totals_by_ide[]`, `totals_by_feature[]`,
/// `totals_by_language_feature[]`, `totals_by_model_feature[]`): its label fields and counters.
public struct LabeledCounters: Decodable, Sendable, Equatable {
    /// The entry's string fields that name it (`ide`, `feature`, `language`, `model`).
    public var labels: [String: String]
    public var counters: ActivityCounters

    static let labelFields = ["ide", "feature", "language", "model"]

    public init(labels: [String: String], counters: ActivityCounters) {
        self.labels = labels
        self.counters = counters
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ReportKey.self)
        labels = [:]
        for field in Self.labelFields { labels[field] = container.text(field) }
        counters = ActivityCounters(container)
    }
}

/// Any key of a report object: the reports' field sets are open, and read leniently.
struct ReportKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer where Key == ReportKey {
    /// A number field; nil when absent, null or not a number.
    func number(_ name: String) -> Double? { (try? decodeIfPresent(Double.self, forKey: ReportKey(name))) ?? nil }

    /// A string field; nil when absent, null or not a string.
    func text(_ name: String) -> String? { (try? decodeIfPresent(String.self, forKey: ReportKey(name))) ?? nil }

    /// An array of objects; empty when absent or not an array. An element that is not an
    /// object costs only itself.
    func entries<T: Decodable>(_ name: String, as type: T.Type) -> [T] {
        guard var array = try? nestedUnkeyedContainer(forKey: ReportKey(name)) else { return [] }
        var out: [T] = []
        while !array.isAtEnd {
            if let value = try? array.decode(T.self) {
                out.append(value)
            } else if (try? array.decode(Skipped.self)) == nil {
                break
            }
        }
        return out
    }

    /// A nested object, or nil.
    func object(_ name: String) -> KeyedDecodingContainer<ReportKey>? {
        try? nestedContainer(keyedBy: ReportKey.self, forKey: ReportKey(name))
    }
}

/// Consumes any JSON value, so a bad array element can be passed over.
private struct Skipped: Decodable {
    init(from decoder: any Decoder) throws {}
}
