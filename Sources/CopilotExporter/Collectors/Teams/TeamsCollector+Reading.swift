import GitHubAPI
import Synchronization

extension TeamsCollector {
    /// How one day's join came out.
    enum DayOutcome {
        case joined(TeamDay)
        /// One of the two reports is not published for that day (its name and the status).
        case notPublished(report: String, status: Int)
    }

    /// One day's per-team values: the user-teams report joined with the users report of the
    /// same day. `usersLinks`, when given, are that day's users-report links already fetched.
    func teamDay(_ scope: Scope, day: Int, usersLinks: ReportLinks?, context: CollectionContext) async throws -> DayOutcome {
        let dayText = RFC3339.day(Double(day) * 86_400)
        let teamLinks: ReportLinks
        switch try await usage.links(scope, report: Self.report, day: day, context: context) {
        case .published(let found): teamLinks = found
        case .notPublished(let status): return .notPublished(report: Self.report, status: status)
        }
        var links = usersLinks
        if links == nil {
            switch try await usage.links(scope, report: usersReport(scope), day: day, context: context) {
            case .published(let found): links = found
            case .notPublished(let status): return .notPublished(report: usersReport(scope), status: status)
            }
        }
        let teams = try await memberships(teamLinks, day: dayText, scope: scope, context: context)
        let activity = try await activity(links!, day: dayText, members: teams.users, scope: scope, context: context)
        return .joined(TeamDay(teams: teams, activity: activity))
    }

    func usersReport(_ scope: Scope) -> String { UsageMetricsCollector.reports(scope).users }

    func endpoint(_ scope: Scope, _ report: String) -> String { "GET \(UsageMetricsCollector.reports(scope).base)/\(report)" }

    /// The teams of one day from every part of a user-teams report. Throws when the report
    /// holds more teams or memberships than `TeamMemberships` allows.
    func memberships(_ links: ReportLinks, day: String, scope: Scope, context: CollectionContext) async throws -> TeamMemberships {
        struct State {
            var teams: TeamMemberships
            var unusable = 0
            var overflow: String?
        }
        let expected = await context.reports.newestFinalUsers(scope)
        let state = Mutex(State(teams: TeamMemberships(day: day, reservingUsers: expected)))
        let add: @Sendable (UserTeamRecord) -> Void = { record in
            state.withLock { state in
                guard state.overflow == nil else { return }
                do throws(TeamMemberships.Refusal) {
                    try state.teams.add(record)
                } catch .overflow(let why) {
                    state.overflow = why
                } catch {
                    state.unusable += 1
                }
            }
        }
        let skipped = try await read(links, report: Self.report, scope: scope, parse: UserTeamRecord.read, context: context, add)
        let (teams, unusable, overflow) = state.withLock { ($0.teams, $0.unusable, $0.overflow) }
        if let overflow {
            throw GitHubAPIError.decoding(endpoint: endpoint(scope, Self.report), detail: overflow + ", more than the exporter keeps")
        }
        if skipped + unusable > 0 {
            context.notice("Skipped \(skipped + unusable) unreadable or unusable lines in a Copilot \(Self.report) report for \(scope).")
        }
        return teams
    }

    /// The activity of `members` on `day` from every part of a users report; other users'
    /// lines are not kept, so memory follows the team memberships, not the report's size.
    func activity(
        _ links: ReportLinks,
        day: String,
        members: Set<Int64>,
        scope: Scope,
        context: CollectionContext
    ) async throws -> [Int64: UserActivityRecord.Activity] {
        // Room for every member at once (most are in the report): no rehash per doubling.
        let found = Mutex([Int64: UserActivityRecord.Activity](minimumCapacity: min(members.count, UsersDay.maxReserved)))
        let report = usersReport(scope)
        _ = try await read(links, report: report, scope: scope, parse: UserActivityRecord.read, context: context) { record in
            guard let user = record.userID, members.contains(user), record.day == nil || record.day == day else { return }
            found.withLock { found in
                found[user] = found[user].map { $0.merged(with: record.activity) } ?? record.activity
            }
        }
        return found.withLock { $0 }
    }

    /// Downloads every part of a report (without the token) and hands each record to `record`;
    /// returns how many lines could not be read.
    func read<T: Sendable>(
        _ links: ReportLinks,
        report: String,
        scope: Scope,
        parse: @escaping @Sendable (UnsafeBufferPointer<UInt8>) throws -> T,
        context: CollectionContext,
        _ record: @escaping @Sendable (T) -> Void
    ) async throws -> Int {
        let reader = NDJSONReader(parse: parse)
        for link in links.downloadLinks {
            try await context.client.download(link, endpoint: endpoint(scope, report)) { reader.feed($0, record) }
            reader.finish(record)
        }
        return reader.skippedLines
    }
}
