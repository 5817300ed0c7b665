import GitHubAPI

/// The seat figures of one scope, computed from its seat rows: pure, so it is table-tested.
///
/// A user may hold several rows (the enterprise listing returns one per organization or team
/// that grants the seat); each user counts once. For such a user the newest activity is theirs,
/// with its editor, and the earliest assignment is when they got a seat. Rows without an
/// assignee login (a deleted account) count as seats of their own.
public struct SeatStatistics: Sendable, Equatable {
    /// One user's merged seat.
    public struct UserSeat: Sendable, Equatable {
        public var login: String
        public var assigned: Double
        public var lastActivity: Double?
        public var editor: String
    }

    public var users: [UserSeat]
    public var idle: Int
    public var neverActive: Int
    public var byEditor: [String: Int]

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
        private var merged: [String: UserSeat] = [:]
        private var order: [String] = []
        private var anonymous = 0

        init(now: Double) { self.now = now }

        mutating func add(_ seat: CopilotSeat) {
            let assigned = RFC3339.parse(seat.createdAt) ?? now
            let activity = seat.lastActivityAt.flatMap(RFC3339.parse)
            let editor = activity == nil ? "none" : SeatStatistics.editorName(seat.lastActivityEditor)
            let key: String
            if let login = seat.assignee?.login, !login.isEmpty {
                key = login
            } else {
                anonymous += 1
                key = "\u{0}deleted-\(anonymous)"
            }
            let candidate = UserSeat(login: key, assigned: assigned, lastActivity: activity, editor: editor)
            guard var existing = merged[key] else {
                merged[key] = candidate
                order.append(key)
                return
            }
            existing.assigned = min(existing.assigned, assigned)
            if let activity, activity > (existing.lastActivity ?? -.infinity) {
                existing.lastActivity = activity
                existing.editor = editor
            }
            merged[key] = existing
        }

        func statistics(idleDays: Int) -> SeatStatistics {
            let threshold = now - Double(idleDays) * 86_400
            var idle = 0
            var never = 0
            var byEditor: [String: Int] = [:]
            for key in order {
                let seat = merged[key]!
                if seat.lastActivity == nil { never += 1 }
                if (seat.lastActivity ?? seat.assigned) < threshold { idle += 1 }
                byEditor[seat.editor, default: 0] += 1
            }
            return SeatStatistics(
                users: order.compactMap { key in key.hasPrefix("\u{0}") ? nil : merged[key] },
                idle: idle,
                neverActive: never,
                byEditor: byEditor
            )
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
        guard let first = editor?.split(separator: "/", omittingEmptySubsequences: false).first,
            !first.isEmpty
        else { return "unknown" }
        return String(first)
    }
}
