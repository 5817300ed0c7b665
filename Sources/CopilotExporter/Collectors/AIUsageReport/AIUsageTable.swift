import Foundation

/// Per-user (and per user and model) billed AI credits and net amounts summed from the rows of
/// the AI usage report CSV (`report_type` `ai_credit`), read by column name.
///
/// GitHub's usage reports document `date`, `username`, `product`, `sku`, `model`, `quantity`,
/// `unit_type`, `applied_cost_per_quantity`, `gross_amount`, `discount_amount`, `net_amount`,
/// `organization`, `repository`, `cost_center_name`; AI usage exports also carry token counts.
/// Names are matched case-insensitively with spaces and hyphens read as underscores, and a few
/// aliases (`user`, `user_login`, `login`; `net amount`). The order of the columns does not
/// matter. `username`, `quantity` and `net_amount` are required; `date`, `model` and `unit_type`
/// are used when present.
///
/// Rows count when their unit is AI credits (`unit_type` absent, empty, or naming credits or
/// `ai-units`), their date (when given) lies in `month`, they name a user, and their numbers
/// read. Other rows are counted, not summed: the caller reports them.
public struct AIUsageTable: Sendable, Equatable {
    /// Summed credits and net amount of one user or one user and model.
    public struct Amounts: Sendable, Equatable {
        public var credits: Double = 0
        public var netAmount: Double = 0
    }

    public struct UserModel: Sendable, Hashable {
        public var user: String
        public var model: String
    }

    /// A header without the required columns, as one sentence's worth of detail.
    public struct MissingColumns: Error, Sendable, Equatable, CustomStringConvertible {
        public var missing: [String]
        public var found: [String]
        public var description: String {
            "its header lacks the column(s) \(missing.joined(separator: ", ")) (found: \(found.prefix(30).joined(separator: ", ")))"
        }
    }

    static let aliases: [String: [String]] = [
        "username": ["username", "user", "user_login", "login", "user_name"],
        "quantity": ["quantity", "ai_credits", "credits"],
        "net_amount": ["net_amount", "netamount", "net"],
        "date": ["date", "usage_date", "day"],
        "model": ["model", "model_name"],
        "unit_type": ["unit_type", "unittype", "unit"],
    ]

    public var users: [String: Amounts] = [:]
    public var userModels: [UserModel: Amounts] = [:]
    /// Rows in another unit (premium requests before AI credits), another month, without a
    /// user, or with numbers that do not read.
    public var otherUnitRows = 0
    public var otherMonthRows = 0
    public var anonymousRows = 0
    public var unreadableRows = 0
    public var keepModels: Bool
    let month: String
    private var columns: Columns?

    /// Where each column read is, found once per header (a dictionary lookup per field and row
    /// hashed the column's name 5 times a row).
    private struct Columns: Equatable {
        var username: Int
        var quantity: Int
        var netAmount: Int
        var date: Int?
        var model: Int?
        var unitType: Int?
    }

    /// - Parameters:
    ///   - month: `YYYY-MM`; rows dated in another month are left out.
    ///   - keepModels: also sum per user and model (`--collector.ai_usage_report.per-model`).
    public init(month: String, keepModels: Bool) {
        self.month = month
        self.keepModels = keepModels
    }

    /// A column name as compared: lower case, trimmed, spaces and hyphens as underscores.
    static func normalize(_ name: String) -> String {
        String(
            name.lowercased().trimmingCharacters(in: .whitespaces).map { $0 == " " || $0 == "-" ? "_" : $0 }
        )
    }

    /// `field` without surrounding whitespace. Most fields have none: those whose first and
    /// last bytes are visible ASCII are returned as they are, without Foundation's trimming
    /// (3 % of a 100,000-seat refresh's CPU when every field went through it).
    static func trimmed(_ field: String) -> String {
        let utf8 = field.utf8
        guard let first = utf8.first, let last = utf8.last else { return field }
        if (0x21..<0x7F).contains(first), (0x21..<0x7F).contains(last) { return field }
        return field.trimmingCharacters(in: .whitespaces)
    }

    /// Reads one CSV record: the first is the header.
    public mutating func add(_ fields: [String]) throws(MissingColumns) {
        guard let columns else {
            let names = fields.map(Self.normalize)
            var found: [String: Int] = [:]
            for (key, options) in Self.aliases {
                if let index = options.lazy.compactMap({ names.firstIndex(of: $0) }).first { found[key] = index }
            }
            let missing = ["username", "quantity", "net_amount"].filter { found[$0] == nil }
            guard missing.isEmpty, let username = found["username"], let quantity = found["quantity"], let netAmount = found["net_amount"]
            else { throw MissingColumns(missing: missing, found: fields) }
            self.columns = Columns(
                username: username,
                quantity: quantity,
                netAmount: netAmount,
                date: found["date"],
                model: found["model"],
                unitType: found["unit_type"]
            )
            return
        }
        func value(_ index: Int?) -> String? {
            guard let index, index < fields.count else { return nil }
            return Self.trimmed(fields[index])
        }
        if let unit = value(columns.unitType)?.lowercased(), !unit.isEmpty, !Self.namesCredits(unit), unit != "ai-units" {
            otherUnitRows += 1
            return
        }
        if let date = value(columns.date), !date.isEmpty, !date.hasPrefix(month) {
            otherMonthRows += 1
            return
        }
        guard let user = value(columns.username), !user.isEmpty else {
            anonymousRows += 1
            return
        }
        guard let credits = value(columns.quantity).flatMap(Double.init), let net = value(columns.netAmount).flatMap(Double.init),
            credits.isFinite, net.isFinite
        else {
            unreadableRows += 1
            return
        }
        users[user, default: Amounts()].credits += credits
        users[user, default: Amounts()].netAmount += net
        if keepModels {
            let model = value(columns.model).flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"
            let key = UserModel(user: user, model: model)
            userModels[key, default: Amounts()].credits += credits
            userModels[key, default: Amounts()].netAmount += net
        }
    }

    /// Whether `unit` (lower case) contains `credit`, compared as bytes: `String.contains`
    /// went through Foundation's `range(of:)`, 8 % of reading the report.
    static func namesCredits(_ unit: String) -> Bool {
        var unit = unit
        return unit.withUTF8 { bytes in
            let needle: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0x63, 0x72, 0x65, 0x64, 0x69, 0x74)  // "credit"
            guard bytes.count >= 6 else { return false }
            for start in 0...(bytes.count - 6)
            where bytes[start] == needle.0 && bytes[start + 1] == needle.1 && bytes[start + 2] == needle.2
                && bytes[start + 3] == needle.3 && bytes[start + 4] == needle.4 && bytes[start + 5] == needle.5
            {
                return true
            }
            return false
        }
    }

    /// Starts another file of the same report: its first record is a header again.
    public mutating func startFile() { columns = nil }

    /// True once a header was read.
    public var hasHeader: Bool { columns != nil }
}
