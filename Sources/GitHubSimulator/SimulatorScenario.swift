import Foundation

/// One simulated seat assignment row.
public struct SimulatedSeat: Sendable, Hashable {
    /// The assignee's login; empty for a row whose assignee is null (a deleted account).
    public var login: String
    public var userID: Int
    public var organization: String
    public var createdAt: Double
    public var lastActivityAt: Double?
    /// Full `last_activity_editor`, such as `vscode/1.96.0/copilot-chat/0.23.2`.
    public var lastActivityEditor: String?
    public var pendingCancellationDate: String?
    public var planType: String?
    public var assigningTeam: String?

    public init(
        login: String,
        userID: Int,
        organization: String,
        createdAt: Double,
        lastActivityAt: Double? = nil,
        lastActivityEditor: String? = nil,
        pendingCancellationDate: String? = nil,
        planType: String? = "business",
        assigningTeam: String? = nil
    ) {
        self.login = login
        self.userID = userID
        self.organization = organization
        self.createdAt = createdAt
        self.lastActivityAt = lastActivityAt
        self.lastActivityEditor = lastActivityEditor
        self.pendingCancellationDate = pendingCancellationDate
        self.planType = planType
        self.assigningTeam = assigningTeam
    }
}

/// A simulated organization: its seats and the breakdown `GET /orgs/{org}/copilot/billing` reports.
public struct SimulatedOrganization: Sendable, Hashable {
    public var login: String
    public var id: Int
    public var seats: [SimulatedSeat]
    public var pendingInvitation: Int
    /// Overrides the breakdown computed from `seats` (to model GitHub's own figures).
    public var breakdownOverride: [String: Int]?

    public init(login: String, id: Int, seats: [SimulatedSeat], pendingInvitation: Int = 0, breakdownOverride: [String: Int]? = nil) {
        self.login = login
        self.id = id
        self.seats = seats
        self.pendingInvitation = pendingInvitation
        self.breakdownOverride = breakdownOverride
    }

    /// `seat_breakdown` as GitHub would report it at `now`: the cycle is the current UTC month.
    public func breakdown(now: Double) -> [String: Int] {
        if let breakdownOverride { return breakdownOverride }
        let (year, month) = SimulatedCalendar.yearMonth(now)
        let cycleStart = SimulatedCalendar.monthStart(year: year, month: month)
        let active = seats.filter { ($0.lastActivityAt ?? 0) >= cycleStart }.count
        return [
            "total": seats.count, "added_this_cycle": seats.filter { $0.createdAt >= cycleStart }.count,
            "pending_invitation": pendingInvitation,
            "pending_cancellation": seats.filter { $0.pendingCancellationDate != nil }.count,
            "active_this_cycle": active, "inactive_this_cycle": seats.count - active,
        ]
    }
}

/// A simulated enterprise: the organizations it owns, and seats it grants itself.
public struct SimulatedEnterprise: Sendable, Hashable {
    public var slug: String
    public var organizations: [String]
    /// Seats granted at the enterprise level (through an enterprise team, no organization):
    /// their rows carry `"organization": null`; their `organization` is ignored.
    public var grants: [SimulatedSeat]

    public init(slug: String, organizations: [String], grants: [SimulatedSeat] = []) {
        self.slug = slug
        self.organizations = organizations
        self.grants = grants.map { seat in
            var seat = seat
            seat.organization = ""
            return seat
        }
    }
}

/// The data the simulator serves.
public struct SimulatorScenario: Sendable, Hashable {
    public var organizations: [SimulatedOrganization]
    public var enterprises: [SimulatedEnterprise]
    public var billing: SimulatedBilling
    public var reports: SimulatedReports
    /// Team memberships for the user-teams reports (seats' assigning teams plus extras).
    public var teams = SimulatedTeams()

    public init(
        organizations: [SimulatedOrganization],
        enterprises: [SimulatedEnterprise],
        billing: SimulatedBilling = SimulatedBilling(),
        reports: SimulatedReports = SimulatedReports()
    ) {
        self.organizations = organizations
        self.enterprises = enterprises
        self.billing = billing
        self.reports = reports
    }

    public func organization(_ login: String) -> SimulatedOrganization? {
        organizations.first { $0.login.lowercased() == login.lowercased() }
    }

    public func enterprise(_ slug: String) -> SimulatedEnterprise? {
        enterprises.first { $0.slug.lowercased() == slug.lowercased() }
    }

    /// Users an enterprise is billed for: each login once, and each row without an assignee.
    public func enterpriseBilledUsers(_ slug: String) -> Int {
        let rows = enterpriseSeats(slug)
        return Set(rows.map(\.login).filter { !$0.isEmpty }).count + rows.filter(\.login.isEmpty).count
    }

