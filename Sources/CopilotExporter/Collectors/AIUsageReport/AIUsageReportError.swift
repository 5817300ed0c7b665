/// An AI usage report export that could not be used, as one sentence: what failed, why, and
/// what happens next.
struct AIUsageReportError: Error, Sendable, Equatable, CustomStringConvertible {
    let description: String

    /// GitHub marked the export failed.
    static func failed(enterprise: String, id: String) -> AIUsageReportError {
        AIUsageReportError(
            description: "GitHub reports the AI usage report export \(id) of enterprise \(enterprise) as failed; the last good values "
                + "stay, and the exporter asks for a new export on its next attempt."
        )
    }

    /// The CSV broke a bound or lacks a required column.
    static func unreadable(enterprise: String, id: String, detail: String) -> AIUsageReportError {
        AIUsageReportError(
            description: "The AI usage report export \(id) of enterprise \(enterprise) could not be read: \(detail); the last good "
                + "values stay; if this persists, report it with the report's header line."
        )
    }
}
