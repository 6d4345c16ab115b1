// swift-tools-version:6.1
import PackageDescription

/// One set of compiler settings for every Swift target: Swift 6 language mode and explicit `any`.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")

let package = Package(
    name: "batch-openai",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "batch-openai", targets: ["batch-openai"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
    ],
    targets: [
        // C shims: each is the only includer of its library's header.
        .target(name: "CCurl"),
        .target(name: "CZlib", linkerSettings: [.linkedLibrary("z")]),
        .target(name: "CLinux"),

        .target(name: "JSON", swiftSettings: swiftSettings),
        .target(name: "SystemIO", swiftSettings: swiftSettings),
        .target(name: "Gzip", dependencies: ["CZlib", "SystemIO"], swiftSettings: swiftSettings),
        .target(name: "HTTPServer", dependencies: ["CLinux", "SystemIO", "Gzip", logging], swiftSettings: swiftSettings),
        .target(name: "HTTPClient", dependencies: ["CCurl", "SystemIO", logging], swiftSettings: swiftSettings),
        .target(name: "BatchCore", dependencies: ["JSON"], swiftSettings: swiftSettings),
        .target(name: "OpenAIClient", dependencies: ["JSON", "SystemIO", "HTTPClient", logging], swiftSettings: swiftSettings),
        .target(name: "InputBuilder", dependencies: ["JSON", "SystemIO", "BatchCore"], swiftSettings: swiftSettings),
        .target(name: "OutputParser", dependencies: ["JSON", "SystemIO", "BatchCore", logging], swiftSettings: swiftSettings),
        .target(
            name: "BatchService",
            dependencies: ["JSON", "SystemIO", "BatchCore", "OpenAIClient", "InputBuilder", "OutputParser", "Gzip", logging],
            // The Batch API price table, compiled into the binary (BATCH_OPENAI_PRICES replaces it at run time).
            resources: [.embedInCode("Resources/prices.json")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OpenAISimulator",
            dependencies: ["JSON", "SystemIO", "HTTPServer", "OpenAIClient", "BatchCore", logging],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BatchAPI",
            dependencies: ["JSON", "SystemIO", "HTTPServer", "BatchService", logging],
            // The API description and the docs page are files of their own, compiled into the binary.
            resources: [.embedInCode("Resources/openapi.json"), .embedInCode("Resources/docs.html")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "batch-openai",
            dependencies: [
                "CLinux", "JSON", "SystemIO", "HTTPServer", "BatchCore", "OpenAIClient", "InputBuilder", "OutputParser",
                "BatchService", "OpenAISimulator", "BatchAPI", "Gzip", logging,
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Helpers shared by the test targets (loopback clients, temporary directories).
        .target(name: "TestSupport", dependencies: ["HTTPServer", logging], path: "Tests/TestSupport", swiftSettings: swiftSettings),
        // An in-memory `BatchBackend` for the coordinator's and the routes' tests (no simulator, no socket).
        .target(name: "BackendTesting", dependencies: ["OpenAIClient"], path: "Tests/BackendTesting", swiftSettings: swiftSettings),

        .testTarget(name: "SystemIOTests", dependencies: ["SystemIO"], swiftSettings: swiftSettings),
        .testTarget(name: "GzipTests", dependencies: ["Gzip", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "Gzip", "TestSupport", logging], swiftSettings: swiftSettings),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient", "CCurl", "HTTPServer", "TestSupport", logging], swiftSettings: swiftSettings),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "BatchCoreTests", dependencies: ["BatchCore"], swiftSettings: swiftSettings),
        // The executable's own pieces (configuration parsing, the log handler), through `@testable import batch_openai`.
        .testTarget(name: "BatchOpenAITests", dependencies: ["batch-openai", logging], swiftSettings: swiftSettings),
        .testTarget(
            name: "OpenAIClientTests",
            dependencies: ["OpenAIClient", "HTTPClient", "JSON", "OpenAISimulator", "HTTPServer", "TestSupport", logging],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "InputBuilderTests", dependencies: ["InputBuilder", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "OutputParserTests", dependencies: ["OutputParser", "TestSupport", logging], swiftSettings: swiftSettings),
        .testTarget(
            name: "BatchServiceTests",
            dependencies: ["BatchService", "BatchCore", "OpenAIClient", "OutputParser", "OpenAISimulator", "HTTPServer", "Gzip", "JSON", "TestSupport", "BackendTesting", logging],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OpenAISimulatorTests",
            dependencies: ["OpenAISimulator", "OpenAIClient", "BatchCore", "HTTPServer", "JSON", "TestSupport", logging],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BatchAPITests",
            dependencies: ["BatchAPI", "BatchService", "BatchCore", "OpenAIClient", "HTTPServer", "Gzip", "TestSupport", "BackendTesting", logging],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["BatchAPI", "OpenAISimulator", "BatchService", "OpenAIClient", "HTTPServer", "Gzip", "TestSupport", logging],
            swiftSettings: swiftSettings
        ),
    ]
)
