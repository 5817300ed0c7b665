import CopilotExporter
import Foundation
import Testing

@testable import GitHubAPI
@testable import WebServer

/// Bodies are capped after decompression, so a small gzip answer cannot grow without bound.
@Suite struct ResponseLimitTests {
    /// `count` zero bytes, gzip-compressed (8 MiB compress to about 8 KB).
    static func gzipOfZeros(_ count: Int) throws -> [UInt8] { try Gzip.compress([UInt8](repeating: 0, count: count)) }

    static func gzipServer(_ body: [UInt8]) -> StubServer {
        StubServer { _ in
            HTTPResponse(status: 200, headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")], body: body)
        }
    }

    @Test(arguments: TransportKind.allCases)
    func aGzipBombOnAnAPIEndpointIsCutOffAtTheLimitAndNotRetried(kind: TransportKind) async throws {
        let bomb = try Self.gzipOfZeros(8 << 20)
        #expect(bomb.count < 64 * 1024)
        let api = Self.gzipServer(bomb)
        try api.start()
        let client = GitHubClient(
            baseURL: api.baseURL,
            transport: try kind.make(timeout: 5, limits: ResponseLimits(apiBody: 1 << 20)),
            credentials: StaticToken("t"),
            clock: ManualClock(now: 0)
        )
        await #expect(throws: GitHubAPIError.tooLarge(endpoint: "GET /orgs/acme/copilot/billing", limit: 1 << 20)) {
            try await client.get("/orgs/acme/copilot/billing")
        }
        #expect(api.requests.count == 1)
        #expect(
            GitHubAPIError.tooLarge(endpoint: "GET /x", limit: 64 << 20).description
                == "GitHub's answer to GET /x grew past 64 MiB once decompressed, more than the exporter accepts, so it was dropped; "
                + "the last good values stay; check that --github.api-url points at GitHub."
        )
        await api.stop()
    }

    @Test(arguments: TransportKind.allCases) func aCompressedAnswerUnderTheLimitIsDecodedWhole(kind: TransportKind) async throws {
        let api = Self.gzipServer(try Self.gzipOfZeros(512 << 10))
        try api.start()
        let transport = try kind.make(timeout: 5, limits: ResponseLimits(apiBody: 1 << 20))
        let response = try await transport.send(TransportRequest(url: api.baseURL + "/small"))
        #expect(response.status == 200)
        #expect(response.body.count == 512 << 10, "the limit counts decompressed bytes")
        await api.stop()
    }

    @Test(arguments: TransportKind.allCases)
    func aGzipBombAsAReportIsCutOffAtTheDownloadLimitAndLeavesNoFile(kind: TransportKind) async throws {
        let directory = try PrivateTemporaryDirectory()
        defer { directory.remove() }
        let storage = Self.gzipServer(try Self.gzipOfZeros(8 << 20))
        try storage.start()
        let client = GitHubClient(
            baseURL: "https://api.github.com",
            transport: try kind.make(
                timeout: 5,
                limits: ResponseLimits(download: 1 << 20),
                downloadDirectory: DownloadDirectory(path: directory.path)
            ),
            credentials: StaticToken("t"),
            clock: ManualClock(now: 0)
        )
        let received = ByteSink()
        await #expect(throws: GitHubAPIError.tooLarge(endpoint: "GET /report (report download)", limit: 1 << 20)) {
            try await client.download(storage.baseURL + "/part-1.ndjson?sig=x", endpoint: "GET /report") { received.append($0) }
        }
        // URLSession's transport parses a report only once it is whole; libcurl's reads it as it
        // arrives and stops at the limit (the collector then drops what it read).
        #expect(kind == .curl ? received.bytes.count <= 1 << 20 : received.bytes.isEmpty)
        if kind == .curl {
            #expect(!FileManager.default.fileExists(atPath: directory.path), "libcurl's transport writes no file")
        } else {
            #expect(try directory.entries() == [])
        }
        await storage.stop()
    }
}

/// A fresh directory under the temporary directory, for one test.
struct PrivateTemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("downloads-\(UUID().uuidString)").path
    }

    func entries() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
