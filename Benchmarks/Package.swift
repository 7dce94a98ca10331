// swift-tools-version: 6.1
// The benchmark suites of corpus-index, in their own package so that `swift test` at the root never builds the
// benchmark graph (the way swift-nio keeps its Benchmarks/). Run from this folder:
//
//     swift package benchmark                      # every suite
//     swift package benchmark --target CodecBenchmarks
//     swift package benchmark thresholds check     # malloc counts against Thresholds/
//
// Data comes from the library's generator, cached under ../work-data/bench-cache (gitignored); its size is set by
// CORPUS_BENCH_CABLES (default 5,000; full size is 251287).
import Foundation
import PackageDescription

// A path dependency's identity is its folder name, which differs between checkouts (main, worktrees, CI clones),
// so compute it instead of hard-coding "corpus-index".
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

/// Every suite: an executable target under Benchmarks/<name> run by the BenchmarkPlugin.
func suite(_ name: String, extra: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: [
            .product(name: "CorpusIndex", package: root),
            .product(name: "Benchmark", package: "benchmark"),
            "BenchSupport",
        ] + extra,
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "CorpusIndexBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Shared by the suites: the cached generated corpus and small helpers (MB/s metrics, query sets).
        .target(
            name: "BenchSupport",
            dependencies: [
                .product(name: "CorpusIndex", package: root),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/BenchSupport"),
        suite("TokenizerBenchmarks"),
        suite("CodecBenchmarks"),
        suite("ReaderBenchmarks"),
        suite("BuildBenchmarks"),
        suite("QueryBenchmarks"),
        // Not a benchmark: the in-process latency probe scripts/bench and scripts/compare run (see its header).
        .executableTarget(
            name: "query-latency",
            dependencies: [.product(name: "CorpusIndex", package: root)],
            path: "Tools/query-latency"),
    ],
    swiftLanguageModes: [.v6]
)
