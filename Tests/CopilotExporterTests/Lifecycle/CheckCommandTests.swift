import Foundation
import GitHubSimulator
import Synchronization
import Testing

@testable import CopilotExporter
@testable import GitHubAPI

/// `check` against the simulator, once per failure mode: a non-zero exit, and a line that names
/// the cause and the fix.
@Suite struct CheckCommandTests {
    struct Outcome {
        var lines: [CheckCommand.Line]
        var report: [String]
        var status: Int32
        var failures: [String] { lines.filter { $0.verdict == .fail }.map(\.text) }
    }

    static let seatsOnly = [
        "--no-collector.billing", "--no-collector.premium_requests", "--no-collector.ai_credits", "--no-collector.usage_metrics",
        "--no-collector.teams", "--no-collector.ai_usage_report",
    ]
    static let usageOnly = [
        "--no-collector.seats", "--no-collector.billing", "--no-collector.premium_requests", "--no-collector.ai_credits",
        "--no-collector.teams", "--no-collector.ai_usage_report",
    ]

    func check(
        _ arguments: [String],
        token: String = GitHubSimulator.demoToken,
        setup: (GitHubSimulator) -> Void = { _ in }
    ) async throws -> Outcome {
        var scenario = smallScenario(seats: 150)
        scenario.reports = SimulatedReports(source: .procedural(seed: 1))
        let simulator = GitHubSimulator(scenario: scenario, tokenLifetime: 10 * 86_400)
        setup(simulator)
        try simulator.start()
        return try await withStopping(simulator) {
            let configuration = try Configuration.parse(
                ["check", "--github.api-url=\(simulator.baseURL)"] + arguments,
                environment: ["GITHUB_TOKEN": token]
            )
            let (lines, report, status) = await CheckCommand(
                configuration: configuration,
                credentials: StaticToken(token),
                transport: StandardTransport.make(timeout: 5)
            ).run()
            return Outcome(lines: lines, report: report, status: status)
        }
    }

    @Test func everythingWorksWithTheRightToken() async throws {
        let outcome = try await check(["--github.org=acme", "--github.enterprise=ent"])
        #expect(outcome.status == 0, "\(outcome.failures)")
        #expect(outcome.lines.count == 18)
        // The enterprise's usage report names its organizations for the per-organization cost.
        #expect(outcome.lines.contains { $0.text.contains("GET /enterprises/ent/settings/billing/usage ") })
        #expect(outcome.report[0].contains("(in 9 days); renew it soon"))
        #expect(outcome.report[1].hasPrefix("Budget: at the current seat counts the configured intervals will spend about "))
        #expect(outcome.report.last?.hasPrefix("Result: everything the configuration needs works") == true)
    }

