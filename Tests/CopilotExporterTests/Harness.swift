import CopilotExporter
import Foundation
import GitHubSimulator
import Synchronization

@testable import GitHubAPI
@testable import WebServer

/// Collects the API observations a client reports.
final class ObservationLog: Sendable {
    let entries = Mutex<[APIObservation]>([])
    func append(_ observation: APIObservation) { entries.withLock { $0.append(observation) } }
    var codes: [String] { entries.withLock { $0.map(\.code) } }
}

/// A simulator on loopback and a production-transport client pointed at it, with a manual
/// clock so retry waits are recorded instead of slept.
struct SimulatorHarness {
    let simulator: GitHubSimulator
    let clock: ManualClock
    let client: GitHubClient
    let observations: ObservationLog

    init(
        scenario: SimulatorScenario,
        token: String = GitHubSimulator.demoToken,
        tokens: [String: [String]] = [GitHubSimulator.demoToken: GitHubSimulator.allScopes],
        maxPerPage: Int = 100,
        timeout: Double = 5,
        state: ClientState = ClientState(),
        transport: (any HTTPTransport)? = nil
    ) throws {
        simulator = GitHubSimulator(scenario: scenario, tokens: tokens, maxPerPage: maxPerPage)
        try simulator.start()
        clock = ManualClock(now: Date().timeIntervalSince1970)
        let observations = ObservationLog()
        self.observations = observations
        client = GitHubClient(
            baseURL: simulator.baseURL,
            transport: transport ?? StandardTransport.make(timeout: timeout),
            credentials: StaticToken(token),
            clock: clock,
            retry: RetryPolicy(maxAttempts: 4, baseDelay: 1, maxDelay: 30, maxInlineWait: 60),
            state: state,
            observe: { observations.append($0) }
        )
    }

    func stop() async { await simulator.stop() }
}

/// A small organization for client tests: `n` seats in org `acme`, and enterprise `ent` owning it.
func smallScenario(seats n: Int) -> SimulatorScenario {
    let now = Date().timeIntervalSince1970
    let seats = (0..<n).map { index in
        SimulatedSeat(
            login: "user\(index)",
            userID: index + 1,
            organization: "acme",
            createdAt: now - 86_400 * 40,
            lastActivityAt: now - 3600,
            lastActivityEditor: "vscode/1"
        )
    }
    return SimulatorScenario(
        organizations: [SimulatedOrganization(login: "acme", id: 1, seats: seats)],
        enterprises: [SimulatedEnterprise(slug: "ent", organizations: ["acme"])]
    )
}

/// Parses a text-format exposition into `name{labels}` → value, for whole-value assertions.
func parseExposition(_ text: String) -> [String: Double] {
    var values: [String: Double] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        guard let space = line.lastIndex(of: " ") else { continue }
        let value = line[line.index(after: space)...]
        values[String(line[..<space])] = value == "+Inf" ? .infinity : value == "NaN" ? .nan : Double(value)
    }
    return values
}

/// One HTTP GET over loopback with the production transport.
func httpGet(_ url: String, headers: [String: String] = [:]) async throws -> TransportResponse {
    try await StandardTransport.make(timeout: 10).send(TransportRequest(url: url, headers: headers))
}

extension ManualClock: SimulatorClock {}

/// Something a test starts and must have stopped, awaited, before the test ends.
protocol StoppableService: Sendable {
    func stop() async
}

extension SimulatorHarness: StoppableService {}
extension GitHubSimulator: StoppableService {}
extension HTTPServer: StoppableService {
    func stop() async { await shutdown(grace: 1) }
}

/// Runs `body`, then awaits `service.stop()` whether `body` returned or threw, so a test never
/// leaves a server or simulator running behind it (a `defer { Task { … } }` is never awaited).
@discardableResult
func withStopping<T>(_ service: some StoppableService, _ body: () async throws -> T) async throws -> T {
    let result: T
    do {
        result = try await body()
    } catch {
        await service.stop()
        throw error
    }
    await service.stop()
    return result
}

/// Runs blocking work (socket reads, sleeps) on a thread of its own, so a test that waits on a
/// socket does not hold one of the few threads that every async test shares.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}

/// `offThePool` for work that throws.
func offThePoolThrowing<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// `stopProcess` on a thread of its own: the wait can take seconds, which would hold one of
/// the threads every async test shares.
@discardableResult
func stopProcess(_ process: Process, signal: Int32 = SIGTERM, within timeout: Double = 20) async -> Bool {
    await offThePool { stopProcess(process, signal: signal, within: timeout) as Bool }
}

/// Sends `signal` to `process` and waits up to `timeout` seconds for it to exit; past that it
/// is killed, so a process that ignores the signal cannot hold the test (`waitUntilExit` alone
/// would wait for ever). True when it exited on its own.
@discardableResult
func stopProcess(_ process: Process, signal: Int32 = SIGTERM, within timeout: Double = 20) -> Bool {
    guard process.isRunning else { return true }
    kill(process.processIdentifier, signal)
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    let exited = !process.isRunning
    if !exited { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    return exited
}
