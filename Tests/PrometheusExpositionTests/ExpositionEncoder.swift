import PrometheusExposition

/// Encodes metric families in the Prometheus text format 0.0.4 or OpenMetrics 1.0.0, byte for
/// byte as prometheus/common's `expfmt` writes them.
///
/// The input is normalized first (families merged by name and sorted, samples sorted by labels),
/// so the same families always give the same bytes: what makes golden files and caching work.
/// What the formats cannot express (a name with two HELP texts or TYPEs, a repeated series) is
/// dropped, never written; `[MetricFamily].clashes()` tells what that is.
/// It goes through the same path as the exporter's snapshots (`EncodedFamily`, `Exposition`),
/// so the golden files check that path.
enum ExpositionEncoder {
    /// The exposition of `families` in `format`, as UTF-8 bytes.
    static func encode(_ families: [MetricFamily], format: ExpositionFormat) -> [UInt8] {
        Exposition([EncodedFamily.encode(families)]).bytes(format)
    }
}
