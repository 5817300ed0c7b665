/// An organization's or enterprise's report day built from its users' records of that day:
/// every total and breakdown is the sum of theirs.
struct SimulatedAggregate {
    var totals = SimulatedCounters()
    var byIDE: [String: SimulatedCounters] = [:]
    var byFeature: [String: SimulatedCounters] = [:]
    var byLanguageFeature: [[String]: SimulatedCounters] = [:]
    var byLanguageModel: [[String]: SimulatedCounters] = [:]
    var byModelFeature: [[String]: SimulatedCounters] = [:]
    var cli: SimulatedCLI?
    var cliUsers = 0

    mutating func add(_ activity: SimulatedActivity) {
        for slice in activity.slices {
            totals += slice.counters
            byIDE[slice.ide, default: SimulatedCounters()] += slice.counters
            byFeature[slice.feature, default: SimulatedCounters()] += slice.counters
            byLanguageFeature[[slice.language, slice.feature], default: SimulatedCounters()] += slice.counters
            if let model = slice.model {
                byLanguageModel[[slice.language, model], default: SimulatedCounters()] += slice.counters
                byModelFeature[[model, slice.feature], default: SimulatedCounters()] += slice.counters
            }
        }
        if let used = activity.cli {
            var sum = cli ?? SimulatedCLI()
            sum += used
            cli = sum
            cliUsers += 1
        }
    }

    /// The activity fields of the day (not sorted).
    func fields() -> [(String, String)] {
        func quoted(_ pairs: [(String, String)]) -> [(String, String)] { pairs.map { ($0.0, JSONText.quote($0.1)) } }
        var out = totals.fields()
        if let cli { out.append(("totals_by_cli", Self.cliJSON(cli, version: nil))) }
        out.append(("totals_by_feature", Self.array(byFeature.map { (quoted([("feature", $0.key)]), $0.value) })))
        out.append(("totals_by_ide", Self.array(byIDE.map { (quoted([("ide", $0.key)]), $0.value) })))
        out.append(
            (
                "totals_by_language_feature",
                Self.array(
                    byLanguageFeature.map { (quoted([("feature", $0.key[1]), ("language", $0.key[0])]), $0.value) },
                    interactions: false
                )
            )
        )
        out.append(
            (
                "totals_by_language_model",
                Self.array(
                    byLanguageModel.map { (quoted([("language", $0.key[0]), ("model", $0.key[1])]), $0.value) },
                    interactions: false
                )
            )
        )
        out.append(
            (
                "totals_by_model_feature",
                Self.array(byModelFeature.map { (quoted([("feature", $0.key[1]), ("model", $0.key[0])]), $0.value) })
            )
        )
        return out
    }

    /// Breakdown entries (label fields already JSON), sorted by their labels so the output is
    /// the same on every run.
    static func array(_ entries: [([(String, String)], SimulatedCounters)], interactions: Bool = true) -> String {
        let sorted = entries.sorted { $0.0.map(\.1).joined(separator: "\u{0}") < $1.0.map(\.1).joined(separator: "\u{0}") }
        return "["
            + sorted.map { labels, counters in
                JSONText.object((labels + counters.fields(interactions: interactions)).sorted { $0.0 < $1.0 })
            }
            .joined(separator: ",") + "]"
    }

    /// `totals_by_cli{}`; users' records add `last_known_cli_version`.
    static func cliJSON(_ cli: SimulatedCLI, version: (String, String)?) -> String {
        let average = cli.requests == 0 ? 0 : Double(cli.promptTokens + cli.outputTokens) / Double(cli.requests)
        var pairs: [(String, String)] = []
        if let version {
            pairs.append(
                (
                    "last_known_cli_version",
                    JSONText.object([("cli_version", JSONText.quote(version.0)), ("sampled_at", JSONText.quote(version.1))])
                )
            )
        }
        pairs += [
            ("prompt_count", String(cli.prompts)), ("request_count", String(cli.requests)), ("session_count", String(cli.sessions)),
            (
                "token_usage",
                JSONText.object([
                    ("avg_tokens_per_request", GitHubSimulator.number((average * 10).rounded() / 10)),
                    ("output_tokens_sum", String(cli.outputTokens)), ("prompt_tokens_sum", String(cli.promptTokens)),
                ])
            ),
        ]
        return JSONText.object(pairs)
    }
}

/// An organization's pull requests on a day; an enterprise's are the sum of its organizations'.
struct SimulatedPullRequests {
    var created = 0
    var reviewed = 0
    var merged = 0
    var createdByCopilot = 0
    var reviewedByCopilot = 0
    var mergedCreatedByCopilot = 0
    var mergedReviewedByCopilot = 0
    var suggestions = 0
    var applied = 0
    var byCommentType: [String: (suggestions: Int, applied: Int)] = [:]

