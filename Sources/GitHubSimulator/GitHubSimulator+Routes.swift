import Foundation
import Synchronization
import WebServer

extension GitHubSimulator {
    /// Authentication, faults, rate limit, routing, ETag: in GitHub's order.
    func route(_ request: HTTPRequest) -> HTTPResponse {
        let path = request.path
        if let response = appRoute(request, path: path) { return response }
        guard
            request.method == "GET" || request.method == "HEAD" || (request.method == "POST" && path.hasSuffix("/settings/billing/reports"))
        else {
            return error(404, "Not Found")
        }
        if path.hasPrefix("/export-downloads/") { return exportDownload(request) }
        if path.hasPrefix("/downloads/") {
            let scenario = state.withLock { $0.scenario }
            return path.contains("/user-teams-1-day/")
                ? userTeamsDownload(request, scenario: scenario) : download(request, scenario: scenario)
        }
        guard let token = bearerToken(request), let credential = state.withLock({ $0.tokens[token] }),
            (credential.expires ?? .infinity) > clock.now()
        else {
            return error(401, "Bad credentials")
        }
        let scopes = credential.scopes
        let scopeHeader = ("X-OAuth-Scopes", credential.kind == .classic ? scopes.joined(separator: ", ") : "")
        if let refusal = refuse(credential, path: path) { return refusal }
        if let delay = takeDelay(path: request.target, method: request.method) { Thread.sleep(forTimeInterval: delay) }
        if let fault = takeFault(path: request.target, method: request.method) {
            return respond(to: fault, path: path, scopes: scopeHeader, budget: credential.budget)
        }

        let now = clock.now()
        let owner = credential.budget
        let budget = state.withLock { state -> Budget in
            var budget = state.budgets[owner] ?? Budget(remaining: rateLimit, resetAt: (now + 3600).rounded(.down))
            if now >= budget.resetAt { budget = Budget(remaining: rateLimit, resetAt: (now + 3600).rounded(.down)) }
            state.budgets[owner] = budget
            return budget
        }
        if budget.remaining <= 0 {
            return rateLimitResponse(remaining: 0, reset: budget.resetAt, scopes: scopeHeader)
        }
        var response =
            exportRoute(request, path: path, scopes: scopes, kind: credential.kind)
            ?? resource(path: path, query: request, scopes: scopes, kind: credential.kind)
        response.headers.append((name: scopeHeader.0, value: scopeHeader.1))
        if let expires = credential.expires {
            let expiry = SimulatedCalendar.timestamp(expires).replacingOccurrences(of: "T", with: " ").dropLast() + " UTC"
            response.headers.append((name: "github-authentication-token-expiration", value: String(expiry)))
        } else if let tokenLifetime {
            let expiry = SimulatedCalendar.timestamp(started + tokenLifetime).replacingOccurrences(of: "T", with: " ").dropLast() + " UTC"
            response.headers.append((name: "github-authentication-token-expiration", value: String(expiry)))
        }
        guard response.status == 200 else {
            return withRateLimit(response, spend: true, now: now, budget: owner)
        }
        let etag = "W/\"\(String(FNV1a.hash(response.body), radix: 16))\""
        response.headers.append((name: "ETag", value: etag))
        if let match = request.header("if-none-match"),
            match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag })
        {
            let dropLink = state.withLock { $0.linklessNotModified }
            let notModified = HTTPResponse(
                status: 304,
                headers: response.headers.filter { $0.name != "Content-Type" && !(dropLink && $0.name.lowercased() == "link") }
                    .map { ($0.name, $0.value) }
            )
            return withRateLimit(notModified, spend: false, now: now, budget: owner)
        }
        return withRateLimit(response, spend: true, now: now, budget: owner)
    }

    /// What GitHub refuses a credential by its kind and role, before scopes are looked at.
    func refuse(_ credential: SimulatedToken, path: String) -> HTTPResponse? {
        let parts = path.split(separator: "/").map(String.init)
        let enterprise = parts.first == "enterprises"
        switch credential.kind {
        case .app where enterprise:
            // An enterprise installation reads its enterprise's usage-metrics reports, nothing else.
            let reports = parts.count > 3 && parts[2] == "copilot" && parts[3] == "metrics"
            guard reports, let slug = credential.enterprise, parts[1].lowercased() == slug.lowercased() else {
                return error(403, "Resource not accessible by integration")
            }
        case .app:
            if parts.count > 1, credential.organization?.lowercased() != parts[1].lowercased() {
                return error(403, "Resource not accessible by integration")
            }
        case .fineGrained where enterprise:
            return error(403, "Resource not accessible by personal access token")
        default:
            break
        }
        if !credential.owner, parts.count > 2, parts.contains("copilot") || parts.contains("settings") {
            return error(403, "You must be an organization owner or billing manager to view this.")
        }
        return nil
    }

    func bearerToken(_ request: HTTPRequest) -> String? {
        guard let authorization = request.header("authorization") else { return nil }
        for prefix in ["Bearer ", "bearer ", "token "] where authorization.hasPrefix(prefix) {
            return String(authorization.dropFirst(prefix.count))
        }
        return nil
    }

    /// The API resources the simulator knows.
    func resource(
        path: String,
        query request: HTTPRequest,
        scopes classicScopes: [String],
        kind: SimulatedToken.Kind = .classic
    ) -> HTTPResponse {
        // Fine-grained and App tokens carry permissions, not scopes: the kind checks already ran.
        let scopes = kind == .classic ? classicScopes : GitHubSimulator.allScopes
        let parts = path.split(separator: "/").map(String.init)
        let scenario = state.withLock { $0.scenario }
        let base = baseURL
        let now = clock.now()
        switch parts.count {
        case 4 where parts[0] == "orgs" && parts[2] == "copilot" && parts[3] == "billing":
            guard let org = scenario.organization(parts[1]) else { return error(404, "Not Found") }
            guard Set(scopes).intersection(["manage_billing:copilot", "read:org", "write:org", "admin:org"]).count > 0 else {
                return scopeError(accepted: "manage_billing:copilot, read:org")
            }
            let breakdown = org.breakdown(now: now)
            let keys = [
                "total", "added_this_cycle", "pending_invitation", "pending_cancellation", "active_this_cycle", "inactive_this_cycle",
            ]
            let body = JSONText.object([
                ("seat_breakdown", JSONText.object(keys.map { ($0, String(breakdown[$0] ?? 0)) })),
                ("seat_management_setting", "\"assign_selected\""), ("ide_chat", "\"enabled\""),
                ("platform_chat", "\"enabled\""), ("cli", "\"enabled\""), ("public_code_suggestions", "\"block\""),
                ("plan_type", "\"business\""),
            ])
            return json(body)
        case 5 where parts[0] == "orgs" && parts[2] == "copilot" && parts[3] == "billing" && parts[4] == "seats":
            guard let org = scenario.organization(parts[1]) else { return error(404, "Not Found") }
            guard Set(scopes).intersection(["manage_billing:copilot", "read:org", "write:org", "admin:org"]).count > 0 else {
                return scopeError(accepted: "manage_billing:copilot, read:org")
            }
            let ids = Dictionary(uniqueKeysWithValues: scenario.organizations.map { ($0.login, $0.id) })
            return seatPage(org.seats, total: org.seats.count, request: request, ids: ids, base: base)
        case 5 where parts[0] == "enterprises" && parts[2] == "copilot" && parts[3] == "billing" && parts[4] == "seats":
            guard scenario.enterprise(parts[1]) != nil else { return error(404, "Not Found") }
            guard Set(scopes).intersection(["manage_billing:copilot", "read:enterprise", "admin:enterprise"]).count > 0 else {
                return scopeError(accepted: "manage_billing:copilot, read:enterprise")
            }
            let (rows, users) = enterpriseListing(parts[1])
            let ids = Dictionary(uniqueKeysWithValues: scenario.organizations.map { ($0.login, $0.id) })
            return seatPage(rows, total: users, request: request, ids: ids, base: base)
        case 5... where (parts[0] == "organizations" || parts[0] == "enterprises") && parts[2] == "settings" && parts[3] == "billing":
            let accepted: Set<String> =
                parts[0] == "organizations"
                ? ["admin:org", "read:org", "manage_billing:copilot"]
                : ["manage_billing:enterprise", "admin:enterprise", "read:enterprise"]
            guard !Set(scopes).isDisjoint(with: accepted) else {
                return scopeError(accepted: accepted.sorted().joined(separator: ", "))
            }
            return billing(
                kind: parts[0],
                slug: parts[1],
                endpoint: parts[4...].joined(separator: "/"),
                request: request,
                scenario: scenario
            )
        case 6...7
        where (parts[0] == "orgs" || parts[0] == "enterprises") && parts[2] == "copilot" && parts[3] == "metrics" && parts[4] == "reports"
            && (parts.count == 6 || parts[6] == "latest"):
            let accepted: Set<String> =
                parts[0] == "orgs"
                ? ["read:org", "admin:org", "manage_billing:copilot"] : ["manage_billing:copilot", "read:enterprise", "admin:enterprise"]
            guard !Set(scopes).isDisjoint(with: accepted) else { return scopeError(accepted: accepted.sorted().joined(separator: ", ")) }
            if parts[5] == "user-teams-1-day" {
                return userTeamsLinks(kind: parts[0], slug: parts[1], request: request, scenario: scenario)
            }
            return reportLinks(
                kind: parts[0],
                slug: parts[1],
                report: parts[5...].joined(separator: "/"),
                request: request,
                scenario: scenario
            )
        case 1 where parts[0] == "rate_limit":
            let (remaining, reset) = state.withLock { state -> (Int, Double) in
                let budget = state.budgets[SimulatedToken.userBudget]
                return (budget?.remaining ?? rateLimit, budget?.resetAt ?? now + 3600)
            }
            let core = "{\"limit\":\(rateLimit),\"used\":\(rateLimit - remaining),\"remaining\":\(remaining),\"reset\":\(Int(reset))}"
            return json("{\"resources\":{\"core\":\(core)},\"rate\":\(core)}")
        default:
            return error(404, "Not Found")
        }
    }

    /// One page of seats, with GitHub's `Link` header.
    func seatPage(_ rows: [SimulatedSeat], total: Int, request: HTTPRequest, ids: [String: Int], base: String) -> HTTPResponse {
        let perPage = min(maxPerPage, max(1, Int(request.queryValue("per_page") ?? "") ?? min(50, maxPerPage)))
        let page = max(1, Int(request.queryValue("page") ?? "") ?? 1)
        let lastPage = max(1, (rows.count + perPage - 1) / perPage)
        let start = min(rows.count, (page - 1) * perPage)
        let slice = rows[start..<min(rows.count, start + perPage)]
        var body = "{\"total_seats\":\(total),\"seats\":["
        body.reserveCapacity(slice.count * 2_000 + 64)
        for (index, seat) in slice.enumerated() {
            if index > 0 { body += "," }
            seat.appendJSON(to: &body, baseURL: base, organizationID: ids[seat.organization] ?? 0)
        }
        body += "]}"
        var response = json(body)
        var links: [String] = []
        let url = { (n: Int) in "<\(base)\(request.path)?per_page=\(perPage)&page=\(n)>" }
        if page < lastPage { links += ["\(url(page + 1)); rel=\"next\"", "\(url(lastPage)); rel=\"last\""] }
        if page > 1 { links += ["\(url(1)); rel=\"first\"", "\(url(page - 1)); rel=\"prev\""] }
        if !links.isEmpty { response.headers.append((name: "Link", value: links.joined(separator: ", "))) }
        return response
    }

    /// The first rule with uses left that matches `target` and `accepts` its fault; uses it once.
    func takeRule(target: String, method: String, accepts: (SimulatorFault) -> Bool) -> SimulatorFault? {
        state.withLock { state in
            for index in state.faults.indices {
                let rule = state.faults[index]
                guard accepts(rule.fault), rule.remaining.map({ $0 > 0 }) ?? true,
                    rule.pathContains.map({ target.contains($0) }) ?? true,
                    rule.method.map({ $0 == method }) ?? true,
                    rule.probability.map({ Double.random(in: 0..<1) < $0 }) ?? true
                else { continue }
                if let left = rule.remaining { state.faults[index].remaining = left - 1 }
                return rule.fault
            }
            return nil
        }
    }

    func takeFault(path: String, method: String) -> SimulatorFault? {
        takeRule(target: path, method: method) { if case .delay = $0 { false } else { true } }
    }

    func takeDelay(path: String, method: String) -> Double? {
        guard case .delay(let seconds) = takeRule(target: path, method: method, accepts: { if case .delay = $0 { true } else { false } })
        else {
            return nil
        }
        return seconds
    }

    func respond(to fault: SimulatorFault, path: String, scopes: (String, String), budget: String) -> HTTPResponse {
        let now = clock.now()
        switch fault {
        case .status(let status):
            let message = status >= 500 ? "Server Error" : HTTPResponse.reason(status)
            return withRateLimit(error(status, message), spend: true, now: now, budget: budget)
        case .delay:
            return error(500, "delay is not a response")
        case .truncatedBody:
            var response = withRateLimit(
                json("{\"total_seats\": 3, \"seats\": [{\"created_at\": \"2024-"),
                spend: true,
                now: now,
                budget: budget
            )
            response.declaredLength = response.body.count + 4_096
            return response
        case .malformedJSON:
            return withRateLimit(json("{\"seat_breakdown\": {\"total\": \"many\"}, <html>"), spend: true, now: now, budget: budget)
        case .primaryRateLimit(let resetIn):
            state.withLock { $0.budgets[budget] = Budget(remaining: 0, resetAt: (now + resetIn).rounded(.down)) }
            return rateLimitResponse(remaining: 0, reset: (now + resetIn).rounded(.down), scopes: scopes)
        case .secondaryRateLimit(let retryAfter):
            var response = error(403, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.")
            response.headers.append((name: "Retry-After", value: String(Int(retryAfter))))
            return withRateLimit(response, spend: true, now: now, budget: budget)
        case .samlSSO:
            let org = path.split(separator: "/").dropFirst().first.map(String.init) ?? "org"
            var response = error(
                403,
                "Resource protected by organization SAML enforcement. You must grant your personal token access to this organization."
            )
            response.headers.append(
                (name: "X-GitHub-SSO", value: "required; url=https://github.com/orgs/\(org)/sso?authorization_request=SIMULATED")
            )
            return withRateLimit(response, spend: true, now: now, budget: budget)
        case .missingScope:
            var response = scopeError(accepted: "manage_billing:copilot, read:org")
            response.headers.append((name: "X-OAuth-Scopes", value: "repo"))
            return withRateLimit(response, spend: true, now: now, budget: budget)
        }
    }

    func rateLimitResponse(remaining: Int, reset: Double, scopes: (String, String)) -> HTTPResponse {
        var response = error(403, "API rate limit exceeded for user ID 1.")
        response.headers += [
            (name: "x-ratelimit-limit", value: String(rateLimit)), (name: "x-ratelimit-remaining", value: "0"),
            (name: "x-ratelimit-used", value: String(rateLimit)), (name: "x-ratelimit-reset", value: String(Int(reset))),
            (name: "x-ratelimit-resource", value: "core"), (name: scopes.0, value: scopes.1),
        ]
        return response
    }

    func withRateLimit(_ response: HTTPResponse, spend: Bool, now: Double, budget owner: String) -> HTTPResponse {
        var response = response
        let (remaining, reset) = state.withLock { state -> (Int, Double) in
            var budget = state.budgets[owner] ?? Budget(remaining: rateLimit, resetAt: (now + 3600).rounded(.down))
            if spend { budget.remaining = max(0, budget.remaining - 1) }
            state.budgets[owner] = budget
            return (budget.remaining, budget.resetAt)
        }
        response.headers += [
            (name: "x-ratelimit-limit", value: String(rateLimit)), (name: "x-ratelimit-remaining", value: String(remaining)),
            (name: "x-ratelimit-used", value: String(rateLimit - remaining)),
            (name: "x-ratelimit-reset", value: String(Int(reset))), (name: "x-ratelimit-resource", value: "core"),
        ]
        return response
    }

    func json(_ body: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "application/json; charset=utf-8")], body: Array(body.utf8))
    }

    func error(_ status: Int, _ message: String) -> HTTPResponse {
        let body = JSONText.object([
            ("message", JSONText.quote(message)),
            ("documentation_url", "\"https://docs.github.com/rest\""), ("status", JSONText.quote(String(status))),
        ])
        return HTTPResponse(status: status, headers: [("Content-Type", "application/json; charset=utf-8")], body: Array(body.utf8))
    }

    func scopeError(accepted: String) -> HTTPResponse {
        var response = error(403, "Resource not accessible by personal access token")
        response.headers.append((name: "X-Accepted-OAuth-Scopes", value: accepted))
        return response
    }
}
