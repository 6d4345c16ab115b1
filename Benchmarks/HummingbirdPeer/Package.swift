// swift-tools-version:6.0
import PackageDescription

/// The benchmark peer: a Hummingbird 2 server with the same routes as `batch-openai bench-server`.
/// It is a package of its own so that neither the main package nor CI ever builds Hummingbird;
/// only `scripts/bench/http.sh` does.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "HummingbirdPeer",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hummingbird-peer", targets: ["hummingbird-peer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .executableTarget(
            name: "hummingbird-peer",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
