import GitHubAPI

/// The seat figures of one scope, computed from its seat rows: pure, so it is table-tested.
///
/// A user may hold several rows (the enterprise listing returns one per organization or team
/// that grants the seat); each user counts once. For such a user the newest activity is theirs,
/// with its editor, and the earliest assignment is when they got a seat. The user's team,
/// organization and plan are those of one row, the row kept: the row with the newest activity
/// (the one the editor comes from), or, while no row has any, the first row listed. Rows
/// without an assignee login (a deleted account) count as seats of their own.
///
/// Teams and organizations are open sets read from GitHub: past `maxLabels` distinct values
/// in one scope, further seats count under `SeatStatistics.other` (totals stay right).
public struct SeatStatistics: Sendable, Equatable {
    /// One user's merged seat.
    public struct UserSeat: Sendable, Equatable {
        public var login: String
        public var assigned: Double
        public var lastActivity: Double?
        public var editor: String
        /// `assigning_team.slug` of the row kept; `none` for a direct grant.
        public var team = "none"
        /// `organization.login` of the row kept; `none` for an enterprise-level grant.
        public var organization = "none"
        public var plan = SeatPlan.unknown
    }

    public var users: [UserSeat]
    public var idle: Int
    public var neverActive: Int
    public var byEditor: [String: Int]
    public var byTeam: [String: Int] = [:]
    public var idleByTeam: [String: Int] = [:]
    public var byPlan: [SeatPlan: Int] = [:]
    public var idleByPlan: [SeatPlan: Int] = [:]
    public var byOrganization: [String: Int] = [:]
    /// Seats counted under `other` because their team or organization came past `maxLabels`.
    public var foldedTeamSeats = 0
    public var foldedOrganizationSeats = 0

    /// Most distinct `team` or `org` label values one scope gets.
    static let maxLabels = 1_000
    /// The label of seats whose team or organization is past `maxLabels`; no slug or login
    /// can contain parentheses.
    public static let other = "(other)"

    /// - Parameters:
    ///   - idleDays: a seat is idle when its last activity (or, never active, its assignment)
    ///     is more than this many days before `now`.
    public init(seats: [CopilotSeat], now: Double, idleDays: Int) {
        var accumulator = Accumulator(now: now)
        for seat in seats { accumulator.add(seat) }
        self = accumulator.statistics(idleDays: idleDays)
    }

    /// Merges seat rows one at a time, so a listing never has to be held whole: only one
    /// entry per user is kept.
    struct Accumulator {
        let now: Double
        /// One entry per user (and per row without a login), in the order first listed.
        private var seats: [UserSeat] = []
        /// Where each login's entry is in `seats`: one hash per row.
        private var index: [String: Int] = [:]
        private var anonymous = 0

        init(now: Double) { self.now = now }

        /// Most entries `reserve` makes room for: a hostile `total_seats` costs at most this many
        /// entries' worth of capacity (about 25 MB), which a listing that size would need anyway.
        static let maxReserved = 200_000

        /// Makes room for `count` users at once (the listing's `total_seats`, known after its first
        /// page): the table and index are then not copied each time they double, and a
        /// 100,000-seat listing fills pages mapped once instead of a fresh mapping per growth.
        mutating func reserve(_ count: Int) {
            let count = min(max(count, 0), Self.maxReserved)
            guard count > seats.capacity else { return }
            seats.reserveCapacity(count)
            index.reserveCapacity(count)
        }

        mutating func add(_ seat: CopilotSeat) { add(SeatRow(seat)) }

