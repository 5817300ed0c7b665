import GitHubAPI

extension CollectorRegistry {
    /// The README's credential table: one row per collector and kind of scope, derived from
    /// what each collector declares (a test keeps the README in step with it).
    public static var credentialTable: String {
        var rows = [
            "| collector | scope | classic personal access token | fine-grained token | GitHub App (installation token) |",
            "|---|---|---|---|---|",
        ]
        for collector in all {
            for access in collector.access {
                rows.append(
                    "| `\(collector.name)` | \(access.scope.rawValue) (\(access.role)) | \(access.classicToken) | "
                        + "\(access.fineGrainedToken) | \(access.gitHubApp) |"
                )
            }
        }
        return rows.joined(separator: "\n")
    }

    /// The README's budget table: default interval, requests per poll and why, per collector.
    public static var budgetTable: String {
        var rows = ["| collector | default interval | requests per poll | why this interval |", "|---|---|---|---|"]
        for collector in all {
            rows.append(
                "| `\(collector.name)` | \(Configuration.formatDuration(collector.defaultInterval)) | \(collector.requestsPerPoll) | "
                    + "\(collector.intervalReason) |"
            )
        }
        return rows.joined(separator: "\n")
    }
}
