import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `copilot_exporter healthcheck [URL]`: asks a running exporter's `/-/healthy` and exits 0 on
/// 200, 1 otherwise, so a container health check needs no shell, curl or wget in the image.
public enum HealthCheckCommand {
    /// The URL probed without an argument: the default listen address on loopback.
    public static let defaultURL = "http://127.0.0.1:9185/-/healthy"

    /// True when `arguments` (without the program name) ask for this command.
    public static func matches(_ arguments: [String]) -> Bool { arguments.first == "healthcheck" }

    /// Probes the URL (the argument after `healthcheck`, else `defaultURL`) within `timeout`
    /// seconds; returns the exit status and a line for stderr when it fails.
    public static func run(_ arguments: [String], timeout: Double = 5) async -> (status: Int32, message: String?) {
        let target = arguments.dropFirst().first ?? defaultURL
        guard let url = URL(string: target), url.scheme == "http" || url.scheme == "https" else {
            return (2, "copilot_exporter healthcheck: \(target) is not an http(s) URL.")
        }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "GET"
        do {
            let (_, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            return status == 200 ? (0, nil) : (1, "copilot_exporter healthcheck: \(target) answered \(status).")
        } catch {
            return (1, "copilot_exporter healthcheck: \(target) did not answer: \(error.localizedDescription)")
        }
    }
}
