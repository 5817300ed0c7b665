import Foundation
import GitHubSimulator
import WebServer

/// The GitHub simulator as its own process, for benchmarks that must measure the exporter
/// alone: `github_simulator [--seats=N] [--port=P] [--fault-rate=F] [--fault-period=S] [--rate-limit=N]`
/// prints the base URL and the token, then serves until SIGTERM or SIGINT. `--rate-limit` is the
/// hourly core budget (GitHub's 5,000 by default), raised by benchmarks that poll repeatedly.
/// `--fault-period=S` injects the faults only in the first half of every S seconds of the wall
/// clock (while the Unix time modulo S is under S/2), so that a soak knows each window exactly
/// however long it runs (it marks them on its plot); without it they never stop.
@main
enum GitHubSimulatorMain {
    static func main() async {
        var seats = 300
        var port = 0
        var faultRate = 0.0
        var rateLimit = 5_000
        var faultPeriod = 0
        for argument in CommandLine.arguments.dropFirst() {
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            switch (parts.first, parts.count == 2 ? Int(parts[1]) : nil) {
            case ("--seats", .some(let value)) where value > 0: seats = value
            case ("--port", .some(let value)) where value >= 0: port = value
            case ("--rate-limit", .some(let value)) where value > 0: rateLimit = value
            case ("--fault-period", .some(let value)) where value >= 2: faultPeriod = value
            case ("--fault-rate", _) where parts.count == 2 && Double(parts[1]).map({ (0...1).contains($0) }) == true:
                faultRate = Double(parts[1])!
            default:
                FileHandle.standardError.write(
                    Data(
                        "github_simulator: unknown argument \(argument); use --seats=N --port=P --fault-rate=0..1 --fault-period=S --rate-limit=N\n"
                            .utf8
                    )
                )
                exit(2)
            }
        }
        let simulator = GitHubSimulator(
            scenario: .demo(seats: seats, now: Date().timeIntervalSince1970),
            rateLimit: rateLimit,
            tokenLifetime: 45 * 86_400,
            maxLogEntries: 1_000
        )
        // Each kind of fault GitHub produces, each on a share of the requests.
        let share = faultRate / 5
        let faults = [
            FaultRule(.status(502), probability: share),
            FaultRule(.delay(3), probability: share),
            FaultRule(.truncatedBody, probability: share),
            FaultRule(.malformedJSON, probability: share),
            FaultRule(.secondaryRateLimit(retryAfter: 5), probability: share),
        ]
        if faultRate > 0 { for rule in faults { simulator.inject(rule) } }
        do {
            try simulator.start(port: port)
        } catch {
            FileHandle.standardError.write(Data("github_simulator: cannot listen: \(error)\n".utf8))
            exit(1)
        }
        FileHandle.standardOutput.write(Data("\(simulator.baseURL) \(GitHubSimulator.demoToken)\n".utf8))
        let cycling =
            faultRate > 0 && faultPeriod > 0
            ? Task {
                // Each turn sets the faults for the current half-period and sleeps to its end, read
                // from the clock every time, so lateness never accumulates.
                let period = Double(faultPeriod)
                var injected = true
                while !Task.isCancelled {
                    let phase = Date().timeIntervalSince1970.truncatingRemainder(dividingBy: period)
                    let faulting = phase < period / 2
                    if faulting != injected {
                        if faulting { for rule in faults { simulator.inject(rule) } } else { simulator.clearFaults() }
                        injected = faulting
                    }
                    let left = (faulting ? period / 2 : period) - phase
                    try? await Task.sleep(nanoseconds: UInt64(max(left, 0.001) * 1e9))
                }
            } : nil
        for await _ in SignalStream.make([SIGTERM, SIGINT]) { break }
        cycling?.cancel()
        await simulator.stop()
    }
}
