import GitHubAPI

extension UserDayRecord {
    /// Decodes the same fields `read` reads, with the same rules: each field absent or null is
    /// nil; a field of the wrong type fails the record.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ReportKey.self)
        func number(_ name: String) throws -> Double? { try container.decodeIfPresent(Double.self, forKey: ReportKey(name)) }
        userLogin = try container.decodeIfPresent(String.self, forKey: ReportKey("user_login"))
        day = try container.decodeIfPresent(String.self, forKey: ReportKey("day"))
        aiCreditsUsed = try number("ai_credits_used")
        interactions = try number("user_initiated_interaction_count")
        generations = try number("code_generation_activity_count")
        acceptances = try number("code_acceptance_activity_count")
        for key in container.allKeys where key.stringValue.hasPrefix("used_") {
            if try container.decodeIfPresent(Bool.self, forKey: key) == true { usedAny = true }
        }
        ides = try container.decodeIfPresent([IDEVersions].self, forKey: ReportKey("totals_by_ide")) ?? []
    }
}

extension UserDayRecord.IDEVersions: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ReportKey.self)
        ide = try container.decodeIfPresent(String.self, forKey: ReportKey("ide"))
        if container.contains(ReportKey("last_known_ide_version")), try !container.decodeNil(forKey: ReportKey("last_known_ide_version")) {
            let version = try container.nestedContainer(keyedBy: ReportKey.self, forKey: ReportKey("last_known_ide_version"))
            ideVersion = try version.decodeIfPresent(String.self, forKey: ReportKey("ide_version"))
        }
        if container.contains(ReportKey("last_known_plugin_version")),
            try !container.decodeNil(forKey: ReportKey("last_known_plugin_version"))
        {
            let version = try container.nestedContainer(keyedBy: ReportKey.self, forKey: ReportKey("last_known_plugin_version"))
            plugin = try version.decodeIfPresent(String.self, forKey: ReportKey("plugin"))
            pluginVersion = try version.decodeIfPresent(String.self, forKey: ReportKey("plugin_version"))
        }
    }

    /// Reads one `totals_by_ide[]` entry; a null entry fails, as decoding it does.
    static func read(_ reader: inout JSONReader) throws -> Self {
        var entry = Self()
        let found = try reader.readObject { key, reader in
            if key == "ide" {
                entry.ide = try reader.readString()
            } else if key == "last_known_ide_version" {
                try reader.readObject { key, reader in
                    if key == "ide_version" { entry.ideVersion = try reader.readString() } else { try reader.skipValue() }
                }
            } else if key == "last_known_plugin_version" {
                try reader.readObject { key, reader in
                    if key == "plugin" {
                        entry.plugin = try reader.readString()
                    } else if key == "plugin_version" {
                        entry.pluginVersion = try reader.readString()
                    } else {
                        try reader.skipValue()
                    }
                }
            } else {
                try reader.skipValue()
            }
        }
        guard found else { throw reader.failure("expected an object") }
        return entry
    }
}
