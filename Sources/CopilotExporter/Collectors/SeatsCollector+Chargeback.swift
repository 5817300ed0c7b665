import GitHubAPI
import PrometheusExposition

extension SeatsCollector {
    /// The seat families for chargeback: seats and idle seats by team, seats by plan, seats by
    /// organization (enterprises only: an organization's own listing is that organization), and
    /// what the idle seats cost a month at `prices`. Each user counts once, under the team,
    /// organization and plan of the row `SeatStatistics` keeps.
    static func chargebackFamilies(scope: Scope, statistics: SeatStatistics, prices: SeatPrices) -> [MetricFamily] {
        let scopeLabel = Label(scope.labelName, scope.slug)
        let cached = " Refreshed by the seats collector on its interval, not per scrape, because of GitHub's rate limits."
        let teams = statistics.byTeam.keys.sorted()
        var families = [
            MetricFamily(
                name: "github_copilot_seats_by_team",
                help: "Copilot seats by the team that grants them (assigning_team; none when assigned directly); "
                    + "a user with several seat rows counts once." + cached,
                samples: teams.map { Sample(labels: [scopeLabel, Label("team", $0)], value: Double(statistics.byTeam[$0]!)) }
            ),
            MetricFamily(
                name: "github_copilot_seats_idle_by_team",
                help: "Idle Copilot seats (the rule of github_copilot_seats_idle) by the team that grants them." + cached,
                samples: teams.map { Sample(labels: [scopeLabel, Label("team", $0)], value: Double(statistics.idleByTeam[$0] ?? 0)) }
            ),
            MetricFamily(
                name: "github_copilot_seats_by_plan",
                help: "Copilot seats by plan (plan_type: business, enterprise, or unknown when GitHub does not say)." + cached,
                samples: statistics.byPlan.keys.sorted().map {
                    Sample(labels: [scopeLabel, Label("plan", $0.rawValue)], value: Double(statistics.byPlan[$0]!))
                }
            ),
            MetricFamily(
                name: "github_copilot_seats_idle_monthly_cost_usd",
                help: "What the idle Copilot seats cost a month in US dollars, priced by plan (--collector.seats.price.*; "
                    + "unknown plans at the Business price)." + cached,
                samples: [Sample(labels: [scopeLabel], value: prices.monthlyCost(statistics.idleByPlan))]
            ),
        ]
        if case .enterprise = scope {
            families.append(
                MetricFamily(
                    name: "github_copilot_seats_by_org",
                    help: "Enterprise Copilot seats by the organization of their seat row (none for a grant at the enterprise "
                        + "level); a user with several seat rows counts once." + cached,
                    samples: statistics.byOrganization.keys.sorted().map {
                        Sample(labels: [scopeLabel, Label("org", $0)], value: Double(statistics.byOrganization[$0]!))
                    }
                )
            )
        }
        return families
    }
}
