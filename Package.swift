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
        .target(name: "PrometheusExposition"),
        .target(
            name: "CopilotExporter",
            dependencies: ["PrometheusExposition", "CZlib", "COpenSSL", "CCrypt", "CMalloc"]
        ),
        .target(
            name: "GitHubSimulator",
            dependencies: ["CopilotExporter"]
        ),
        .executableTarget(
            name: "copilot_exporter",
            dependencies: ["CopilotExporter", "GitHubSimulator", "PrometheusExposition"]
        ),
        .executableTarget(
            name: "github_simulator",
            dependencies: ["CopilotExporter", "GitHubSimulator"]
        ),
        // bench/parse.sh: parsing throughput without the network.
        .executableTarget(
            name: "parse_bench",
            dependencies: ["CopilotExporter"],
            path: "bench/parse"
        ),
        .testTarget(
            name: "PrometheusExpositionTests",
            dependencies: ["PrometheusExposition"],
            resources: [.copy("Golden")]
        ),
        .testTarget(
            name: "CopilotExporterTests",
            dependencies: ["CopilotExporter", "GitHubSimulator", "PrometheusExposition"],
            resources: [.copy("Fixtures"), .copy("Golden")]
        ),
        .testTarget(
            name: "GitHubSimulatorTests",
            dependencies: ["GitHubSimulator", "CopilotExporter"]
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
