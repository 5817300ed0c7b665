public import PrometheusExposition
public import WebServer

/// The exporter's endpoints: the telemetry path, `/`, `/-/healthy` and `/-/ready`.
///
/// Every answer comes from the published snapshot; nothing here calls GitHub.
public struct ExporterRouter: HTTPHandler {
    public let telemetryPath: String
    public let publisher: SnapshotPublisher
    public let version: String
    /// Families measured per scrape (the process's resource use, scrape counts), served ahead
    /// of the snapshot; nil serves the snapshot alone.
    public let live: (@Sendable () -> [MetricFamily])?

    public init(
        telemetryPath: String,
        publisher: SnapshotPublisher,
        version: String,
        live: (@Sendable () -> [MetricFamily])? = nil
    ) {
        self.telemetryPath = telemetryPath
        self.publisher = publisher
        self.version = version
        self.live = live
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let path = request.path
        guard path == telemetryPath || path == "/" || path == "/-/healthy" || path == "/-/ready" else {
            return .text(404, "404 page not found")
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return .text(405, "method not allowed", headers: [("Allow", "GET, HEAD")])
        }
        switch path {
        case telemetryPath: return metrics(request)
        case "/-/healthy": return .text(200, "OK")
        case "/-/ready":
            return publisher.snapshot.ready ? .text(200, "OK") : .text(503, "not ready: collectors have not finished a first attempt")
        default: return landingPage()
        }
    }

    func metrics(_ request: HTTPRequest) -> HTTPResponse {
        let format = ExpositionFormat.negotiate(accept: request.header("accept"))
        let snapshot = publisher.snapshot
        guard let body = snapshot.bodies[format] else { return .text(503, "no snapshot yet") }
        let prefix = livePrefix(format)
        // The held bodies are written in place behind the few live bytes, never copied: a
        // scrape costs the live families and the write, whatever the snapshot's size.
        if Self.acceptsGzip(request.header("accept-encoding")), !body.gzip.isEmpty {
            var response = HTTPResponse(
                status: 200,
                headers: [("Content-Type", format.contentType), ("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
            )
            let gzip = body.gzip
            if prefix.isEmpty {
                response.body = gzip
                return response
            }
            if let (lead, middle, trailer) = Gzip.prependingParts(prefix, to: gzip, memberLength: body.plainLength) {
                response.stream = BodyStream(length: lead.count + middle.count + trailer.count) { sink in
                    try lead.withUnsafeBytes { try sink($0) }
                    try gzip.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[middle])) }
                    try trailer.withUnsafeBytes { try sink($0) }
                }
                return response
            }
        }
        var response = HTTPResponse(status: 200, headers: [("Content-Type", format.contentType), ("Vary", "Accept-Encoding")])
        if let plain = body.plain {
            if prefix.isEmpty {
                response.body = plain
            } else {
                response.stream = BodyStream(length: prefix.count + plain.count) { sink in
                    try prefix.withUnsafeBytes { try sink($0) }
                    try plain.withUnsafeBytes { try sink($0) }
                }
            }
        } else {
            let exposition = snapshot.exposition
            response.stream = BodyStream(length: prefix.count + body.plainLength) { sink in
                try prefix.withUnsafeBytes { try sink($0) }
                try exposition.write(format, to: sink)
            }
        }
        return response
    }

    /// The live families in `format`, without OpenMetrics' `# EOF` (the snapshot ends with it).
    func livePrefix(_ format: ExpositionFormat) -> [UInt8] {
        guard let families = live?(), !families.isEmpty else { return [] }
        let bytes = Exposition([EncodedFamily.encode(families)]).bytes(format)
        return format == .openMetrics ? Array(bytes.dropLast("# EOF\n".utf8.count)) : bytes
    }

    func landingPage() -> HTTPResponse {
        let html = """
            <!DOCTYPE html>
            <html><head><title>copilot_exporter</title></head>
            <body><h1>copilot_exporter</h1><p>GitHub Copilot seats, usage and cost for Prometheus. Version \(version).</p>
            <ul><li><a href="\(telemetryPath)">Metrics</a></li><li><a href="/-/healthy">Health</a></li><li><a href="/-/ready">Readiness</a></li></ul>
            </body></html>
            """
        return HTTPResponse(status: 200, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(html.utf8))
    }

    /// True when `Accept-Encoding` lists `gzip` (or `*`) with a non-zero quality.
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        var wildcard = false
        for part in header.split(separator: ",") {
            let fields = part.split(separator: ";").map { $0.trimmingOWS().lowercased() }
            guard let coding = fields.first else { continue }
            var quality = 1.0
            for parameter in fields.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            if coding == "gzip" || coding == "x-gzip" { return quality > 0 }
            if coding == "*" { wildcard = quality > 0 }
        }
        return wildcard
    }
}