    /// Every seat row of an enterprise: one per organization granting it, so a user in two
    /// organizations appears twice, as on GitHub.
    public func enterpriseSeats(_ slug: String) -> [SimulatedSeat] {
        guard let enterprise = enterprise(slug) else { return [] }
        return enterprise.organizations.compactMap(organization).flatMap(\.seats) + enterprise.grants
    }
}

extension SimulatorScenario {
    /// A deterministic, realistic company for `--demo` and benchmarks: an enterprise `acme`
    /// owning `acme-corp` (about 70 % of the seats, Copilot Enterprise) and `acme-labs` (Copilot
    /// Business), with about 5 % of users seated in both; seats granted by five teams or directly,
    /// 2.5 % granted by the enterprise team `ai-pilots` with no organization, 2 % without a
    /// `plan_type`; activity mostly within the last week, some up to 120 days ago, 8 % never active, a few pending
    /// cancellations, editors VS Code, JetBrains, Visual Studio, Neovim, Xcode and the CLI.
    public static func demo(seats: Int, now: Double, seed: UInt64 = 2026) -> SimulatorScenario {
        var random = SplitMix64(seed: seed)
        let editors = [
            ("vscode/1.96.2/copilot-chat/0.23.2", 50), ("JetBrains-IC/2024.3/copilot-intellij/1.5.30", 20),
            ("VisualStudio/17.12.3/copilot-vs/1.228.0", 10), ("Neovim/0.10.2/copilot.vim/1.41.0", 6),
            ("Xcode/16.2/copilot-xcode/0.31.0", 4), ("copilot-cli/0.0.330", 10),
        ]
        let totalWeight = editors.reduce(0) { $0 + $1.1 }
        let teams = ["platform", "payments", "mobile", "data", "frontend", nil]
        var corp: [SimulatedSeat] = []
        var labs: [SimulatedSeat] = []
        var grants: [SimulatedSeat] = []
        for index in 0..<seats {
            let login = "dev-\(String(index + 1).leftPadded(to: 6))"
            let userID = 100_000 + index
            let assignedDaysAgo = Double(random.next(below: 400) + 1)
            let created = (now - assignedDaysAgo * 86_400 - Double(random.next(below: 86_400))).rounded(.down)
            var activity: Double?
            var editor: String?
            if random.next(below: 100) >= 8 {
                let bucket = random.next(below: 100)
                // Half the seats were used in the last two days (daily users), most within a week.
                let window: UInt64 = bucket < 50 ? 2 : (bucket < 70 ? 7 : (bucket < 88 ? 30 : 120))
                let daysAgo = min(assignedDaysAgo, Double(random.next(below: window)))
                activity = (now - daysAgo * 86_400 - Double(random.next(below: 86_400))).rounded(.down)
                activity = max(activity!, created)
                var pick = Int(random.next(below: UInt64(totalWeight)))
                for (name, weight) in editors {
                    if pick < weight {
                        editor = name
                        break
                    }
                    pick -= weight
                }
            }
            let pending: String? = random.next(below: 100) < 3 ? SimulatedCalendar.day(nextMonthStart(now)) : nil
            let team = teams[Int(random.next(below: UInt64(teams.count)))]
            let inCorp = random.next(below: 100) < 70
            let both = random.next(below: 100) < 5
            // Chosen from the index, not the generator, so the other draws stay as they were.
            let plan: String? = index % 50 == 29 ? nil : (inCorp ? "enterprise" : "business")
            var seat = SimulatedSeat(
                login: login,
                userID: userID,
                organization: inCorp ? "acme-corp" : "acme-labs",
                createdAt: created,
                lastActivityAt: activity,
                lastActivityEditor: editor,
                pendingCancellationDate: pending,
                planType: plan,
                assigningTeam: team
            )
            if index % 40 == 17 {
                seat.assigningTeam = "ai-pilots"
                seat.planType = "enterprise"
                grants.append(seat)
                continue
            }
            if inCorp { corp.append(seat) } else { labs.append(seat) }
            if both {
                var second = seat
                second.organization = inCorp ? "acme-labs" : "acme-corp"
                second.assigningTeam = nil
                second.createdAt = min(now, created + 86_400 * Double(random.next(below: 30)))
                second.pendingCancellationDate = nil
                if let activity = seat.lastActivityAt {
                    second.lastActivityAt = max(second.createdAt, activity - 86_400 * Double(random.next(below: 10)))
                }
                if inCorp { labs.append(second) } else { corp.append(second) }
            }
        }
        return SimulatorScenario(
            organizations: [
                SimulatedOrganization(login: "acme-corp", id: 9_001, seats: corp, pendingInvitation: 2),
                SimulatedOrganization(login: "acme-labs", id: 9_002, seats: labs, pendingInvitation: 1),
            ],
            enterprises: [SimulatedEnterprise(slug: "acme", organizations: ["acme-corp", "acme-labs"], grants: grants)],
            billing: demoBilling(corpSeats: corp.count, labsSeats: labs.count, now: now, random: &random),
            reports: SimulatedReports(source: .procedural(seed: seed))
        )
    }

