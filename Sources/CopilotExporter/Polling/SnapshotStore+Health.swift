import GitHubAPI
import PrometheusExposition

extension SnapshotStore {
    /// The exporter-health families of CONTRACT.md, from the current job and API state.
    func healthFamilies() -> [MetricFamily] {
        var success: [Sample] = []
        var duration: [Sample] = []
        var lastSuccess: [Sample] = []
        var intervals: [Sample] = []
        for key in jobs.keys.sorted() {
            let state = jobs[key]!
            guard state.attempted else { continue }
            let labels = [Label("collector", key.collector.rawValue), Label(key.scope.labelName, key.scope.slug)]
            success.append(Sample(labels: labels, value: state.success ? 1 : 0))
            duration.append(Sample(labels: labels, value: state.duration))
            if let time = state.lastSuccess { lastSuccess.append(Sample(labels: labels, value: time)) }
            if let interval = state.interval { intervals.append(Sample(labels: labels, value: interval)) }
        }
        var families = [
            MetricFamily(
                name: "github_copilot_exporter_build_info",
                help: "A metric with a constant '1' value labeled by version, revision and the Swift version it was built with.",
                samples: [
                    Sample(
                        labels: [
                            Label("revision", BuildInfo.revision), Label("swift_version", BuildInfo.swiftVersion),
                            Label("version", version),
                        ],
                        value: 1
                    )
                ]
            ),
            MetricFamily(
                name: "github_copilot_collector_success",
                help: "1 if the collector's last attempt for the scope succeeded, else 0.",
                samples: success
            ),
            MetricFamily(
                name: "github_copilot_collector_duration_seconds",
                help: "Duration of the collector's last attempt for the scope.",
                samples: duration
            ),
            MetricFamily(
                name: "github_copilot_collector_last_success_timestamp_seconds",
                help: "Unix time of the collector's last successful attempt for the scope.",
                samples: lastSuccess
            ),
            MetricFamily(
                name: "github_copilot_collector_interval_seconds",
                help:
                    "Seconds between the collector's attempts for the scope, as now scheduled (default intervals stretch to fit the request budget).",
                samples: intervals
            ),
            MetricFamily(
                name: "github_copilot_api_requests_total",
                help: "GitHub API responses by collector and HTTP status code (error: no response; collector none: outside any collector).",
                type: .counter,
                samples: apiRequestSamples()
            ),
            MetricFamily(
                name: "github_copilot_collector_failures_total",
                help:
                    "Failed attempts of the collector for the scope, by reason (unauthorized, not_found, rate_limited, server_error, transport, ...).",
                type: .counter,
                samples: failureCounts.keys.sorted().flatMap { key in
                    failureCounts[key]!.keys.sorted().map { reason in
                        Sample(
                            labels: [
                                Label("collector", key.collector.rawValue), Label(key.scope.labelName, key.scope.slug),
                                Label("reason", reason.rawValue),
                            ],
                            value: failureCounts[key]![reason]!
                        )
                    }
                }
            ),
        ]
        families += settings
        let limits = rateLimits.values.sorted { $0.resource < $1.resource }
        func byResource(_ value: (RateLimit) -> Double) -> [Sample] {
            limits.map { Sample(labels: [Label("resource", $0.resource)], value: value($0)) }
        }
        families += [
            MetricFamily(
                name: "github_copilot_api_rate_limit_remaining",
                help: "Requests left in GitHub's rate-limit window (x-ratelimit-remaining).",
                samples: byResource(\.remaining)
            ),
            MetricFamily(
                name: "github_copilot_api_rate_limit_limit",
                help: "Requests allowed per rate-limit window (x-ratelimit-limit).",
                samples: byResource(\.limit)
            ),
            MetricFamily(
                name: "github_copilot_api_rate_limit_reset_timestamp_seconds",
                help: "Unix time the rate-limit window resets (x-ratelimit-reset).",
                samples: byResource(\.reset)
            ),
        ]
        if let expiry = tokenExpiry {
            families.append(
                MetricFamily(
                    name: "github_copilot_token_expiry_timestamp_seconds",
                    help: "Unix time the GitHub token expires (github-authentication-token-expiration).",
                    samples: [Sample(value: expiry)]
                )
            )
        }
        return families
    }

    /// API responses by collector and code, plus those of no collector under `collector="none"`.
    func apiRequestSamples() -> [Sample] {
        var samples: [Sample] = []
        var attributed: [String: Double] = [:]
        for collector in apiResponsesByCollector.keys.sorted() {
            for (code, count) in apiResponsesByCollector[collector]!.sorted(by: { $0.key < $1.key }) {
                samples.append(Sample(labels: [Label("code", code), Label("collector", collector.rawValue)], value: count))
                attributed[code, default: 0] += count
            }
        }
        for (code, count) in apiResponses.sorted(by: { $0.key < $1.key }) where count > attributed[code, default: 0] {
            samples.append(Sample(labels: [Label("code", code), Label("collector", "none")], value: count - attributed[code, default: 0]))
        }
        return samples
    }
}
