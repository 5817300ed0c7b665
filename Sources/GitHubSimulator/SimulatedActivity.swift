/// The seven activity counters of a simulated report record.
struct SimulatedCounters: Equatable {
    var interactions = 0
    var generations = 0
    var acceptances = 0
    var suggestedToAdd = 0
    var suggestedToDelete = 0
    var added = 0
    var deleted = 0

    static func += (lhs: inout SimulatedCounters, rhs: SimulatedCounters) {
        lhs.interactions += rhs.interactions
        lhs.generations += rhs.generations
        lhs.acceptances += rhs.acceptances
        lhs.suggestedToAdd += rhs.suggestedToAdd
        lhs.suggestedToDelete += rhs.suggestedToDelete
        lhs.added += rhs.added
        lhs.deleted += rhs.deleted
    }

    /// The counters as JSON fields in GitHub's (alphabetical) order; GitHub leaves
    /// `user_initiated_interaction_count` out of the language breakdowns.
    func fields(interactions withInteractions: Bool = true) -> [(String, String)] {
        var out: [(String, String)] = [
            ("code_acceptance_activity_count", String(acceptances)), ("code_generation_activity_count", String(generations)),
            ("loc_added_sum", String(added)), ("loc_deleted_sum", String(deleted)),
            ("loc_suggested_to_add_sum", String(suggestedToAdd)), ("loc_suggested_to_delete_sum", String(suggestedToDelete)),
        ]
        if withInteractions { out.append(("user_initiated_interaction_count", String(interactions))) }
        return out
    }
}

/// One piece of a user's day: a feature used in one IDE, on one language, with one model
/// (chat and agent features only).
struct SimulatedSlice {
    var feature: String
    var ide: String
    var language: String
    var model: String?
    var counters = SimulatedCounters()
}

/// Copilot CLI use of a user on a day.
struct SimulatedCLI: Equatable {
    var sessions = 0
    var requests = 0
    var prompts = 0
    var promptTokens = 0
    var outputTokens = 0

    static func += (lhs: inout SimulatedCLI, rhs: SimulatedCLI) {
        lhs.sessions += rhs.sessions
        lhs.requests += rhs.requests
        lhs.prompts += rhs.prompts
        lhs.promptTokens += rhs.promptTokens
        lhs.outputTokens += rhs.outputTokens
    }
}

/// What one user did on one day, deterministic from the seed, login and day. Every record has
/// at least one generation, so every simulated user-day is an active one.
struct SimulatedActivity {
    var slices: [SimulatedSlice] = []
    var cli: SimulatedCLI?
    var codeReviewActive = false
    var codeReviewPassive = false
    var cloudAgent = false

    var usedChat: Bool { slices.contains { $0.feature.hasPrefix("chat_panel") } }
    var usedAgent: Bool { slices.contains { $0.feature == "chat_panel_agent_mode" || $0.feature == "agent_edit" } }

    var totals: SimulatedCounters {
        var sum = SimulatedCounters()
        for slice in slices { sum += slice.counters }
        return sum
    }

    static let ides = ["vscode", "jetbrains", "visualstudio", "neovim", "xcode"]
    static let ideVersions = [
        "vscode": ["1.103.2", "1.104.0", "1.104.1"], "jetbrains": ["2025.1.3", "2025.2"], "visualstudio": ["17.14.8", "17.14.9"],
        "neovim": ["0.11.3"], "xcode": ["16.4", "26.0"],
    ]
    static let plugins = [
        "vscode": ("copilot-chat", ["0.30.3", "0.31.0"]), "jetbrains": ("copilot-intellij", ["1.5.52", "1.5.53"]),
        "visualstudio": ("copilot-vs", ["17.14.826"]), "neovim": ("copilot.vim", ["1.52.0"]), "xcode": ("copilot-xcode", ["0.41.0"]),
    ]
    static let features = [
        "code_completion", "chat_panel_ask_mode", "chat_panel_agent_mode", "chat_panel_edit_mode", "chat_panel_plan_mode",
        "chat_panel_custom_mode", "agent_edit",
    ]
    static let languages = ["python", "typescript", "javascript", "go", "java", "swift", "rust", "csharp", "unknown"]
    static let models = ["gpt-4.1", "gpt-5", "claude-sonnet-4.5", "gemini-2.5-pro", "gpt-5-mini"]

