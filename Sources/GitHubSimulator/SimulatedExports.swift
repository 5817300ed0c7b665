/// How the simulator's usage report exports behave; tests change it while the simulator runs.
public struct SimulatedExportBehaviour: Sendable, Hashable {
    /// Status checks (`GET .../reports/{id}`) an export answers `processing` before it is done.
    public var processingChecks: Int
    /// The next this-many exports end `failed` instead of `completed`.
    public var failing: Int
    /// Seconds a download link works after the export completed (then 403).
    public var linkLifetime: Double
    /// Downloads each link allows before it answers 403; nil: any number.
    public var linkUses: Int?
    /// Files each export is split into.
    public var parts: Int
    /// US dollars per AI credit (`applied_cost_per_quantity`).
    public var pricePerCredit: Double
    /// Credits each user gets free each month: billed, then discounted in full.
    public var includedCredits: Double

    public init(
        processingChecks: Int = 0,
        failing: Int = 0,
        linkLifetime: Double = 3_600,
        linkUses: Int? = nil,
        parts: Int = 1,
        pricePerCredit: Double = 0.01,
        includedCredits: Double = 0
    ) {
        self.processingChecks = processingChecks
        self.failing = failing
        self.linkLifetime = linkLifetime
        self.linkUses = linkUses
        self.parts = parts
        self.pricePerCredit = pricePerCredit
        self.includedCredits = includedCredits
    }
}

/// One usage report export asked of the simulator.
struct SimulatedExport: Sendable {
    var id: String
    var enterprise: String
    var reportType: String
    var startDate: String
    var endDate: String
    var createdAt: Double
    var checks = 0
    /// `processing`, `completed` or `failed`.
    var status = "processing"
    var completedAt: Double?
    var downloads = 0
}

/// The simulator's exports and how they behave.
struct SimulatedExports: Sendable {
    var behaviour = SimulatedExportBehaviour()
    var exports: [SimulatedExport] = []
    var created = 0
}
