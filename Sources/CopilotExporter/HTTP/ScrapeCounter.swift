import PrometheusExposition
import Synchronization

/// Counts the answers to scrapes by HTTP status, including the 503s the server gives past its
/// connection or in-flight limits before any handler runs, for
/// `github_copilot_scrape_requests_total`.
///
/// The HTTP server reports every answer to `record`; only those for the telemetry path, and
/// connections refused before a request was read (most likely scrapes), count.
public final class ScrapeCounter: Sendable {
    public let telemetryPath: String
    private let counts = Mutex<[Int: Double]>([:])

    public init(telemetryPath: String) { self.telemetryPath = telemetryPath }

    /// Counts one answer; `path` is nil for a connection refused before its request was read.
    public func record(path: String?, status: Int) {
        guard path == nil || path == telemetryPath else { return }
        counts.withLock { $0[status, default: 0] += 1 }
    }

    /// The counter family, codes in ascending order.
    var family: MetricFamily {
        MetricFamily(
            name: "github_copilot_scrape_requests_total",
            help: "Requests for the metrics path by HTTP status code, including 503s past the server's limits.",
            type: .counter,
            samples: counts.withLock { $0 }.sorted { $0.key < $1.key }.map {
                Sample(labels: [Label("code", String($0.key))], value: $0.value)
            }
        )
    }
}
