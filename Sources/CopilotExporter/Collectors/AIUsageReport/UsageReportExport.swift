/// One usage report export as GitHub describes it (`/enterprises/{e}/settings/billing/reports`):
/// `status` is `processing`, `completed` or `failed`, and `download_urls` are present once it is
/// completed. Every field but `id` is optional here, so that a field GitHub leaves out does not
/// make the whole list unreadable.
struct UsageReportExport: Decodable, Sendable, Equatable {
    var id: String
    var reportType: String?
    var startDate: String?
    var endDate: String?
    var status: String?
    var downloadURLs: [String]?
    var createdAt: String?

    enum CodingKeys: String, CodingKey {
        case id
        case reportType = "report_type"
        case startDate = "start_date"
        case endDate = "end_date"
        case status
        case downloadURLs = "download_urls"
        case createdAt = "created_at"
    }

    /// Where the export stands; an unknown status (such as `pending`) counts as processing.
    enum Stage: Equatable {
        case processing
        case completed
        case failed
    }

    var stage: Stage {
        switch status?.lowercased() {
        case "completed": .completed
        case "failed": .failed
        default: .processing
        }
    }
}

/// `GET /enterprises/{e}/settings/billing/reports`.
struct UsageReportExportList: Decodable, Sendable {
    var exports: [UsageReportExport]

    enum CodingKeys: String, CodingKey {
        case exports = "usage_report_exports"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        exports = try container.decodeIfPresent([UsageReportExport].self, forKey: .exports) ?? []
    }
}
