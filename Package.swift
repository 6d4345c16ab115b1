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

        .target(name: "Gzip", dependencies: ["CZlib"], swiftSettings: swiftSettings),
        .target(name: "HTTPServer", dependencies: ["CLinux", "Gzip", logging], swiftSettings: swiftSettings),
        .target(name: "HTTPClient", dependencies: ["CCurl", logging], swiftSettings: swiftSettings),
        .target(name: "JSON", swiftSettings: swiftSettings),
        .target(name: "BatchCore", dependencies: ["JSON"], swiftSettings: swiftSettings),
        .target(name: "OpenAIClient", dependencies: ["HTTPClient", "BatchCore", "JSON", logging], swiftSettings: swiftSettings),
        .target(name: "InputBuilder", dependencies: ["BatchCore", "JSON"], swiftSettings: swiftSettings),
        .target(name: "OutputParser", dependencies: ["BatchCore", "JSON", logging], swiftSettings: swiftSettings),
        .target(
            name: "BatchService",
            dependencies: ["HTTPClient", "BatchCore", "JSON", "OpenAIClient", "InputBuilder", "OutputParser", logging],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OpenAISimulator",
            dependencies: ["HTTPServer", "OpenAIClient", "BatchCore", "JSON", "Gzip", logging],
            swiftSettings: swiftSettings
        ),
        .target(name: "BatchAPI", dependencies: ["HTTPServer", "BatchService", "JSON", logging], swiftSettings: swiftSettings),
        .executableTarget(
            name: "batch-openai",
            dependencies: [
                "HTTPServer", "HTTPClient", "BatchCore", "JSON", "OpenAIClient", "InputBuilder", "OutputParser",
                "BatchService", "OpenAISimulator", "BatchAPI", "Gzip", logging,
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Helpers shared by the test targets (loopback clients, temporary directories).
        .target(name: "TestSupport", dependencies: ["HTTPServer"], path: "Tests/TestSupport", swiftSettings: swiftSettings),

        .testTarget(name: "GzipTests", dependencies: ["Gzip", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "Gzip", "TestSupport", logging], swiftSettings: swiftSettings),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient", "CCurl", "HTTPServer", "TestSupport", logging], swiftSettings: swiftSettings),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "BatchCoreTests", dependencies: ["BatchCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OpenAIClientTests",
            dependencies: ["OpenAIClient", "HTTPClient", "JSON", "OpenAISimulator", "HTTPServer", "TestSupport", logging],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "InputBuilderTests", dependencies: ["InputBuilder", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "OutputParserTests", dependencies: ["OutputParser", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "BatchServiceTests",
            dependencies: ["BatchService", "BatchCore", "OpenAIClient", "OutputParser", "OpenAISimulator", "HTTPServer", "TestSupport", logging],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "OpenAISimulatorTests", dependencies: ["OpenAISimulator", "JSON", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "BatchAPITests",
            dependencies: ["BatchAPI", "BatchService", "OpenAIClient", "HTTPServer", "TestSupport", logging],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["BatchAPI", "OpenAISimulator", "BatchService", "OpenAIClient", "HTTPServer", "Gzip", "TestSupport", logging],
            swiftSettings: swiftSettings
        ),
    ]
)
