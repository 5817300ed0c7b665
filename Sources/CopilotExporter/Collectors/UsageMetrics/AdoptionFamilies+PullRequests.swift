import PrometheusExposition

extension AdoptionFamilies {
    /// The pull-request families: counts by state, with Copilot as author or reviewer, median
    /// times to merge, and review suggestions.
    static func pullRequestFamilies(_ pullRequests: PullRequestTotals?, scope: Label, notice: (String) -> Void) -> [MetricFamily] {
        guard let pullRequests else { return [] }
        func samples(_ fields: [(String, [Label])], scale: Double = 1) -> [Sample] {
            fields.compactMap { field, labels in pullRequests.values[field].map { Sample(labels: [scope] + labels, value: $0 * scale) } }
        }
        let newest = " on the newest report day"
        var families = [
            MetricFamily(
                name: "github_copilot_pull_requests",
                help: "Pull requests created, reviewed and merged" + newest + "." + cached,
                samples: samples([
                    ("total_created", [Label("state", "created")]), ("total_reviewed", [Label("state", "reviewed")]),
                    ("total_merged", [Label("state", "merged")]),
                ])
            ),
            MetricFamily(
                name: "github_copilot_pull_requests_with_copilot",
                help: "Pull requests created, reviewed or merged with Copilot as author or reviewer" + newest + "." + cached,
                samples: samples([
                    ("total_created_by_copilot", [Label("state", "created"), Label("role", "author")]),
                    ("total_reviewed_by_copilot", [Label("state", "reviewed"), Label("role", "reviewer")]),
                    ("total_merged_created_by_copilot", [Label("state", "merged"), Label("role", "author")]),
                    ("total_merged_reviewed_by_copilot", [Label("state", "merged"), Label("role", "reviewer")]),
                ])
            ),
            MetricFamily(
                name: "github_copilot_pull_request_median_time_to_merge_seconds",
                help: "Median time from creation to merge of the pull requests merged" + newest
                    + ": all of them (copilot=\"none\": no Copilot condition), those Copilot authored, those Copilot reviewed." + cached,
                samples: samples(
                    [
                        ("median_minutes_to_merge", [Label("copilot", "none")]),
                        ("median_minutes_to_merge_copilot_authored", [Label("copilot", "author")]),
                        ("median_minutes_to_merge_copilot_reviewed", [Label("copilot", "reviewer")]),
                    ],
                    scale: 60
                )
            ),
            MetricFamily(
                name: "github_copilot_review_suggestions",
                help: "Pull-request review suggestions made, all and Copilot's" + newest + "." + cached,
                samples: samples([
                    ("total_suggestions", [Label("source", "all")]), ("total_copilot_suggestions", [Label("source", "copilot")]),
                ])
            ),
            MetricFamily(
                name: "github_copilot_review_suggestions_applied",
                help: "Pull-request review suggestions applied, all and Copilot's" + newest + "." + cached,
                samples: samples([
                    ("total_applied_suggestions", [Label("source", "all")]),
                    ("total_copilot_applied_suggestions", [Label("source", "copilot")]),
                ])
            ),
        ]
        var kept: [PullRequestTotals.CommentType] = []
        var seen = Set<String>()
        var cut = 0
        for entry in pullRequests.byCommentType {
            guard let type = entry.type, !seen.contains(type) else { continue }
            guard seen.count < maxLabelValues, type.utf8.count <= maxLabelLength else {
                cut += 1
                continue
            }
            seen.insert(type)
            kept.append(entry)
        }
        if cut > 0 {
            notice("A Copilot usage report lists more than \(maxLabelValues) review comment types; \(cut) are left out.")
        }
        families.append(
            MetricFamily(
                name: "github_copilot_review_suggestions_by_comment_type",
                help: "Copilot's pull-request review suggestions" + newest + ", by comment type." + cached,
                samples: kept.compactMap { entry in
                    entry.suggestions.map { Sample(labels: [scope, Label("comment_type", entry.type!)], value: $0) }
                }
            )
        )
        families.append(
            MetricFamily(
                name: "github_copilot_review_suggestions_applied_by_comment_type",
                help: "Copilot's pull-request review suggestions applied" + newest + ", by comment type." + cached,
                samples: kept.compactMap { entry in
                    entry.applied.map { Sample(labels: [scope, Label("comment_type", entry.type!)], value: $0) }
                }
            )
        )
        return families
    }
}
