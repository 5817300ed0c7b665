/// What one Copilot seat costs a month, in US dollars, by plan: the prices
/// `github_copilot_seats_idle_monthly_cost_usd` multiplies idle seats by.
///
/// The defaults are GitHub's list prices (checked 2026-12-02): Copilot Business $19 and Copilot
/// Enterprise $39 per user a month; `--collector.seats.price.business` and
/// `--collector.seats.price.enterprise` set negotiated ones. A seat whose plan GitHub does not
/// state (`unknown`) is priced as Business, the cheaper plan, so the figure never overstates.
public struct SeatPrices: Sendable, Equatable {
    public var business = 19.0
    public var enterprise = 39.0

    public init(business: Double = 19, enterprise: Double = 39) {
        self.business = business
        self.enterprise = enterprise
    }

    public func monthlyPrice(_ plan: SeatPlan) -> Double {
        switch plan {
        case .business, .unknown: business
        case .enterprise: enterprise
        }
    }

    /// The monthly price of `seats` counted by plan.
    public func monthlyCost(_ seats: [SeatPlan: Int]) -> Double {
        SeatPlan.allCases.reduce(0) { total, plan in total + Double(seats[plan] ?? 0) * monthlyPrice(plan) }
    }
}