    @Test func aBadOrRevokedToken() async throws {
        let outcome = try await check(["--github.org=acme"], token: "ghp_revoked")
        #expect(outcome.status != 0)
        #expect(outcome.failures.count == 8)
        #expect(
            outcome.failures.allSatisfy {
                $0.contains("  401  ") && $0.contains("wrong, expired or revoked") && $0.contains("create a new one")
            }
        )
    }

    @Test func samlSSONotAuthorized() async throws {
        let outcome = try await check(["--github.org=acme"] + Self.seatsOnly) { $0.inject(FaultRule(.samlSSO)) }
        #expect(outcome.status != 0)
        #expect(
            outcome.failures.first?.contains("authorize the token by visiting https://github.com/orgs/acme/sso?authorization_request=")
                == true
        )
    }

    @Test func aMissingScopeNamesWhatToAdd() async throws {
        let outcome = try await check(["--github.enterprise=ent"] + Self.seatsOnly, token: "ghp_repo") {
            $0.addToken("ghp_repo", SimulatedToken(kind: .classic, scopes: ["repo", "gist"]))
        }
        #expect(outcome.status != 0)
        #expect(
            outcome.failures.first?.contains(
                "(it has: repo, gist); add one of these scopes to the token: manage_billing:copilot, read:enterprise"
            )
                == true
        )
    }

    @Test func aUserWhoIsNotAnOwnerOrBillingManager() async throws {
        let outcome = try await check(["--github.org=acme"], token: "ghp_member") {
            $0.addToken("ghp_member", SimulatedToken(kind: .classic, scopes: GitHubSimulator.allScopes, owner: false))
        }
        #expect(outcome.status != 0)
        #expect(outcome.failures.first?.contains("is not an owner or billing manager of org acme; use a token of one") == true)
    }

    @Test func aWrongSlugOrNoCopilot() async throws {
        let outcome = try await check(["--github.org=acme-typo"] + Self.seatsOnly)
        #expect(outcome.status != 0)
        #expect(outcome.failures.first?.contains("  404  ") == true)
        #expect(
            outcome.failures.first?.contains(
                "the organization or enterprise slug is wrong, it has no Copilot Business/Enterprise subscription"
            ) == true
        )
    }

    @Test func theUsageMetricsPolicyDisabled() async throws {
        let outcome = try await check(["--github.org=acme"] + Self.usageOnly) { $0.update { $0.reports.disabled = ["org/acme"] } }
        #expect(outcome.status != 0)
        #expect(outcome.failures.first?.contains("Copilot usage metrics policy is probably disabled") == true)
        #expect(outcome.failures.first?.contains("enable the policy") == true)
    }

    @Test func aFineGrainedTokenWhereGitHubWantsAClassicToken() async throws {
        let outcome = try await check(["--github.enterprise=ent"] + Self.seatsOnly, token: "github_pat_fine") {
            $0.addToken("github_pat_fine", SimulatedToken(kind: .fineGrained))
        }
        #expect(outcome.status != 0)
        #expect(
            outcome.failures.first?.contains("fine-grained tokens cannot read this endpoint; use a classic personal access token") == true
        )
    }

    @Test func anAppTokenWhereGitHubWantsAClassicToken() async throws {
        let outcome = try await check(["--github.enterprise=ent"] + Self.seatsOnly, token: "ghs_app") {
            $0.addToken("ghs_app", SimulatedToken(kind: .app, organization: "acme"))
        }
        #expect(outcome.status != 0)
        #expect(outcome.failures.first?.contains("GitHub App tokens cannot read this endpoint") == true)
    }

    @Test func perUserFilteringRefusedForAnOrganizationOwnedByAnEnterprise() {
        let error = GitHubAPIError.rejected(
            endpoint: "GET /organizations/acme/settings/billing/premium_request/usage",
            status: 422,
            message: "Filtering by user is not supported for organizations owned by an enterprise."
        )
        let sentence = CheckCommand.diagnose(error, scope: .organization("acme"))
        #expect(sentence.contains("read per-user usage at the enterprise (--github.enterprise) instead"))
        let policy = GitHubAPIError.rejected(
            endpoint: "GET /orgs/acme/copilot/metrics",
            status: 422,
            message: "Copilot Usage Metrics API setting is disabled"
        )
        #expect(CheckCommand.diagnose(policy, scope: .organization("acme")).contains("enable it"))
    }
}

@Suite struct CheckEnterpriseServerTests {
    @Test(arguments: [
        ("https://ghes.example.com/api/v3", true), ("https://ghes.example.com/api/v3/", true), ("https://api.github.com", false),
        ("https://api.acme.ghe.com", false),
    ])
    func recognisesAnEnterpriseServerURL(url: String, isServer: Bool) {
        #expect(CheckCommand.isEnterpriseServer(url) == isServer)
    }

    @Test func checkSaysWhatGHESLacksInsteadOfARowOf404s() async throws {
        let requests = RequestLog()
        let transport = StubTransport { request in
            requests.append(request.url)
            return TransportResponse(status: 404, body: Array(#"{"message":"Not Found"}"#.utf8))
        }
        let configuration = try Configuration.parse(
            ["check", "--github.api-url=https://ghes.example.com/api/v3", "--github.org=acme", "--github.enterprise=ent"],
            environment: ["GITHUB_TOKEN": "t"]
        )
        let (lines, report, status) = await CheckCommand(
            configuration: configuration,
            credentials: StaticToken("t"),
            transport: transport,
            clock: ManualClock(now: 0)
        )
        .run()
        #expect(status == 1)
        #expect(requests.urls.isEmpty, "GHES is recognised by its URL, not by calling endpoints it lacks")
        #expect(lines.count == 2 * CollectorRegistry.all.count)
        #expect(lines.allSatisfy { $0.verdict == .fail && $0.message.contains("GHES has no such endpoint") })
        #expect(report.first?.contains("has no Copilot seat, usage-metrics or billing-usage endpoints") == true)
        #expect(report.first?.contains("https://api.github.com") == true)
    }
}

/// URLs a stub transport was asked for.
final class RequestLog: Sendable {
    private let entries = Mutex<[String]>([])
    func append(_ url: String) { entries.withLock { $0.append(url) } }
    var urls: [String] { entries.withLock { $0 } }
}
