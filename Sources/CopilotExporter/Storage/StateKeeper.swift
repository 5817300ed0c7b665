public import GitHubAPI
import Glibc
public import PrometheusExposition

/// `--storage.path`: what a restart keeps. Each job's last good families with the time of that
/// success, in a file of its own (written after each success, so nothing is held twice in
/// memory), and the GitHub client's ETags with their bodies.
///
/// Files are `StateFile`s (atomic, checked, 0600 in a 0700 directory). A file that cannot be
/// used is ignored with one warning; a write that fails (read-only volume, full disk) is
/// logged once per distinct sentence and the exporter goes on in memory.
public actor StateKeeper {
    /// Format versions of each kind of file; a later release reads these or ignores the file.
    static let jobFormat: UInt32 = 1
    static let etagFormat: UInt32 = 1
    /// 2: the newest final users day keeps its credits and users per version (counts), not
    /// its interactions, active users and the users of each version.
    static let reportFormat: UInt32 = 2

    /// Largest job file (families of 100,000 users are about 10 MB).
    static let maxJobBytes = 256 << 20
    static let maxETagBytes = 32 << 20
    /// Largest report-cache file (month sums of 100,000 users are about 5 MB).
    static let maxReportBytes = 256 << 20

    /// `--storage.path` as given: a mounted volume, typically owned by root.
    public nonisolated let path: String
    /// The exporter's own directory in it (mode 0700, owned by this user; created when needed),
    /// so that a volume another user owns or may write still holds private files.
    public nonisolated let directory: String
    nonisolated let logger: Logger
    private var warned: [String] = []
    /// The generations of the report caches last written, so unchanged caches are not rewritten.
    private var savedReports: (reports: Int, teams: Int)?
    /// The generation of the ETag cache last written.
    private var savedETags: Int?

    public init(path: String, logger: Logger) {
        var path = path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        self.path = path
        self.directory = (path == "/" ? "" : path) + "/copilot_exporter"
        self.logger = logger
    }

    /// What a job's file holds.
    public struct RestoredJob: Sendable, Equatable {
        public var families: [MetricFamily]
        public var lastSuccess: Double
        public var duration: Double
    }

    /// File name of a job: the collector and scope, with anything but `[A-Za-z0-9_-]` hex-escaped.
    nonisolated static func fileName(_ key: JobKey) -> String {
        "job-" + escape(key.collector.rawValue) + "-" + key.scope.kind.rawValue + "-" + escape(key.scope.slug) + ".state"
    }

    nonisolated static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "_"), UInt8(ascii: "-"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }

    nonisolated func file(_ name: String, maxBytes: Int) -> StateFile {
        StateFile(directory: directory, name: name, maxBytes: maxBytes)
    }

    // MARK: jobs

    /// The saved state of each of `keys` that has one.
    public func restoreJobs(_ keys: [JobKey]) -> [JobKey: RestoredJob] {
        var restored: [JobKey: RestoredJob] = [:]
        for key in keys {
            guard let payload = load(file(Self.fileName(key), maxBytes: Self.maxJobBytes), format: Self.jobFormat) else { continue }
            var reader = StateReader(payload)
            do throws(StateReader.Malformed) {
                let collector = try reader.string()
                let kind = try reader.string()
                let slug = try reader.string()
                let lastSuccess = try reader.double()
                let duration = try reader.double()
                let families = try reader.families()
                guard reader.isAtEnd, collector == key.collector.rawValue, kind == key.scope.kind.rawValue, slug == key.scope.slug,
                    lastSuccess.isFinite, duration.isFinite
                else { throw StateReader.Malformed() }
                restored[key] = RestoredJob(families: families, lastSuccess: lastSuccess, duration: duration)
            } catch {
                warnOnce("The state in \(directory)/\(Self.fileName(key)) does not hold what its name says; it is ignored.")
            }
        }
        return restored
    }

    /// Saves a job's last good families; false when the write failed (logged once).
    @discardableResult
    public func saveJob(_ key: JobKey, families: [MetricFamily], lastSuccess: Double, duration: Double) -> Bool {
        var writer = StateWriter()
        writer.string(key.collector.rawValue)
        writer.string(key.scope.kind.rawValue)
        writer.string(key.scope.slug)
        writer.double(lastSuccess)
        writer.double(duration)
        writer.families(families)
        return save(file(Self.fileName(key), maxBytes: Self.maxJobBytes), format: Self.jobFormat, payload: writer.bytes)
    }

    // MARK: ETags

    /// Fills the client's ETag cache from the saved one.
    public func restoreETags(into state: ClientState) async {
        guard let payload = load(file("etags.state", maxBytes: Self.maxETagBytes), format: Self.etagFormat) else { return }
        var reader = StateReader(payload)
        var entries: [ClientState.ETagEntry] = []
        do throws(StateReader.Malformed) {
            let count = try reader.count(UInt32.self, minimumSize: 12)
            for _ in 0..<count {
                entries.append(ClientState.ETagEntry(url: try reader.string(), etag: try reader.string(), body: try reader.blob()))
            }
            guard reader.isAtEnd else { throw StateReader.Malformed() }
        } catch {
            warnOnce("The state in \(directory)/etags.state is malformed; it is ignored.")
            return
        }
        await state.restore(entries)
    }

    /// Saves the client's ETag cache when it changed since the last save. Called after every
    /// successful job: most jobs' answers were 304s, and the cache (up to 8 MiB) would be
    /// encoded and synced to disk for nothing.
    @discardableResult
    public func saveETags(from state: ClientState) async -> Bool {
        guard let (generation, entries) = await state.entries(unless: savedETags) else { return true }
        var writer = StateWriter()
        writer.integer(UInt32(entries.count))
        for entry in entries {
            writer.string(entry.url)
            writer.string(entry.etag)
            writer.blob(entry.body)
        }
        guard save(file("etags.state", maxBytes: Self.maxETagBytes), format: Self.etagFormat, payload: writer.bytes) else { return false }
        savedETags = generation
        return true
    }

    // MARK: report caches

    /// Fills the report caches from the saved ones: the month sums and final days of the
    /// usage-metrics and teams collectors, so a restart downloads none of those days again.
    public func restoreReports(into reports: ReportCache, teams: TeamReportCache) async {
        guard let payload = load(file("reports.state", maxBytes: Self.maxReportBytes), format: Self.reportFormat) else { return }
        var reader = StateReader(payload)
        do throws(StateReader.Malformed) {
            let reportBytes = try reader.blob()
            let teamBytes = try reader.blob()
            guard reader.isAtEnd else { throw StateReader.Malformed() }
            try await reports.restore(reportBytes)
            try await teams.restore(teamBytes)
        } catch {
            warnOnce("The state in \(directory)/reports.state is malformed; it is ignored and the report days are read again.")
        }
    }

    /// Saves the report caches when either changed since the last save. Called after every
    /// successful job: an unchanged pair is recognised by its generations alone, before any
    /// table is encoded (at 100,000 seats the encoding of a month's sums takes tens of
    /// milliseconds a scope).
    @discardableResult
    public func saveReports(from reports: ReportCache, teams: TeamReportCache) async -> Bool {
        if let savedReports, savedReports == (await reports.generation, await teams.generation) { return true }
        let (reportGeneration, reportBytes) = await reports.state()
        let (teamGeneration, teamBytes) = await teams.state()
        var writer = StateWriter()
        writer.blob(reportBytes)
        writer.blob(teamBytes)
        guard save(file("reports.state", maxBytes: Self.maxReportBytes), format: Self.reportFormat, payload: writer.bytes) else {
            return false
        }
        savedReports = (reportGeneration, teamGeneration)
        return true
    }

    // MARK: files

    /// The payload of `file` when it is of `format`; nil (with one warning when the file
    /// exists but cannot be used) otherwise.
    func load(_ file: StateFile, format: UInt32) -> [UInt8]? {
        switch file.read() {
        case .missing:
            return nil
        case .unusable(let reason):
            warnOnce(reason + " It is ignored; the exporter starts without it.")
            return nil
        case .loaded(let version, let payload):
            guard version == format else {
                warnOnce("\(file.path) is of format \(version), not \(format) (another release?); it is ignored.")
                return nil
            }
            return payload
        }
    }

    func save(_ file: StateFile, format: UInt32, payload: [UInt8]) -> Bool {
        _ = mkdir(path, 0o700)  // the volume itself, when it is a plain directory not made yet
        do {
            try file.write(version: format, payload: payload)
            return true
        } catch {
            warnOnce(error.description)
            return false
        }
    }

    /// Logs `sentence` unless it was logged already (the last 64 distinct sentences are kept).
    func warnOnce(_ sentence: String) {
        guard !warned.contains(sentence) else { return }
        warned.append(sentence)
        if warned.count > 64 { warned.removeFirst() }
        logger.warn(sentence, [("storage_path", directory)])
    }
}
