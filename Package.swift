// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "corpus-index",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "CorpusIndex", targets: ["CorpusIndex"]),
        .executable(name: "corpus-index", targets: ["corpus-index"]),
        // The C API (include/corpus_index.h) for other tools; scripts/corpus_index.py loads it with ctypes.
        .library(name: "CorpusIndexC", type: .dynamic, targets: ["CorpusIndexC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Debian's zlib1g-dev; `pkgConfig` is the name of the .pc file.
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        // Debian's liblz4-dev.
        .systemLibrary(
            name: "CLZ4", pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"]), .brew(["lz4"])]),
        .target(
            name: "CorpusIndex",
            dependencies: ["CZlib", "CLZ4"],
            resources: [.copy("Resources")],
            // Release builds drop the dynamic exclusivity checks (swift_beginAccess on every class `var` access),
            // which cost a third of query time in the posting-cursor loops; debug builds and tests keep them.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .executableTarget(
            name: "corpus-index",
            dependencies: [
                "CorpusIndex",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(name: "CorpusIndexC", dependencies: ["CorpusIndex"]),
        .testTarget(
            name: "CorpusIndexTests",
            dependencies: ["CorpusIndex"],
            resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
