import CCrypt
import Dispatch
import Foundation
import PrometheusExposition
import Synchronization
import Testing

@testable import CopilotExporter
@testable import GitHubAPI
@testable import WebServer

/// Authentication under attack: unknown users cost what known ones do, and password guessing
/// cannot crowd out scrapes whose credentials are remembered.
@Suite struct AccessControlTests {
    struct Echo: HTTPHandler {
        func handle(_ request: HTTPRequest) -> HTTPResponse { .text(200, "ok") }
    }

    static func basic(_ text: String) -> String { "Basic " + Array(text.utf8).base64() }

    /// A real bcrypt hash of `password` at `cost`, made by libxcrypt.
    static func hash(_ password: String, cost: Int) -> String {
        var out = [CChar](repeating: 0, count: 128)
        let setting = "$2b$\(cost)$abcdefghijklmnopqrstuu"
        _ = out.withUnsafeMutableBufferPointer { cc_crypt(password, setting, $0.baseAddress, $0.count) }
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func request(_ authorization: String?) -> HTTPRequest {
        HTTPRequest(
            method: "GET",
            target: "/metrics",
            headers: [("Host", "h")] + (authorization.map { [("Authorization", $0)] } ?? [])
        )
    }

    @Test func unknownUsersAreCheckedAtTheHighestConfiguredCost() {
        let strong = "$2y$12$" + String(repeating: "a", count: 53)
        let control = AccessControl(inner: Echo(), users: ["alice": WebConfigTests.hash, "bob": strong])
        #expect(control.dummyHash.hasPrefix("$2y$12$"))
        #expect(BCrypt.isValid(control.dummyHash))
        control.replaceUsers(["carol": WebConfigTests.hash])
        #expect(control.dummyHash.hasPrefix("$2y$05$"), "follows a reloaded user table")
        #expect(BCrypt.dummyHash(cost: 31).hasPrefix("$2y$31$"))
    }

    @Test(arguments: [
        ("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", true),
        ("$2b$31$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", true),
        ("$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", false),
        ("$2a$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", false),
        ("$2a$32$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", false),
        ("$2a$5a$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", false),
        ("$2a$05!CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", false),
        ("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe!", false),
        ("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe", false),
    ])
    func onlyUsableBcryptHashesAreValid(hash: String, valid: Bool) {
        #expect(BCrypt.isValid(hash) == valid)
    }

    @Test func aFullVerificationLimitAnswers429ButRememberedCredentialsPass() {
        let control = AccessControl(inner: Echo(), users: ["alice": WebConfigTests.hash], maxConcurrentVerifications: 1)
        #expect(control.handle(Self.request(Self.basic("alice:U*U"))).status == 200)
        #expect(control.verifications.tryAcquire(), "hold the only verification place")
        let busy = control.handle(Self.request(Self.basic("alice:wrong")))
        #expect(busy.status == 429)
        #expect(busy.header("retry-after") == "1")
        #expect(control.handle(Self.request(Self.basic("alice:U*U"))).status == 200, "remembered: no bcrypt needed")
        #expect(control.handle(Self.request(nil)).status == 401, "no credential needs no bcrypt")
        control.verifications.release()
        #expect(control.handle(Self.request(Self.basic("alice:wrong"))).status == 401)
    }

    @Test func aReloadForgetsRememberedCredentials() {
        let control = AccessControl(inner: Echo(), users: ["alice": WebConfigTests.hash])
        #expect(control.handle(Self.request(Self.basic("alice:U*U"))).status == 200)
        control.replaceUsers(["bob": WebConfigTests.hash])
        #expect(control.handle(Self.request(Self.basic("alice:U*U"))).status == 401)
    }

    @Test func passwordGuessingDoesNotStarveScrapesWithRememberedCredentials() async throws {
        let users = ["alice": Self.hash("right", cost: 10)]
        let router = ExporterRouter(
            telemetryPath: "/metrics",
            publisher: SnapshotPublisher(
                RenderedSnapshot.render([MetricFamily(name: "up_test", help: "h", samples: [Sample(value: 1)])], ready: true)
            ),
            version: "t"
        )
        let server = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, maxInFlight: 2),
            handler: AccessControl(inner: router, users: users)
        )
        let port = try server.start()
        @Sendable func get(_ credential: String) -> String {
            guard let client = try? RawClient(port: port) else { return "" }
            client.send("GET /metrics HTTP/1.1\r\nHost: h\r\nAuthorization: \(Self.basic(credential))\r\nConnection: close\r\n\r\n")
            return String(client.readAll().prefix(12))
        }
        #expect(get("alice:right") == "HTTP/1.1 200", "the credential is now remembered")
        let stop = Atomic(false)
        let guessers = DispatchGroup()
        for index in 0..<8 {
            DispatchQueue.global().async(group: guessers) {
                while !stop.load(ordering: .relaxed) { _ = get("alice:guess\(index)") }
            }
        }
        var statuses: [String] = []
        for _ in 0..<20 { statuses.append(get("alice:right")) }
        stop.store(true, ordering: .relaxed)
        await withCheckedContinuation { continuation in guessers.notify(queue: .global()) { continuation.resume() } }
        #expect(statuses.allSatisfy { $0 == "HTTP/1.1 200" }, "\(statuses)")
        #expect(get("alice:wrong") == "HTTP/1.1 401")
        await server.shutdown(grace: 1)
    }

    @Test func aRememberedCredentialStaysWhileItIsUsedAndLapsesAfterFiveIdleMinutes() {
        let cache = VerifiedCache()
        let key = cache.key(user: "alice", password: "right")
        cache.insert(key, now: 0)
        #expect(cache.contains(key, now: 250))
        #expect(cache.contains(key, now: 500), "renewed at 250")
        #expect(cache.contains(key, now: 790), "renewed at 500")
        #expect(!cache.contains(key, now: 1_100))
        #expect(!cache.contains(cache.key(user: "alice", password: "wrong"), now: 1))
    }
}
