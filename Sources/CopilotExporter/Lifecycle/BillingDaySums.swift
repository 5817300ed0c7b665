import PrometheusExposition

/// Month-to-date billing families as of a past day, from the billing endpoints' single-day
/// answers (`day=`): the families of days 1 to D of D's month, added up sample by sample, so
/// each family keeps its live meaning (the UTC month to date). Each day is asked for once per
/// run; only the current month's days are kept.
public struct BillingDaySums: Sendable {
    /// Families that are not amounts accrued by day, so a sum over days means nothing: the
    /// month-end projection, budgets (today's settings) and part health.
    static func summable(_ name: String) -> Bool {
        !name.contains("projected") && !name.contains("budget") && !name.hasPrefix("github_copilot_collector_")
    }

    /// Single-day families by day (days since the epoch), of one month.
    var days: [Int: [MetricFamily]] = [:]
    var month: Int?

    public init() {}

    /// Records one day's single-day families.
    mutating func record(_ families: [MetricFamily], day: Int, monthStart: Int) {
        if month != monthStart { (days, month) = ([:], monthStart) }
        days[day] = families.filter { Self.summable($0.name) }
    }

    /// Whether `day` of the month starting `monthStart` was recorded.
    func has(_ day: Int, monthStart: Int) -> Bool { month == monthStart && days[day] != nil }

    /// The families of days `monthStart...day` added up, sample by sample (same name and labels).
    func monthToDate(_ day: Int, monthStart: Int) -> [MetricFamily] {
        guard month == monthStart else { return [] }
        return Self.sum((monthStart...day).compactMap { days[$0] })
    }

    /// Adds families of several days: a series absent on a day counts nothing that day.
    static func sum(_ perDay: [[MetricFamily]]) -> [MetricFamily] {
        var order: [String] = []
        var heads: [String: MetricFamily] = [:]
        var values: [String: [[Label]: Double]] = [:]
        var sampleOrder: [String: [[Label]]] = [:]
        for families in perDay {
            for family in families {
                if heads[family.name] == nil {
                    heads[family.name] = family
                    order.append(family.name)
                }
                for sample in family.samples {
                    let labels = sample.labels.sorted()
                    if values[family.name, default: [:]][labels] == nil { sampleOrder[family.name, default: []].append(labels) }
                    values[family.name, default: [:]][labels, default: 0] += sample.value
                }
            }
        }
        return order.map { name in
            let head = heads[name]!
            let samples = (sampleOrder[name] ?? []).map { Sample(labels: $0, value: values[name]![$0]!) }
            return MetricFamily(name: name, help: head.help, type: head.type, samples: samples)
        }
    }
}
