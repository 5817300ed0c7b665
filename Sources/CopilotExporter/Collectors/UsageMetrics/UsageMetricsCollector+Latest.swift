import GitHubAPI
import Synchronization

/// The answer of a `.../reports/...-28-day/latest` endpoint: links to NDJSON files covering
/// `report_start_day` to `report_end_day`.
public struct LatestReportLinks: Decodable, Sendable, Equatable {
    public var downloadLinks: [String]
    public var reportStartDay: String?
    public var reportEndDay: String?

    enum CodingKeys: String, CodingKey {
        case downloadLinks = "download_links"
        case reportStartDay = "report_start_day"
        case reportEndDay = "report_end_day"
    }
}

extension UsageMetricsCollector {
    /// Fills final days of the month from `users-28-day/latest`, one download for the days it
    /// covers instead of one per day, when at least two of `days` (days since the epoch) are
    /// covered. Returns the days folded into the cache (none when the 28-day report fails or
    /// does not cover them: those days are then read one by one), and the newest day's
    /// per-user values when it was among them.
    func fillFromLatest(
        _ scope: Scope,
        month: String,
        days: [Int],
        newestDay: Int,
        context: CollectionContext
    ) async throws -> (days: Set<String>, newest: NewestUsers?) {
        guard days.count >= 2 else { return ([], nil) }
        let path = Self.reports(scope).base + "/users-28-day/latest"
        do {
            let response = try await context.client.get(path)
            guard response.status == 200, !response.body.isEmpty else { return ([], nil) }
            let latest = try GitHubClient.decode(LatestReportLinks.self, from: response.body, endpoint: "GET " + path)
            // Days as `YYYY-MM-DD` compare as text.
            func valid(_ day: String?) -> String? {
                day.flatMap { $0.utf8.count == 10 && RFC3339.parse($0 + "T00:00:00Z") != nil ? $0 : nil }
            }
            guard let start = valid(latest.reportStartDay), let end = valid(latest.reportEndDay) else { return ([], nil) }
            let covered = Set(days.map { RFC3339.day(Double($0) * 86_400) }.filter { $0 >= start && $0 <= end })
            guard covered.count >= 2 else { return ([], nil) }
            let newestText = RFC3339.day(Double(newestDay) * 86_400)
            let (sums, newest) = try await read(latest.downloadLinks, days: covered, newestDay: newestText, scope: scope, context: context)
            let newestEntry = covered.contains(newestText) ? (newestText, NewestUsers(newest)) : nil
            await context.reports.fold(scope, month: month, days: covered, sums: sums, newest: newestEntry)
            return (covered, newestEntry?.1)
        } catch let error as CancellationError {
            throw error
        } catch {
            context.notice(
                "The Copilot users-28-day report could not be used for \(scope) (\(error)); reading the month's reports one day at a time."
            )
            return ([], nil)
        }
    }

    /// Streams a 28-day users report into month sums over `days`, and the per-user values of
    /// `newestDay`; records of other days are passed over.
    private func read(
        _ links: [String],
        days: Set<String>,
        newestDay: String,
        scope: Scope,
        context: CollectionContext
    ) async throws -> (MonthToDate, UsersDay) {
        let reader = NDJSONReader(parse: UserDayRecord.read)
        // Room for the users of the newest final day kept (none on a first poll).
        let expected = await context.reports.newestFinalUsers(scope)
        let state = Mutex((MonthToDate(reserving: expected), UsersDay(reserving: expected)))
        let keep: @Sendable (UserDayRecord) -> Void = { record in
            guard let day = record.day, days.contains(day), let bit = MonthToDate.bit(day) else { return }
            state.withLock { state in
                state.0.add(record, bit: bit)
                if day == newestDay { state.1.add(record) }
            }
        }
        for link in links {
            try await context.client.download(link, endpoint: "GET \(Self.reports(scope).base)/users-28-day/latest") { chunk in
                reader.feed(chunk, keep)
            }
            reader.finish(keep)
        }
        if reader.skippedLines > 0 {
            context.notice("Skipped \(reader.skippedLines) unreadable lines in a Copilot users-28-day report for \(scope).")
        }
        return state.withLock { $0 }
    }
}
