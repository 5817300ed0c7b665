/// One day's usage of one SKU by one organization, as the billing platform records it.
public struct SimulatedUsage: Sendable, Hashable {
    /// Which model endpoint also reports the row, if any.
    public enum Meter: String, Sendable, Hashable {
        case premiumRequests = "premium_request"
        case aiCredits = "ai_credit"
    }

    public var day: String
    public var organization: String
    public var product: String
    public var sku: String
    public var unitType: String
    public var pricePerUnit: Double
    public var quantity: Double
    /// Quantity covered by included allotments (billed at zero).
    public var discountQuantity: Double
    public var model: String?
    public var meter: Meter?
    public var costCenter: String?
    public var repository: String?

    public init(
        day: String,
        organization: String,
        product: String,
        sku: String,
        unitType: String,
        pricePerUnit: Double,
        quantity: Double,
        discountQuantity: Double = 0,
        model: String? = nil,
        meter: Meter? = nil,
        costCenter: String? = nil,
        repository: String? = nil
    ) {
        self.day = day
        self.organization = organization
        self.product = product
        self.sku = sku
        self.unitType = unitType
        self.pricePerUnit = pricePerUnit
        self.quantity = quantity
        self.discountQuantity = discountQuantity
        self.model = model
        self.meter = meter
        self.costCenter = costCenter
        self.repository = repository
    }

    public var grossAmount: Double { quantity * pricePerUnit }
    public var discountAmount: Double { discountQuantity * pricePerUnit }
    public var netAmount: Double { grossAmount - discountAmount }
}

/// An enterprise cost center. Names need not be unique; ids are.
public struct SimulatedCostCenter: Sendable, Hashable {
    public var id: String
    public var name: String
    /// Deleted during the month: listed only without a state filter or with `state=deleted`,
    /// and its usage still counts.
    public var deleted: Bool

    public init(id: String, name: String, deleted: Bool = false) {
        self.id = id
        self.name = name
        self.deleted = deleted
    }
}

/// A configured budget.
public struct SimulatedBudget: Sendable, Hashable {
    public var id: String
    public var type: String
    public var skus: [String]
    public var scope: String
    public var entity: String
    public var amount: Double

    public init(id: String, type: String, skus: [String], scope: String, entity: String, amount: Double) {
        self.id = id
        self.type = type
        self.skus = skus
        self.scope = scope
        self.entity = entity
        self.amount = amount
    }
}

/// The billing side of a scenario.
public struct SimulatedBilling: Sendable, Hashable {
    /// What the enterprise `premium_request/usage` and `ai_credit/usage` return without
    /// `cost_center_id`: GitHub documents no default for them (for `usage` it is "no cost center").
    public enum ModelUsageDefault: Sendable, Hashable {
        /// Usage of every cost center and of none.
        case allCostCenters
        /// Only usage that has no cost center, like the `usage` endpoint.
        case noCostCenter
    }

    public var usage: [SimulatedUsage]
    /// Cost centers by enterprise slug.
    public var costCenters: [String: [SimulatedCostCenter]]
    /// Budgets by `org/LOGIN` or `enterprise/SLUG`.
    public var budgets: [String: [SimulatedBudget]]
    /// Endpoints a scope's plan does not offer (404), as `org/LOGIN/ENDPOINT` or
    /// `enterprise/SLUG/ENDPOINT` with ENDPOINT such as `premium_request/usage` or `budgets`.
    public var notOffered: Set<String>
    public var modelUsageDefault: ModelUsageDefault
    /// Enterprise slugs whose cost-center list answers 403 (a token that may read usage but
    /// not cost centers).
    public var costCentersRefused: Set<String>

    public init(
        usage: [SimulatedUsage] = [],
        costCenters: [String: [SimulatedCostCenter]] = [:],
        budgets: [String: [SimulatedBudget]] = [:],
        notOffered: Set<String> = [],
        modelUsageDefault: ModelUsageDefault = .allCostCenters,
        costCentersRefused: Set<String> = []
    ) {
        self.usage = usage
        self.costCenters = costCenters
        self.budgets = budgets
        self.notOffered = notOffered
        self.modelUsageDefault = modelUsageDefault
        self.costCentersRefused = costCentersRefused
    }
}
