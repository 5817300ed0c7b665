/// The "adoption and impact" fields of one organization or enterprise report day: activity
/// totals and their breakdowns, active users per surface, pull requests and CLI use. Each
/// field GitHub leaves out stays absent, so it gives no series.
public struct AdoptionDay: Decodable, Sendable, Equatable {
    public var totals = ActivityCounters()
    public var byIDE: [LabeledCounters] = []
    public var byFeature: [LabeledCounters] = []
    public var byLanguageFeature: [LabeledCounters] = []
    public var byModelFeature: [LabeledCounters] = []
    /// Active users by surface and period (`daily`, `weekly`, `monthly`).
    public var activeUsers: [SurfacePeriod: Double] = [:]
    public var pullRequests: PullRequestTotals?
    public var cli: CLITotals?

    /// A surface (`chat`, `agent`, `cli`, `cloud_agent`, `code_review_active`,
    /// `code_review_passive`) and a period.
    public struct SurfacePeriod: Sendable, Hashable {
        public var surface: String
        public var period: String

        public init(_ surface: String, _ period: String) {
            self.surface = surface
            self.period = period
        }
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ReportKey.self)
        totals = ActivityCounters(container)
        byIDE = container.entries("totals_by_ide", as: LabeledCounters.self)
        byFeature = container.entries("totals_by_feature", as: LabeledCounters.self)
        byLanguageFeature = container.entries("totals_by_language_feature", as: LabeledCounters.self)
        byModelFeature = container.entries("totals_by_model_feature", as: LabeledCounters.self)
        for (field, key) in Self.surfaceFields where activeUsers[key] == nil {
            activeUsers[key] = container.number(field)
        }
        pullRequests = container.object("pull_requests").map(PullRequestTotals.init)
        cli = container.object("totals_by_cli").map(CLITotals.init)
    }

    var isEmpty: Bool {
        totals.isEmpty && byIDE.isEmpty && byFeature.isEmpty && byLanguageFeature.isEmpty && byModelFeature.isEmpty
            && activeUsers.isEmpty && pullRequests == nil && cli == nil
    }

    /// Every field name read as active users of a surface, in order of preference: GitHub's
    /// documented names first (`monthly_active_chat_users`, `daily_active_cli_users`,
    /// `daily_active_copilot_cloud_agent_users`, `weekly_passive_copilot_code_review_users`…),
    /// then variants seen or likely (`copilot_` prefix or not; the cloud agent's earlier name,
    /// coding agent). The first present wins.
    static let surfaceFields: [(field: String, key: SurfacePeriod)] = {
        let surfaces: [(surface: String, middles: [String])] = [
            ("chat", ["active_chat", "active_copilot_chat"]),
            ("agent", ["active_agent", "active_copilot_agent"]),
            ("cli", ["active_cli", "active_copilot_cli"]),
            (
                "cloud_agent",
                ["active_copilot_cloud_agent", "active_cloud_agent", "active_copilot_coding_agent", "active_coding_agent"]
            ),
            ("code_review_active", ["active_copilot_code_review", "active_code_review"]),
            ("code_review_passive", ["passive_copilot_code_review", "passive_code_review"]),
        ]
        return ["daily", "weekly", "monthly"].flatMap { period in
            surfaces.flatMap { surface in
                surface.middles.map { ("\(period)_\($0)_users", SurfacePeriod(surface.surface, period)) }
            }
        }
    }()
}

/// `pull_requests{}` of a report day: scalar fields by GitHub's name, and Copilot's review
/// suggestions by comment type.
public struct PullRequestTotals: Sendable, Equatable {
    public var values: [String: Double] = [:]
    public var byCommentType: [CommentType] = []

    /// One entry of `copilot_suggestions_by_comment_type[]`.
    public struct CommentType: Decodable, Sendable, Equatable {
        public var type: String?
        public var suggestions: Double?
        public var applied: Double?

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: ReportKey.self)
            type = container.text("comment_type")
            suggestions = container.number("total_copilot_suggestions")
            applied = container.number("total_copilot_applied_suggestions")
        }
    }

    static let fields = [
        "total_created", "total_reviewed", "total_merged", "median_minutes_to_merge", "total_suggestions",
        "total_applied_suggestions", "total_created_by_copilot", "total_reviewed_by_copilot", "total_merged_created_by_copilot",
        "total_merged_reviewed_by_copilot", "median_minutes_to_merge_copilot_authored", "median_minutes_to_merge_copilot_reviewed",
        "total_copilot_suggestions", "total_copilot_applied_suggestions",
    ]

    public init(values: [String: Double] = [:]) { self.values = values }

    init(_ container: KeyedDecodingContainer<ReportKey>) {
        for field in Self.fields { values[field] = container.number(field) }
        byCommentType = container.entries("copilot_suggestions_by_comment_type", as: CommentType.self)
    }
}

/// `totals_by_cli{}` of a report day (present only when the CLI was used).
public struct CLITotals: Sendable, Equatable {
    public var sessions: Double?
    public var requests: Double?
    public var prompts: Double?
    public var promptTokens: Double?
    public var outputTokens: Double?

    init(_ container: KeyedDecodingContainer<ReportKey>) {
        sessions = container.number("session_count")
        requests = container.number("request_count")
        prompts = container.number("prompt_count")
        let tokens = container.object("token_usage")
        promptTokens = tokens?.number("prompt_tokens_sum")
        outputTokens = tokens?.number("output_tokens_sum")
    }
}
