/// A seat's Copilot plan, from its row's `plan_type`.
///
/// GitHub documents `business`, `enterprise` and `unknown`, and may leave the field out; anything
/// but the first two is `unknown`, so the `plan` label stays a closed set.
public enum SeatPlan: String, Sendable, Hashable, CaseIterable, Comparable {
    case business
    case enterprise
    case unknown

    public init(_ planType: String?) {
        self = planType.flatMap(SeatPlan.init(rawValue:)) ?? .unknown
    }

    public static func < (lhs: SeatPlan, rhs: SeatPlan) -> Bool { lhs.rawValue < rhs.rawValue }
}