    static let commentTypes = ["bug", "maintainability", "performance", "readability", "security"]

    init() {}

    init(organization: String, day: String) {
        var random = SplitMix64(seed: FNV1a.hash(Array("\(organization)/\(day)/pulls".utf8)))
        func below(_ bound: Int) -> Int { Int(random.next(below: UInt64(max(1, bound)))) }
        // A believable day: most pull requests reviewed and merged, Copilot authoring a tenth
        // to a third of them and reviewing a third to over half of the reviewed ones.
        func share(_ total: Int, _ low: Int, _ spread: Int) -> Int { total * (low + below(spread + 1)) / 100 }
        created = 5 + below(40)
        merged = share(created, 60, 30)
        reviewed = share(created, 70, 30)
        createdByCopilot = share(created, 10, 20)
        mergedCreatedByCopilot = min(share(createdByCopilot, 60, 40), merged)
        reviewedByCopilot = share(reviewed, 30, 30)
        mergedReviewedByCopilot = min(share(reviewedByCopilot, 50, 40), merged)
        for type in Self.commentTypes {
            let made = below(6)
            byCommentType[type] = (made, below(made + 1))
        }
        let copilot = copilotSuggestions
        suggestions = copilot.suggestions + below(20)
        applied = copilot.applied + below(suggestions - copilot.suggestions + 1)
    }

    var copilotSuggestions: (suggestions: Int, applied: Int) {
        byCommentType.values.reduce((0, 0)) { ($0.0 + $1.suggestions, $0.1 + $1.applied) }
    }

    static func += (lhs: inout SimulatedPullRequests, rhs: SimulatedPullRequests) {
        lhs.created += rhs.created
        lhs.reviewed += rhs.reviewed
        lhs.merged += rhs.merged
        lhs.createdByCopilot += rhs.createdByCopilot
        lhs.reviewedByCopilot += rhs.reviewedByCopilot
        lhs.mergedCreatedByCopilot += rhs.mergedCreatedByCopilot
        lhs.mergedReviewedByCopilot += rhs.mergedReviewedByCopilot
        lhs.suggestions += rhs.suggestions
        lhs.applied += rhs.applied
        for (type, value) in rhs.byCommentType {
            let old = lhs.byCommentType[type] ?? (0, 0)
            lhs.byCommentType[type] = (old.suggestions + value.suggestions, old.applied + value.applied)
        }
    }

    /// `pull_requests{}`: medians (minutes, deterministic from `key`) only where a pull
    /// request of that kind was merged.
    func json(key: String) -> String {
        let hash = FNV1a.hash(Array("\(key)/median".utf8))
        func median(_ salt: UInt64) -> String { GitHubSimulator.number(Double((hash >> salt) % 20_000) / 10 + 1) }
        let copilot = copilotSuggestions
        var pairs: [(String, String)] = [
            (
                "copilot_suggestions_by_comment_type",
                "["
                    + byCommentType.keys.sorted().map { type in
                        JSONText.object([
                            ("comment_type", JSONText.quote(type)),
                            ("total_copilot_applied_suggestions", String(byCommentType[type]!.applied)),
                            ("total_copilot_suggestions", String(byCommentType[type]!.suggestions)),
                        ])
                    }
                    .joined(separator: ",") + "]"
            )
        ]
        if merged > 0 { pairs.append(("median_minutes_to_merge", median(0))) }
        if mergedCreatedByCopilot > 0 { pairs.append(("median_minutes_to_merge_copilot_authored", median(16))) }
        if mergedReviewedByCopilot > 0 { pairs.append(("median_minutes_to_merge_copilot_reviewed", median(32))) }
        pairs += [
            ("total_applied_suggestions", String(applied)), ("total_copilot_applied_suggestions", String(copilot.applied)),
            ("total_copilot_suggestions", String(copilot.suggestions)), ("total_created", String(created)),
            ("total_created_by_copilot", String(createdByCopilot)), ("total_merged", String(merged)),
            ("total_merged_created_by_copilot", String(mergedCreatedByCopilot)),
            ("total_merged_reviewed_by_copilot", String(mergedReviewedByCopilot)), ("total_reviewed", String(reviewed)),
            ("total_reviewed_by_copilot", String(reviewedByCopilot)), ("total_suggestions", String(suggestions)),
        ]
        return JSONText.object(pairs)
    }
}
