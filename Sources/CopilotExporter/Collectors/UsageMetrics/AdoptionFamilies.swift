import PrometheusExposition

/// Maps an organization's or enterprise's `AdoptionDay` to the "adoption and impact" families.
/// A family exists only where GitHub reports its measure; breakdown label values are GitHub's
/// strings (open sets), at most `maxLabelValues` distinct ones per family.
enum AdoptionFamilies {
    /// Distinct label-value combinations kept per breakdown family; the rest are cut, with a
    /// notice. GitHub's sets of IDEs, features, languages and models are far smaller.
    static let maxLabelValues = 300
    /// Longer label values are cut too: no IDE, language or model name comes near it.
    static let maxLabelLength = 200

    static let cached = " From the Copilot usage-metrics reports (published daily); refreshed on the collector's interval, not per scrape."

    /// The five measures, each with its counters (`change` label for lines).
    static let measures:
        [(name: String, help: String, values: [(change: String?, path: any KeyPath<ActivityCounters, Double?> & Sendable)])] = [
            ("github_copilot_interactions", "User-initiated Copilot interactions (prompts, chat messages)", [(nil, \.interactions)]),
            (
                "github_copilot_code_generations", "Code generations Copilot offered (completions, chat and agent edits)",
                [(nil, \.generations)]
            ),
            ("github_copilot_code_acceptances", "Code generations accepted", [(nil, \.acceptances)]),
            (
                "github_copilot_lines_suggested", "Lines of code Copilot suggested to add or delete",
                [("added", \.suggestedToAdd), ("deleted", \.suggestedToDelete)]
            ),
            (
                "github_copilot_lines_accepted", "Lines of code added or deleted from accepted suggestions",
                [("added", \.added), ("deleted", \.deleted)]
            ),
        ]

    static func families(_ day: AdoptionDay, scope: Label, notice: (String) -> Void) -> [MetricFamily] {
        let breakdowns: [(suffix: String, by: String, entries: [LabeledCounters], labels: [String])] = [
            ("_by_ide", "by IDE", day.byIDE, ["ide"]),
            ("_by_feature", "by feature", day.byFeature, ["feature"]),
            ("_by_language", "by language and feature", day.byLanguageFeature, ["language", "feature"]),
            ("_by_model", "by model and feature (chat and agent features)", day.byModelFeature, ["model", "feature"]),
        ]
        var families: [MetricFamily] = []
        for measure in measures {
            families.append(
                MetricFamily(
                    name: measure.name,
                    help: measure.help + " on the newest report day." + cached,
                    samples: measure.values.compactMap { change, path in
                        day.totals[keyPath: path].map { Sample(labels: [scope] + changeLabel(change), value: $0) }
                    }
                )
            )
        }
        for breakdown in breakdowns {
            let (groups, cut) = group(breakdown.entries, by: breakdown.labels)
            if cut > 0 {
                notice(
                    "A Copilot usage report breaks activity down \(breakdown.by) into more than \(maxLabelValues) values "
                        + "(or values longer than \(maxLabelLength) characters); \(cut) are left out."
                )
            }
            for measure in measures {
                families.append(
                    MetricFamily(
                        name: measure.name + breakdown.suffix,
                        help: measure.help + " on the newest report day, \(breakdown.by)." + cached,
                        samples: groups.flatMap { labels, counters in
                            measure.values.compactMap { change, path in
                                counters[keyPath: path].map { Sample(labels: [scope] + labels + changeLabel(change), value: $0) }
                            }
                        }
                    )
                )
            }
        }
        families += surfaceFamilies(day, scope: scope)
        families += pullRequestFamilies(day.pullRequests, scope: scope, notice: notice)
        families += cliFamilies(day.cli, scope: scope)
        return families.filter { $0.sampleCount > 0 }
    }

    static func changeLabel(_ change: String?) -> [Label] { change.map { [Label("change", $0)] } ?? [] }

    /// Entries summed by their label values, in order of first appearance; entries missing a
    /// label are passed over. Returns the groups and how many distinct values were cut.
    static func group(_ entries: [LabeledCounters], by names: [String]) -> (groups: [([Label], ActivityCounters)], cut: Int) {
        var order: [[String]] = []
        var sums: [[String]: ActivityCounters] = [:]
        var cut = Set<[String]>()
        for entry in entries {
            let values = names.compactMap { entry.labels[$0] }
            guard values.count == names.count else { continue }
            if sums[values] == nil {
                guard order.count < maxLabelValues, values.allSatisfy({ $0.utf8.count <= maxLabelLength }) else {
                    if cut.count < maxLabelValues { cut.insert(values) }
                    continue
                }
                order.append(values)
                sums[values] = ActivityCounters()
            }
            sums[values]!.add(entry.counters)
        }
        let groups = order.map { values in (zip(names, values).map { Label($0, $1) }, sums[values]!) }
        return (groups, cut.count)
    }

    static func surfaceFamilies(_ day: AdoptionDay, scope: Label) -> [MetricFamily] {
        [
            MetricFamily(
                name: "github_copilot_active_users_by_surface",
                help: "Active Copilot users on the newest report day, by surface (chat, agent, cli, cloud_agent, code_review_active, "
                    + "code_review_passive) and period, for the fields GitHub reports." + cached,
                samples: day.activeUsers.map { key, value in
                    Sample(labels: [scope, Label("surface", key.surface), Label("period", key.period)], value: value)
                }
            )
        ]
    }

    static func cliFamilies(_ cli: CLITotals?, scope: Label) -> [MetricFamily] {
        guard let cli else { return [] }
        func family(_ name: String, _ help: String, _ value: Double?) -> MetricFamily {
            MetricFamily(
                name: name,
                help: help + " on the newest report day." + cached,
                samples: value.map { [Sample(labels: [scope], value: $0)] } ?? []
            )
        }
        return [
            family("github_copilot_cli_sessions", "Copilot CLI sessions", cli.sessions),
            family("github_copilot_cli_requests", "Copilot CLI requests", cli.requests),
            family("github_copilot_cli_prompts", "Copilot CLI prompts", cli.prompts),
            MetricFamily(
                name: "github_copilot_cli_tokens",
                help: "Copilot CLI tokens on the newest report day, by kind (prompt, output)." + cached,
                samples: [("prompt", cli.promptTokens), ("output", cli.outputTokens)].compactMap { kind, value in
                    value.map { Sample(labels: [scope, Label("kind", kind)], value: $0) }
                }
            ),
        ]
    }
}
