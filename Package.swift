// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Aviary",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "aviary", targets: ["aviary"]),
        .library(name: "AviaryCore", targets: ["AviaryCore"]),
        .library(name: "AviaryTracking", targets: ["AviaryTracking"]),
        .library(name: "AviaryServer", targets: ["AviaryServer"]),
        .library(name: "AviaryModels", targets: ["AviaryModels"]),
        .library(name: "AviaryMonitoring", targets: ["AviaryMonitoring"]),
        // For the libFuzzer harnesses in fuzz/, a package of their own.
        .library(name: "AviaryFuzzing", targets: ["AviaryFuzzing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        .target(name: "AviaryCore"),
        .target(name: "AviaryCodecs", dependencies: ["AviaryCore"]),
        .target(name: "AviaryTracking", dependencies: ["AviaryCore"]),
        .target(name: "AviaryRegistry", dependencies: ["AviaryCore", "AviaryTracking"]),
        .target(name: "AviaryArtifacts", dependencies: ["AviaryCore"]),
        .target(name: "AviaryModels", dependencies: ["AviaryCore", "AviaryCodecs", .product(name: "Yams", package: "Yams")]),
        .target(name: "AviaryMonitoring", dependencies: ["AviaryCore", "AviaryCodecs"]),
        .target(name: "AviaryDeployments", dependencies: ["AviaryCore", "AviaryModels", "AviaryMonitoring"]),
        .target(
            name: "AviaryStoreSQLite",
            dependencies: [
                "AviaryCore", "AviaryTracking", "AviaryRegistry", "AviaryMonitoring",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "AviaryHTTP",
            dependencies: [
                "AviaryCore", "AviaryCodecs", "AviaryTracking", "AviaryRegistry", "AviaryArtifacts", "AviaryModels", "AviaryMonitoring",
                "AviaryDeployments",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "AviaryServer",
            dependencies: [
                "AviaryCore", "AviaryTracking", "AviaryRegistry", "AviaryArtifacts", "AviaryStoreSQLite", "AviaryHTTP", "AviaryModels",
                "AviaryDeployments",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "aviary",
            dependencies: [
                "AviaryServer", "AviaryCodecs", "AviaryDeployments", "AviaryModels", "AviaryMonitoring", "AviaryStoreSQLite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Sources/AviaryCLI"
        ),
        .executableTarget(
            name: "aviary-predict-bench",
            dependencies: ["AviaryModels", "AviaryCodecs", "AviaryCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "bench/PredictBench"
        ),
        .executableTarget(
            name: "aviary-request-bench",
            dependencies: [
                "AviaryServer", "AviaryHTTP", "AviaryDeployments", "AviaryModels", "AviaryMonitoring", "AviaryStoreSQLite", "AviaryArtifacts",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "bench/RequestBench"
        ),
        .target(name: "AviaryTesting", dependencies: ["AviaryCore", "AviaryTracking", "AviaryRegistry"]),
        .target(name: "AviaryFuzzing", dependencies: ["AviaryCore", "AviaryCodecs", "AviaryDeployments", "AviaryHTTP", "AviaryModels", "AviaryMonitoring"]),
        .testTarget(name: "AviaryCoreTests", dependencies: ["AviaryCore"]),
        .testTarget(name: "AviaryCodecsTests", dependencies: ["AviaryCodecs", "AviaryCore"]),
        .testTarget(name: "AviaryDeploymentsTests", dependencies: ["AviaryDeployments", "AviaryCore"]),
        .testTarget(name: "AviaryTrackingTests", dependencies: ["AviaryTracking"]),
        .testTarget(
            name: "AviaryStoreSQLiteTests",
            dependencies: [
                "AviaryCore", "AviaryStoreSQLite", "AviaryTracking", "AviaryRegistry", "AviaryMonitoring", "AviaryTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(name: "AviaryRegistryTests", dependencies: ["AviaryRegistry"]),
        .testTarget(name: "AviaryModelsTests", dependencies: ["AviaryModels", "AviaryCodecs"]),
        .testTarget(name: "AviaryMonitoringTests", dependencies: ["AviaryMonitoring", "AviaryModels"]),
        .testTarget(name: "AviaryHTTPTests", dependencies: ["AviaryHTTP", "AviaryDeployments", "AviaryTracking", "AviaryModels", "AviaryCore"]),
        .testTarget(
            name: "AviaryServerTests",
            dependencies: [
                "AviaryServer", "AviaryFuzzing", "AviaryDeployments",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
