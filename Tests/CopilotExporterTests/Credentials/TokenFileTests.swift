import CopilotExporter
import Foundation
import GitHubSimulator
import Glibc
import Testing

@testable import GitHubAPI

/// A Secret volume laid out as the kubelet does: `..2026_01_01_00_00_00.1/token`, `..data` a
/// symlink to that directory, and `token -> ..data/token`. `rotate` writes a new timestamped
/// directory and swaps `..data` atomically by renaming a new symlink over it.
struct SecretVolume {
    let root: URL
    var generation = 1

    init(token: String) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let first = try Self.writeGeneration(root, 1, token: token)
        #expect(symlink(first, root.appendingPathComponent("..data").path) == 0)
        #expect(symlink("..data/token", root.appendingPathComponent("token").path) == 0)
    }

    var tokenPath: String { root.appendingPathComponent("token").path }

    mutating func rotate(to token: String) throws {
        generation += 1
        let next = try Self.writeGeneration(root, generation, token: token)
        let temporary = root.appendingPathComponent("..data_tmp").path
        #expect(symlink(next, temporary) == 0)
        #expect(rename(temporary, root.appendingPathComponent("..data").path) == 0)
    }

    /// Writes `..2026_01_01_00_00_00.N/token` and returns the directory's name.
    static func writeGeneration(_ root: URL, _ generation: Int, token: String) throws -> String {
        let name = "..2026_01_01_00_00_00.\(generation)"
        let directory = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("\(token)\n".utf8).write(to: directory.appendingPathComponent("token"))
        return name
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

@Suite struct TokenFileTests {
    @Test func aKubeletSecretRotationIsReadThroughBothSymlinks() async throws {
        var volume = try SecretVolume(token: "ghp_first")
        defer { volume.remove() }
        let file = try TokenFile(path: volume.tokenPath)
        #expect(try await file.token(for: nil) == "ghp_first")
        // The `token` link itself is untouched by a rotation: only `..data` moves.
        let linkBefore = try FileManager.default.attributesOfItem(atPath: volume.root.appendingPathComponent("token").path)
        try volume.rotate(to: "ghp_second")
        let linkAfter = try FileManager.default.attributesOfItem(atPath: volume.root.appendingPathComponent("token").path)
        #expect(linkBefore[.systemFileNumber] as? Int == linkAfter[.systemFileNumber] as? Int)
        #expect(try await file.token(for: nil) == "ghp_second")
    }

    @Test func aRejectedTokenMakesTheFileBeReadAgainEvenWhenItsStampIsUnchanged() async throws {
        let volume = try SecretVolume(token: "ghp_aaaa")
        defer { volume.remove() }
        let file = try TokenFile(path: volume.tokenPath)
        let before = try await file.credential(for: nil)
        #expect(before == Credential(token: "ghp_aaaa", label: "token"))
        try Self.overwriteKeepingStamp(volume.root.appendingPathComponent("..data/token").path, with: "ghp_bbbb\n")
        #expect(try await file.token(for: nil) == "ghp_aaaa", "same inode, size and time: the cached token is kept")
        #expect(await file.rejected(before, for: nil))
        #expect(try await file.token(for: nil) == "ghp_bbbb")
        #expect(await file.rejected(Credential(token: "ghp_bbbb", label: "token"), for: nil) == false)
    }

    @Test func anExporterPollingThroughARotationKeepsWorkingWithoutARestart() async throws {
        let simulator = GitHubSimulator(scenario: smallScenario(seats: 2), tokens: ["ghp_old": GitHubSimulator.allScopes])
        try simulator.start()
        var volume = try SecretVolume(token: "ghp_old")
        defer { volume.remove() }
        let configuration = try Configuration.parse(
            ["--github.org=acme", "--github.api-url=\(simulator.baseURL)", "--github.token-file=\(volume.tokenPath)"] + onlySeatsFlags,
            environment: [:]
        )
        let app = ExporterApp(configuration: configuration, credentials: try TokenFile(path: volume.tokenPath), logger: .silent)
        let poller = app.makePoller()
        await poller.runOnce()
        #expect(await poller.store.failures().isEmpty)
        simulator.addToken("ghp_new", SimulatedToken(scopes: GitHubSimulator.allScopes))
        try volume.rotate(to: "ghp_new")
        simulator.revokeToken("ghp_old")
        simulator.clearLog()
        await poller.runOnce()
        #expect(await poller.store.failures().isEmpty)
        #expect(simulator.requests.allSatisfy { $0.authorization == "Bearer ghp_new" })
        #expect(!simulator.requests.isEmpty)
        await simulator.stop()
    }

    @Test func aTokenReplacedInPlaceIsRetriedOnceAfterTheFirst401() async throws {
        let simulator = GitHubSimulator(scenario: smallScenario(seats: 2), tokens: ["ghp_aaaa": GitHubSimulator.allScopes])
        try simulator.start()
        let volume = try SecretVolume(token: "ghp_aaaa")
        defer { volume.remove() }
        let client = GitHubClient(
            baseURL: simulator.baseURL,
            transport: StandardTransport.make(timeout: 5),
            credentials: try TokenFile(path: volume.tokenPath)
        )
        _ = try await client.get("/orgs/acme/copilot/billing")
        simulator.addToken("ghp_bbbb", SimulatedToken(scopes: GitHubSimulator.allScopes))
        simulator.revokeToken("ghp_aaaa")
        try Self.overwriteKeepingStamp(volume.root.appendingPathComponent("..data/token").path, with: "ghp_bbbb\n")
        simulator.clearLog()
        let response = try await client.get("/orgs/acme/copilot/billing")
        #expect(response.status == 200)
        #expect(simulator.requests.map(\.status) == [401, 304], "the retry revalidates the cached body")
        #expect(simulator.requests.map { $0.authorization ?? "" } == ["Bearer ghp_aaaa", "Bearer ghp_bbbb"])
        await simulator.stop()
    }

    /// Rewrites `path` in place (same inode) with text of the same size, and puts its
    /// modification time back, so nothing stat(2) reports changes.
    static func overwriteKeepingStamp(_ path: String, with text: String) throws {
        var before = stat()
        #expect(stat(path, &before) == 0)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
    }
}