        mutating func add(_ seat: SeatRow) {
            let assigned = seat.created ?? now
            let activity = seat.lastActivity
            let editor = activity == nil ? "none" : seat.editor
            let key: String
            if let login = seat.login, !login.isEmpty {
                key = login
            } else {
                anonymous += 1
                key = "\u{0}deleted-\(anonymous)"
            }
            // One hash: the default is stored when the login is new.
            let position = Self.value(&index[key, default: seats.count])
            let candidate = UserSeat(
                login: key,
                assigned: assigned,
                lastActivity: activity,
                editor: editor,
                team: Self.nonEmpty(seat.team),
                organization: Self.nonEmpty(seat.organization),
                plan: seat.plan
            )
            guard position < seats.count else {
                seats.append(candidate)
                return
            }
            seats[position].assigned = min(seats[position].assigned, assigned)
            if let activity, activity > (seats[position].lastActivity ?? -.infinity) {
                seats[position].lastActivity = activity
                seats[position].editor = editor
                seats[position].team = candidate.team
                seats[position].organization = candidate.organization
                seats[position].plan = candidate.plan
            }
        }

        private static func value(_ slot: inout Int) -> Int { slot }

        static func nonEmpty(_ text: String?) -> String {
            guard let text, !text.isEmpty else { return "none" }
            return text
        }

        func statistics(idleDays: Int) -> SeatStatistics {
            let threshold = now - Double(idleDays) * 86_400
            var result = SeatStatistics(users: [], idle: 0, neverActive: 0, byEditor: [:])
            var teams = LabelBound()
            var organizations = LabelBound()
            for seat in seats {
                let isIdle = (seat.lastActivity ?? seat.assigned) < threshold
                let team = teams.label(seat.team)
                if seat.lastActivity == nil { result.neverActive += 1 }
                result.byEditor[seat.editor, default: 0] += 1
                result.byTeam[team, default: 0] += 1
                result.byPlan[seat.plan, default: 0] += 1
                result.byOrganization[organizations.label(seat.organization), default: 0] += 1
                if isIdle {
                    result.idle += 1
                    result.idleByTeam[team, default: 0] += 1
                    result.idleByPlan[seat.plan, default: 0] += 1
                }
            }
            // Without deleted accounts (most listings) the table is shared, not copied; a login
            // that itself starts with NUL (never a real one) is left out as before.
            let keptWhole = anonymous == 0 && !seats.contains { $0.login.utf8.first == 0 }
            result.users = keptWhole ? seats : seats.filter { !$0.login.hasPrefix("\u{0}") }
            result.foldedTeamSeats = teams.folded
            result.foldedOrganizationSeats = organizations.folded
            return result
        }
    }

    /// Hands out at most `maxLabels` distinct values, first come first served, and `other`
    /// for the rest, counting the seats so folded.
    struct LabelBound {
        private var kept: Set<String> = []
        private(set) var folded = 0

        mutating func label(_ value: String) -> String {
            if kept.contains(value) { return value }
            if kept.count < SeatStatistics.maxLabels {
                kept.insert(value)
                return value
            }
            folded += 1
            return SeatStatistics.other
        }
    }

    init(users: [UserSeat], idle: Int, neverActive: Int, byEditor: [String: Int]) {
        self.users = users
        self.idle = idle
        self.neverActive = neverActive
        self.byEditor = byEditor
    }

    /// The first segment of `last_activity_editor` (`vscode/1.77.3/copilot/1.86.82` → `vscode`);
    /// `unknown` when GitHub recorded activity but no editor.
    static func editorName(_ editor: String?) -> String {
        // The text before the first "/", found without splitting the whole string (which made an
        // array of substrings per seat: 5 % of a 100,000-seat poll of seats).
        guard let editor, let first = editor.unicodeScalars.first, first != "/" else { return "unknown" }
        let end = editor.unicodeScalars.firstIndex(of: "/") ?? editor.endIndex
        return String(editor.unicodeScalars[..<end])
    }

    /// `editorName` of a string's UTF-8 bytes, read in place. "/" is one byte that is never part
    /// of another character, so cutting the bytes there and decoding the part before it gives
    /// what decoding first and cutting after gives, invalid sequences included.
    static func editorName(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard let first = bytes.first, first != UInt8(ascii: "/") else { return "unknown" }
        let end = bytes.firstIndex(of: UInt8(ascii: "/")) ?? bytes.endIndex
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[..<end]), as: UTF8.self)
    }
}