    /// The user's usual IDE: the same every day.
    static func primaryIDE(_ login: String) -> String { ides[Int(FNV1a.hash(Array(login.utf8)) % UInt64(ides.count))] }

    /// The user's activity; with `counters: false` only which features and surfaces were used
    /// (cheap, for the 28-day active-user counts), with the same answer as the full record.
    static func make(seed: UInt64, login: String, day: String, counters: Bool = true) -> SimulatedActivity {
        var random = SplitMix64(seed: FNV1a.hash(Array("\(seed)/\(login)/\(day)/activity".utf8)))
        func below(_ bound: Int) -> Int { Int(random.next(below: UInt64(bound))) }
        func chance(_ percent: Int) -> Bool { below(100) < percent }
        var activity = SimulatedActivity()
        let primary = primaryIDE(login)
        for index in 0..<(1 + below(3)) {
            let feature = index == 0 && chance(70) ? "code_completion" : features[below(features.count)]
            let ide = chance(85) ? primary : ides[below(ides.count)]
            let language = languages[below(languages.count)]
            let model = feature == "code_completion" ? nil : models[below(models.count)]
            activity.slices.append(SimulatedSlice(feature: feature, ide: ide, language: language, model: model))
        }
        if chance(15) { activity.cli = SimulatedCLI() }
        activity.codeReviewActive = chance(8)
        activity.codeReviewPassive = chance(20)
        activity.cloudAgent = chance(5)
        guard counters else { return activity }
        for index in activity.slices.indices {
            var c = SimulatedCounters()
            if activity.slices[index].feature == "code_completion" {
                c.generations = 5 + below(56)
                c.acceptances = c.generations * (15 + below(30)) / 100
                c.suggestedToAdd = c.generations * (1 + below(4))
                c.added = c.suggestedToAdd * c.acceptances / c.generations
            } else {
                c.interactions = 1 + below(15)
                c.generations = 1 + c.interactions * below(3)
                c.acceptances = below(c.generations + 1)
                c.suggestedToAdd = c.generations * (2 + below(9))
                c.suggestedToDelete = c.generations * below(4)
                c.added = c.suggestedToAdd * c.acceptances / c.generations
                c.deleted = c.suggestedToDelete * c.acceptances / c.generations
            }
            activity.slices[index].counters = c
        }
        if activity.cli != nil {
            let sessions = 1 + below(4)
            let requests = sessions + below(12)
            activity.cli = SimulatedCLI(
                sessions: sessions,
                requests: requests,
                prompts: sessions + below(requests - sessions + 1),
                promptTokens: requests * (800 + below(3_000)),
                outputTokens: requests * (300 + below(2_000))
            )
        }
        return activity
    }

    /// The user's last known IDE and plugin versions for an IDE: they change week by week.
    static func versions(login: String, ide: String, day: String) -> (ideVersion: String, plugin: String, pluginVersion: String) {
        let week = (SimulatedCalendar.dayStart(day) ?? 0) / (7 * 86_400)
        let hash = FNV1a.hash(Array("\(login)/\(ide)/\(Int(week))".utf8))
        let ideVersions = Self.ideVersions[ide] ?? ["1.0"]
        let (plugin, pluginVersions) = plugins[ide] ?? ("copilot", ["1.0"])
        return (ideVersions[Int(hash % UInt64(ideVersions.count))], plugin, pluginVersions[Int((hash >> 8) % UInt64(pluginVersions.count))])
    }
}
