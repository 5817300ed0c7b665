import Testing

@testable import CopilotExporter
@testable import WebServer

@Suite struct HealthCheckCommandTests {
    @Test func healthyServerExitsZeroAndAStoppedOneExitsOne() async throws {
        let router = ExporterRouter(telemetryPath: "/metrics", publisher: SnapshotPublisher(), version: "t")
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), handler: router)
        let port = try server.start()
        let healthy = await HealthCheckCommand.run(["healthcheck", "http://127.0.0.1:\(port)/-/healthy"])
        #expect(healthy.status == 0 && healthy.message == nil)
        let missing = await HealthCheckCommand.run(["healthcheck", "http://127.0.0.1:\(port)/nothing"])
        #expect(missing.status == 1 && missing.message?.contains("answered 404") == true)
        await server.shutdown(grace: 1)
        let stopped = await HealthCheckCommand.run(["healthcheck", "http://127.0.0.1:\(port)/-/healthy"], timeout: 2)
        #expect(stopped.status == 1 && stopped.message?.contains("did not answer") == true)
        #expect(await HealthCheckCommand.run(["healthcheck", "ftp://x"]).status == 2)
    }
}
