import CopilotExporter
import Foundation
import GitHubSimulator
import Glibc
import Testing

@testable import GitHubAPI
@testable import WebServer

/// Report downloads land only in a private directory, in a file nobody else can open and that
/// is gone before its first byte is read.
@Suite struct DownloadDirectoryTests {
    /// Paths of this process's open descriptors that lie in `directory`, as `/proc` shows them.
    static func openFiles(in directory: String) -> [(path: String, mode: mode_t)] {
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return descriptors.compactMap { fd in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"),
                target.hasPrefix(directory + "/")
            else { return nil }
            var info = stat()
            guard stat("/proc/self/fd/\(fd)", &info) == 0 else { return nil }
            return (target, info.st_mode & 0o777)
        }
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o777 : 0
    }

    @Test func aReportIsReadFromAnUnlinkedPrivateFileAndNothingIsLeft() async throws {
        let directory = try PrivateTemporaryDirectory()
        defer { directory.remove() }
        let simulator = GitHubSimulator(scenario: UsageMetricsEndToEndTests.scenario())
        try simulator.start()
        let client = GitHubClient(
            baseURL: simulator.baseURL,
            transport: URLSessionTransport(timeout: 5, downloadDirectory: DownloadDirectory(path: directory.path)),
            credentials: StaticToken(GitHubSimulator.demoToken),
            clock: ManualClock(now: 0)
        )
        let body = ByteSink()
        let seen = ByteSink()
        let url = simulator.baseURL + "/downloads/orgs/north/users-1-day/2026-11-19/part-1.ndjson?sv=1&sig=SIMULATED"
        try await client.download(url, endpoint: "GET /report") { chunk in
            let files = Self.openFiles(in: directory.path)
            let listed = (try? directory.entries()) ?? ["unlistable"]
            let unlinked = files.count == 1 && files[0].path.hasSuffix(" (deleted)") && files[0].mode == 0o600
            seen.append([unlinked && listed.isEmpty ? 1 : 0])
            body.append(chunk)
        }
        #expect(String(decoding: body.bytes, as: UTF8.self).contains("\"user_login\":\"alice\""))
        #expect(!seen.bytes.isEmpty && seen.bytes.allSatisfy { $0 == 1 }, "read from one unlinked 0600 file in the directory")
        #expect(try directory.entries() == [])
        #expect(Self.openFiles(in: directory.path).isEmpty, "the descriptor is closed")
        #expect(Self.mode(directory.path) == 0o700)
        await simulator.stop()
    }

    @Test func aCancelledDownloadLeavesNothingOpenOrOnDisk() async throws {
        let directory = try PrivateTemporaryDirectory()
        defer { directory.remove() }
        let storage = StubServer { _ in
            usleep(500_000)
            return HTTPResponse(status: 200, body: Array(repeating: 0x0A, count: 1 << 20))
        }
        try storage.start()
        let transport = URLSessionTransport(timeout: 5, downloadDirectory: DownloadDirectory(path: directory.path))
        let download = Task {
            try await transport.stream(TransportRequest(url: storage.baseURL + "/report")) { _ in }
        }
        download.cancel()
        let outcome = await download.result
        #expect(throws: TransportError.self) { try outcome.get() }
        #expect(try directory.entries() == [])
        #expect(Self.openFiles(in: directory.path).isEmpty)
        await storage.stop()
    }

    @Test func preparingSweepsWhatAnEarlierRunLeftAndMakesTheDirectoryPrivate() throws {
        let directory = try PrivateTemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.path + "/nested", withIntermediateDirectories: true)
        for stale in ["CFNetworkDownload_abc.tmp", "download-1", "nested/part"] {
            #expect(FileManager.default.createFile(atPath: directory.path + "/" + stale, contents: Data("report".utf8)))
        }
        chmod(directory.path, 0o755)
        let removed = try DownloadDirectory(path: directory.path).prepare()
        #expect(removed == 3)
        #expect(try directory.entries() == [])
        #expect(Self.mode(directory.path) == 0o700)
    }

    @Test func aSymbolicLinkInPlaceOfTheDirectoryIsRefused() throws {
        let target = try PrivateTemporaryDirectory()
        defer { target.remove() }
        try FileManager.default.createDirectory(atPath: target.path, withIntermediateDirectories: true)
        let link = target.path + "-link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target.path)
        defer { unlink(link) }
        #expect(throws: DownloadDirectory.Failure.self) { try DownloadDirectory(path: link).prepare() }
    }
}
