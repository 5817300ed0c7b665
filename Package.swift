// swift-tools-version:6.0

import PackageDescription

let package = Package(
    name: "copilot_exporter",
    products: [
        .executable(name: "copilot_exporter", targets: ["copilot_exporter"]),
        .executable(name: "github_simulator", targets: ["github_simulator"]),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            path: "Sources/COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CCrypt",
            path: "Sources/CCrypt",
            providers: [.apt(["libcrypt-dev"])]
        ),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        // Replaces FoundationNetworking's per-request host check, which leaks libcurl's parsed URL
        // (see the C file): exported for the dynamic linker, wrapped for static linking.
        .target(
            name: "CURLHostCheck",
            linkerSettings: [
                .unsafeFlags([
                    "-Xlinker", "--export-dynamic-symbol=CFURLSessionCurlHostIsEqual",
                    "-Xlinker", "--wrap=CFURLSessionCurlHostIsEqual",
                ])
            ]
        ),
        // libcurl's easy interface, looked up at run time (no libcurl headers needed to build).
        .target(name: "CURLEasy"),
        // The metric model and its text and OpenMetrics encoders: imports nothing.
        .target(name: "PrometheusExposition"),
        // HTTP/1.1 server, TLS and basic authentication: knows nothing of GitHub or metrics.
        .target(name: "WebServer", dependencies: ["COpenSSL", "CCrypt"]),
        // GitHub's REST API: transport, paging, rate limits, credentials and the scope a request is
        // for; knows no metrics and no collectors.
        .target(name: "GitHubAPI", dependencies: ["COpenSSL", "CURLHostCheck", "CURLEasy"]),
        // Collectors, polling, the snapshot store, configuration and the application.
        .target(
            name: "CopilotExporter",
            dependencies: ["PrometheusExposition", "WebServer", "GitHubAPI", "CZlib", "COpenSSL", "CMalloc"]
        ),
        // The fake GitHub: serves through WebServer, and reads and writes GitHub's formats with
        // code of its own, so a misreading shared with the client cannot cancel out in tests.
        .target(name: "GitHubSimulator", dependencies: ["WebServer", "COpenSSL"]),
        .executableTarget(
            name: "copilot_exporter",
            dependencies: ["CopilotExporter", "GitHubSimulator"]
        ),
        .executableTarget(name: "github_simulator", dependencies: ["GitHubSimulator"]),
        // bench/parse.sh: parsing throughput without the network.
        .executableTarget(
            name: "parse_bench",
            dependencies: ["CopilotExporter", "GitHubAPI"],
            path: "bench/parse"
        ),
        .testTarget(
            name: "PrometheusExpositionTests",
            dependencies: ["PrometheusExposition"],
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "CopilotExporterTests",
            dependencies: ["CopilotExporter", "GitHubAPI", "WebServer", "GitHubSimulator", "PrometheusExposition", "CZlib"],
            exclude: ["Fixtures", "Golden"]
        ),
        .testTarget(
            name: "GitHubSimulatorTests",
            dependencies: ["GitHubSimulator", "WebServer"]
        ),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    // Require `any` for existential types.
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    // A file sees only the modules it imports itself.
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    // Imports are internal unless marked `public import`.
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
