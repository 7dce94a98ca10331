import Foundation

/// Where the benchmark suites find their inputs and how big those inputs are.
///
/// Everything is read from the environment once, so a whole run uses one corpus size:
/// - `CORPUS_BENCH_CABLES`: cables in the generated dump (default 5,000 — a full run of every suite takes minutes;
///   251287 is the size of the real Cablegate dump).
/// - `CORPUS_BENCH_SEED`: the generator's seed (default 42), so two runs measure the same bytes.
/// - `CORPUS_BENCH_CACHE`: where generated dumps and indexes are cached (default `<repo>/work-data/bench-cache`,
///   gitignored). A cached file is reused when its name (size, seed) matches; delete the folder to regenerate.
///
/// Immutable after first use; thread-safe.
public enum BenchEnvironment {
    /// The root of the corpus-index checkout this benchmark package sits in (found from this source file's path,
    /// `<root>/Benchmarks/Benchmarks/BenchSupport/BenchEnvironment.swift`).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // BenchSupport
        .deletingLastPathComponent()  // Benchmarks (sources)
        .deletingLastPathComponent()  // Benchmarks (package)
        .deletingLastPathComponent()

    /// The number of cables the generated corpus holds.
    public static let cableCount: Int = integer("CORPUS_BENCH_CABLES", default: 5_000, range: 1...10_000_000)

    /// The generator's seed.
    public static let seed: UInt64 = UInt64(integer("CORPUS_BENCH_SEED", default: 42, range: 0...Int.max))

    /// The folder that caches generated dumps and built indexes, created on first use.
    public static let cacheDirectory: URL = {
        let url: URL
        if let path = ProcessInfo.processInfo.environment["CORPUS_BENCH_CACHE"], !path.isEmpty {
            url = URL(fileURLWithPath: path)
        } else {
            url = repositoryRoot.appendingPathComponent("work-data/bench-cache")
        }
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// The threads a parallel benchmark uses: `CORPUS_BENCH_THREADS`, else the machine's active processors.
    public static let threads: Int = integer(
        "CORPUS_BENCH_THREADS", default: ProcessInfo.processInfo.activeProcessorCount, range: 1...1024)

    /// The committed test fixture (the first 12 cables of the real dump, CSV form).
    public static var fixtureCSV: URL {
        repositoryRoot.appendingPathComponent("Tests/CorpusIndexTests/Fixtures/cables-first12.csv")
    }

    static func integer(_ name: String, default value: Int, range: ClosedRange<Int>) -> Int {
        guard let text = ProcessInfo.processInfo.environment[name], !text.isEmpty else { return value }
        let digits = text.replacingOccurrences(of: "_", with: "").replacingOccurrences(of: ",", with: "")
        guard let parsed = Int(digits), range.contains(parsed) else {
            fatalError("\(name)=\(text): expected an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return parsed
    }
}
