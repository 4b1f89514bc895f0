// swift-tools-version:6.1
// The libFuzzer harness, a package of its own so that only it is built with the fuzzer's
// instrumentation (`make fuzz`, `make fuzz-ci`): the root package builds as usual.
import PackageDescription

let package = Package(
    name: "aviary-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "Aviary", path: "..")],
    targets: [
        .executableTarget(
            name: "aviary-fuzz",
            dependencies: [.product(name: "AviaryFuzzing", package: "Aviary")],
            path: "Sources/aviary-fuzz"
        ),
    ]
)
