import Foundation
public import GitHubAPI
public import PrometheusExposition

/// Copilot seats: how many are billed, their states, which are idle or never used, by editor,
/// by team, plan and (enterprise) organization, what the idle ones cost, and per user when each
/// was assigned and last active.
///
/// Organization: `GET /orgs/{org}/copilot/billing` (breakdown) and every page of
/// `GET /orgs/{org}/copilot/billing/seats`. Enterprise: every page of
/// `GET /enterprises/{enterprise}/copilot/billing/seats`, one user counted once.
public struct SeatsCollector: Collector {
    public let name = CollectorName.seats
    public let defaultInterval = 300.0
    public let summary = "seats billed, idle, by editor, team, plan and org; idle cost; per user last activity"
    public let intervalReason = "seat activity changes within minutes"
    public let requestsPerPoll = "organization: 1 + one per 100 seats; enterprise: one per 100 seat rows"
    public let access = [
        CollectorAccess(
            scope: .organization,
            role: "owner",
            classicToken: "`manage_billing:copilot` or `read:org`",
            fineGrainedToken: "\"GitHub Copilot Business\" or \"Administration\" organization permission (read)",
            gitHubApp: "permission `organization_copilot_seat_management` (read)",
            acceptsApp: true
        ),
        CollectorAccess(
            scope: .enterprise,
            role: "owner or billing manager",
            classicToken: "`manage_billing:copilot` or `read:enterprise`",
            fineGrainedToken: "refused by GitHub",
            gitHubApp: "refused by GitHub",
            acceptsApp: false
        ),
    ]

    public init() {}

    public func collect(_ scope: Scope, context: CollectionContext) async throws -> [MetricFamily] {
        let client = context.client
        var breakdown: OrganizationCopilotBilling.SeatBreakdown?
        let listPath: String
        switch scope {
        case .organization(let org):
            let path = "/orgs/\(GitHubClient.encode(org))/copilot/billing"
            breakdown = try await client.getJSON(OrganizationCopilotBilling.self, path).seatBreakdown
            listPath = path + "/seats"
        case .enterprise(let enterprise):
            listPath = "/enterprises/\(GitHubClient.encode(enterprise))/copilot/billing/seats"
        }
        // Each page is read as it arrives and merged per user: the listing is never held whole.
        var accumulator = SeatStatistics.Accumulator(now: context.clock.now())
        var totalSeats: Int?
        try await client.forEachPageBody(listPath) { body, endpoint in
            let total = try GitHubClient.reading(endpoint) { try CopilotSeatPage.readRows(body) { accumulator.add($0) } }
            if totalSeats == nil { accumulator.reserve(total) }
            totalSeats = totalSeats ?? total
        }
        let statistics = accumulator.statistics(idleDays: context.idleDays)
        for (what, seats) in [("teams", statistics.foldedTeamSeats), ("organizations", statistics.foldedOrganizationSeats)] where seats > 0
        {
            context.notice(
                "The seats of \(scope) come from more than \(SeatStatistics.maxLabels) \(what); \(seats) seats of the rest are "
                    + "counted under \(SeatStatistics.other)."
            )
        }
        return Self.families(
            scope: scope,
            billed: breakdown?.total ?? totalSeats ?? statistics.users.count,
            breakdown: breakdown,
            statistics: statistics,
            idleDays: context.idleDays
        ) + Self.chargebackFamilies(scope: scope, statistics: statistics, prices: context.seatPrices)
    }

    /// Maps the fetched figures to the CONTRACT seat families.
    static func families(
        scope: Scope,
        billed: Int,
        breakdown: OrganizationCopilotBilling.SeatBreakdown?,
        statistics: SeatStatistics,
        idleDays: Int
    ) -> [MetricFamily] {
        let scopeLabel = Label(scope.labelName, scope.slug)
        func one(_ value: Int) -> [Sample] { [Sample(labels: [scopeLabel], value: Double(value))] }
        // Users never active have no last-activity sample.
        var active: (users: [String], times: [Double]) = ([], [])
        active.users.reserveCapacity(statistics.users.count)
        active.times.reserveCapacity(statistics.users.count)
        for user in statistics.users {
            guard let time = user.lastActivity else { continue }
            active.users.append(user.login)
            active.times.append(time)
        }
        let cached = " Refreshed by the seats collector on its interval, not per scrape, because of GitHub's rate limits."
        var families = [
            MetricFamily(name: "github_copilot_seats", help: "Copilot seats currently billed." + cached, samples: one(billed)),
            MetricFamily(
                name: "github_copilot_seats_idle",
                help: "Copilot seats whose last activity, or if never active their assignment, is older than \(idleDays) days."
                    + cached,
                samples: one(statistics.idle)
            ),
            MetricFamily(
                name: "github_copilot_seats_never_active",
                help: "Copilot seats that have never been used (last_activity_at is null)." + cached,
                samples: one(statistics.neverActive)
            ),
            MetricFamily(
                name: "github_copilot_seats_by_editor",
                help: "Copilot seats by the editor of their last activity (none when never active)." + cached,
                samples: statistics.byEditor.map { Sample(labels: [scopeLabel, Label("editor", $0.key)], value: Double($0.value)) }
            ),
            MetricFamily(
                name: "github_copilot_seat_assigned_timestamp_seconds",
                help: "Unix time the user's Copilot seat was assigned (earliest created_at)." + cached,
                labels: [scopeLabel],
                users: statistics.users.map(\.login),
                values: statistics.users.map(\.assigned)
            ),
            MetricFamily(
                name: "github_copilot_seat_last_activity_timestamp_seconds",
                help: "Unix time of the user's last Copilot activity; absent when never active." + cached,
                labels: [scopeLabel],
                users: active.users,
                values: active.times
            ),
        ]
        if let breakdown {
            let states: [(String, Int?)] = [
                ("active_this_cycle", breakdown.activeThisCycle), ("inactive_this_cycle", breakdown.inactiveThisCycle),
                ("pending_invitation", breakdown.pendingInvitation),
                ("pending_cancellation", breakdown.pendingCancellation), ("added_this_cycle", breakdown.addedThisCycle),
            ]
            families.append(
                MetricFamily(
                    name: "github_copilot_seats_by_state",
                    help: "Organization Copilot seats by state in the current billing cycle (seat_breakdown)." + cached,
                    samples: states.compactMap { state, value in
                        value.map { Sample(labels: [scopeLabel, Label("state", state)], value: Double($0)) }
                    }
                )
            )
        }
        return families
    }
}

extension CollectorName {
    public static let seats = CollectorName(declaring: "seats")
}

extension SeatsCollector {
    public func probe(_ scope: Scope, context: ProbeContext) async -> CollectorProbe {
        var probe = CollectorProbe()
        let list: String
        switch scope {
        case .organization(let org):
            let path = "/orgs/\(GitHubClient.encode(org))/copilot/billing"
            probe.record("GET " + path, await context.get(path))
            probe.cost += 1
            list = path + "/seats"
        case .enterprise(let enterprise):
            list = "/enterprises/\(GitHubClient.encode(enterprise))/copilot/billing/seats"
        }
        var total = 0
        if let response = probe.record("GET " + list, await context.get(list, [("per_page", "1")])),
            let page = try? JSONDecoder().decode(CopilotSeatPage.self, from: Data(response.body))
        {
            total = page.totalSeats
        }
        probe.cost += max(1, (total + 99) / 100)
        return probe
    }
}
