/// A usage line of the billing platform, from `usage/summary` or from `usage`.
protocol UsageLine {
    var product: String { get }
    var sku: String { get }
    var unitType: String? { get }
    var grossAmount: Double? { get }
    var discountAmount: Double? { get }
    var netAmount: Double? { get }
    /// Gross quantity: `grossQuantity` in a summary, `quantity` in the daily report.
    var usedQuantity: Double? { get }
}

extension UsageSummaryResponse.Item: UsageLine {
    var usedQuantity: Double? { grossQuantity }
}

extension UsageReportResponse.Item: UsageLine {
    var usedQuantity: Double? { quantity }
}

/// `GET .../settings/billing/usage/summary`: usage aggregated by product and SKU.
public struct UsageSummaryResponse: Decodable, Sendable, Equatable {
    public struct Item: Decodable, Sendable, Equatable {
        public var product: String
        public var sku: String
        public var unitType: String?
        public var grossQuantity: Double?
        public var grossAmount: Double?
        public var discountAmount: Double?
        public var netAmount: Double?
    }

    public var usageItems: [Item]
}

/// `GET .../settings/billing/usage`: one row per day, product and SKU (and repository).
public struct UsageReportResponse: Decodable, Sendable, Equatable {
    public struct Item: Decodable, Sendable, Equatable {
        public var date: String?
        public var product: String
        public var sku: String
        public var quantity: Double?
        public var unitType: String?
        public var grossAmount: Double?
        public var discountAmount: Double?
        public var netAmount: Double?
        /// The organization the usage belongs to; empty or absent for usage of the enterprise itself.
        public var organizationName: String?
    }

    public var usageItems: [Item]
}

/// `GET .../settings/billing/premium_request/usage` and `.../ai_credit/usage`: usage by model.
public struct ModelUsageResponse: Decodable, Sendable, Equatable {
    public struct Item: Decodable, Sendable, Equatable {
        public var product: String?
        public var sku: String?
        public var model: String?
        public var unitType: String?
        public var grossQuantity: Double?
        public var grossAmount: Double?
        public var discountAmount: Double?
        public var netAmount: Double?
    }

    public var usageItems: [Item]
}

/// `GET /enterprises/{enterprise}/settings/billing/cost-centers`.
public struct CostCenterList: Decodable, Sendable, Equatable {
    public struct CostCenter: Decodable, Sendable, Equatable {
        public var id: String
        public var name: String?
        public var state: String?
    }

    public var costCenters: [CostCenter]

    enum CodingKeys: String, CodingKey {
        case costCenters
        case snake = "cost_centers"
    }

    public init(costCenters: [CostCenter]) { self.costCenters = costCenters }

    /// GitHub's billing platform writes camelCase; snake_case is accepted too.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        costCenters =
            try container.decodeIfPresent([CostCenter].self, forKey: .costCenters)
            ?? container.decodeIfPresent([CostCenter].self, forKey: .snake) ?? []
    }
}

/// `GET .../settings/billing/budgets`: the fields the exporter uses.
public struct BudgetList: Decodable, Sendable, Equatable {
    public struct Budget: Decodable, Sendable, Equatable {
        public var id: String
        public var budgetType: String?
        public var budgetProductSkus: [String]
        public var budgetScope: String?
        public var budgetEntityName: String?
        public var budgetAmount: Double

        enum CodingKeys: String, CodingKey {
            case id
            case budgetType = "budget_type"
            case budgetProductSkus = "budget_product_skus"
            case budgetProductSku = "budget_product_sku"
            case budgetScope = "budget_scope"
            case budgetEntityName = "budget_entity_name"
            case budgetAmount = "budget_amount"
        }

        public init(
            id: String,
            budgetType: String?,
            budgetProductSkus: [String],
            budgetScope: String?,
            budgetEntityName: String?,
            budgetAmount: Double
        ) {
            self.id = id
            self.budgetType = budgetType
            self.budgetProductSkus = budgetProductSkus
            self.budgetScope = budgetScope
            self.budgetEntityName = budgetEntityName
            self.budgetAmount = budgetAmount
        }

        /// Accepts `budget_product_skus` (list) and `budget_product_sku` (one), as the docs show both.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(String.self, forKey: .id)
            budgetType = try container.decodeIfPresent(String.self, forKey: .budgetType)
            budgetProductSkus =
                try container.decodeIfPresent([String].self, forKey: .budgetProductSkus)
                ?? container.decodeIfPresent(String.self, forKey: .budgetProductSku).map { [$0] } ?? []
            budgetScope = try container.decodeIfPresent(String.self, forKey: .budgetScope)
            budgetEntityName = try container.decodeIfPresent(String.self, forKey: .budgetEntityName)
            budgetAmount = try container.decode(Double.self, forKey: .budgetAmount)
        }
    }

    public var budgets: [Budget]
    /// Whether another `page` follows: budgets page in the body, not with `Link` headers.
    public var hasNextPage: Bool?
    public var totalCount: Int?

    enum CodingKeys: String, CodingKey {
        case budgets
        case hasNextPage = "has_next_page"
        case totalCount = "total_count"
    }
}
