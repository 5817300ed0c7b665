import GitHubAPI
import PrometheusExposition

extension SnapshotStore {
    /// The exporter-health families of CONTRACT.md, from the current job and API state.
    func healthFamilies() -> [MetricFamily] {
        var families = [buildInfo()] + jobFamilies()
        families.append(
            MetricFamily(
                name: "github_copilot_api_requests_total",
                help: "GitHub API responses by collector and HTTP status code (error: no response; collector none: outside any collector).",
                type: .counter,
                samples: apiRequestSamples()
            )
        )
        families += settings
        families += rateLimitFamilies(now: clock.now())
        families += retirementFamilies()
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

    func buildInfo() -> MetricFamily {
        MetricFamily(
            name: "github_copilot_exporter_build_info",
            help: "A metric with a constant '1' value labeled by version, revision and the Swift version it was built with.",
            samples: [
                Sample(
                    labels: [
                        Label("revision", BuildInfo.revision), Label("swift_version", BuildInfo.swiftVersion), Label("version", version),
                    ],
                    value: 1
                )
            ]
        )
    }

    /// Success, duration, last success, interval and failures of each attempted job.
    func jobFamilies() -> [MetricFamily] {
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
        let failures = failureCounts.keys.sorted().flatMap { key in
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
        return [
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
                name: "github_copilot_collector_failures_total",
                help:
                    "Failed attempts of the collector for the scope, by reason (unauthorized, not_found, rate_limited, server_error, transport, ...).",
                type: .counter,
                samples: failures
            ),
        ]
    }

    /// What GitHub announced about retiring endpoints (Deprecation and Sunset headers).
    func retirementFamilies() -> [MetricFamily] {
        let announced = retirements.values.sorted { $0.endpoint < $1.endpoint }
        func byEndpoint(_ time: (Retirement) -> Double?) -> [Sample] {
            announced.compactMap { retirement in
                time(retirement).map { Sample(labels: [Label("endpoint", retirement.endpoint)], value: $0) }
            }
        }
        return [
            MetricFamily(
                name: "github_copilot_api_sunset_timestamp_seconds",
                help: "Unix time GitHub's Sunset header gives for the endpoint: when it stops answering.",
                samples: byEndpoint(\.sunset)
            ),
            MetricFamily(
                name: "github_copilot_api_deprecation_timestamp_seconds",
                help: "Unix time GitHub's Deprecation header gives for the endpoint (absent when it gives no date).",
                samples: byEndpoint(\.deprecation)
            ),
        ]
    }

    /// The rate-limit gauges, one series per credential and resource. A window whose reset time
    /// has passed shows its full limit: GitHub restores the budget then, and the remaining
    /// count seen before is no longer current.
    func rateLimitFamilies(now: Double) -> [MetricFamily] {
        let limits = rateLimits.sorted { $0.key < $1.key }
        func samples(_ value: (RateLimit) -> Double) -> [Sample] {
            limits.map { key, limit in
                Sample(labels: [Label("credential", key.credential), Label("resource", key.resource)], value: value(limit))
            }
        }
        return [
            MetricFamily(
                name: "github_copilot_api_rate_limit_remaining",
                help:
                    "Requests left in GitHub's rate-limit window (x-ratelimit-remaining) per credential (token, or "
                    + "app-installation-ID); the full limit once the window has reset.",
                samples: samples { now >= $0.reset ? $0.limit : $0.remaining }
            ),
            MetricFamily(
                name: "github_copilot_api_rate_limit_limit",
                help: "Requests allowed per rate-limit window (x-ratelimit-limit) per credential.",
                samples: samples(\.limit)
            ),
            MetricFamily(
                name: "github_copilot_api_rate_limit_reset_timestamp_seconds",
                help: "Unix time the credential's rate-limit window resets (x-ratelimit-reset).",
                samples: samples(\.reset)
            ),
        ]
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