    static func nextMonthStart(_ now: Double) -> Double {
        let (year, month) = SimulatedCalendar.yearMonth(now)
        let next = month == 12 ? (year + 1, 1) : (year, month + 1)
        return SimulatedCalendar.monthStart(year: next.0, month: next.1)
    }
}

/// A small deterministic generator (SplitMix64), so scenarios (and random tests) are the same on
/// every machine.
public struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(below bound: UInt64) -> UInt64 { next() % bound }
}

extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}

extension SimulatorScenario {
    /// Billing from the first day of last month to today: `acme-corp` is billed in AI credits
    /// (four models, with an included allotment), buys premium requests, runs Actions, and is in
    /// the `Platform` cost center; `acme-labs` is still billed per seat, has no AI-credit rows,
    /// and its plan offers neither premium-request usage nor budgets.
    static func demoBilling(corpSeats: Int, labsSeats: Int, now: Double, random: inout SplitMix64) -> SimulatedBilling {
        let (year, month) = SimulatedCalendar.yearMonth(now)
        let previous = month == 1 ? (year - 1, 12) : (year, month - 1)
        let first = Int(SimulatedCalendar.monthStart(year: previous.0, month: previous.1) / 86_400)
        let today = Int((now / 86_400).rounded(.down))
        let models = [("GPT-5", 40.0), ("Claude Sonnet 4.5", 55.0), ("Gemini 2.5 Pro", 12.0), ("GPT-5 mini", 90.0)]
        var usage: [SimulatedUsage] = []
        for dayNumber in first...today {
            let day = SimulatedCalendar.day(Double(dayNumber) * 86_400)
            let scale = dayNumber == today ? (now / 86_400 - Double(today)) : 1
            func jitter() -> Double { 0.7 + Double(random.next(below: 60)) / 100 }
            for (model, perSeat) in models {
                let credits = (Double(corpSeats) * perSeat * jitter() * scale).rounded()
                usage.append(
                    SimulatedUsage(
                        day: day,
                        organization: "acme-corp",
                        product: "Copilot",
                        sku: "Copilot AI Credits",
                        unitType: "credits",
                        pricePerUnit: 0.01,
                        quantity: credits,
                        discountQuantity: (credits * 0.6).rounded(),
                        model: model,
                        meter: .aiCredits,
                        costCenter: "cc-platform"
                    )
                )
            }
            let premium = (Double(corpSeats) * 0.8 * jitter() * scale).rounded()
            usage.append(
                SimulatedUsage(
                    day: day,
                    organization: "acme-corp",
                    product: "Copilot",
                    sku: "Copilot Premium Request",
                    unitType: "requests",
                    pricePerUnit: 0.04,
                    quantity: premium,
                    model: "Claude Opus 4.1",
                    meter: .premiumRequests,
                    costCenter: "cc-platform"
                )
            )
            for (org, seats) in [("acme-corp", corpSeats), ("acme-labs", labsSeats)] {
                usage.append(
                    SimulatedUsage(
                        day: day,
                        organization: org,
                        product: "Actions",
                        sku: "actions_linux",
                        unitType: "minutes",
                        pricePerUnit: 0.008,
                        quantity: (Double(seats) * 25 * jitter() * scale).rounded(),
                        discountQuantity: (Double(seats) * 5 * scale).rounded(),
                        repository: "\(org)/monorepo"
                    )
                )
            }
            usage.append(
                SimulatedUsage(
                    day: day,
                    organization: "acme-labs",
                    product: "Copilot",
                    sku: "Copilot Business",
                    unitType: "user-months",
                    pricePerUnit: 19,
                    quantity: Double(labsSeats) / 30 * scale
                )
            )
        }
        return SimulatedBilling(
            usage: usage,
            costCenters: ["acme": [SimulatedCostCenter(id: "cc-platform", name: "Platform")]],
            budgets: [
                "enterprise/acme": [
                    SimulatedBudget(
                        id: "b-ai-credits",
                        type: "BundlePricing",
                        skus: ["ai_credits"],
                        scope: "enterprise",
                        entity: "acme",
                        amount: Double(corpSeats) * 25
                    )
                ],
                "org/acme-corp": [
                    SimulatedBudget(
                        id: "b-actions",
                        type: "ProductPricing",
                        skus: ["actions"],
                        scope: "organization",
                        entity: "acme-corp",
                        amount: 500
                    )
                ],
            ],
            notOffered: ["org/acme-labs/premium_request/usage", "org/acme-labs/budgets"]
        )
    }
}
