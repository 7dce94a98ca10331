import BenchSupport
import Benchmark
import CorpusIndex

/// Whole index builds from a generated CSV dump on disk, as `corpus-index build` runs them (read, parse, tokenize,
/// invert, merge, write, publish): MB/s of input, cables/s, peak resident memory and malloc counts, at 1 thread and
/// at the machine's threads. Each sample builds a fresh index into the benchmark cache.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident,
                  RateMetrics.megabytesPerSecond, RateMetrics.cablesPerSecond],
        warmupIterations: 0,
        maxDuration: .seconds(30),
        maxIterations: 5,
        thresholds: [.mallocCountTotal: RateMetrics.allocationsStable]
    )

    for threads in Set([1, BenchEnvironment.threads]).sorted() {
        Benchmark("IndexBuild.build (csv, \(threads) thread\(threads == 1 ? "" : "s"))") { benchmark in
            let path = BenchDumps.path(format: .csv)
            let output = BenchDumps.scratchIndexPath("build-t\(threads)")
            let reader = try DumpReader(paths: [path])
            let options = BuildOptions(threads: threads)
            let (report, ns) = try RateMetrics.measure(benchmark) {
                try IndexBuild.build(reader: reader, to: output, options: options)
            }
            RateMetrics.record(benchmark, RateMetrics.megabytesPerSecond, count: report.read.bytes, nanoseconds: ns,
                               unit: 1e6)
            RateMetrics.record(benchmark, RateMetrics.cablesPerSecond, count: report.read.records, nanoseconds: ns)
        }
    }

    Benchmark("IndexBuild.build (in-memory records, 1 thread)") { benchmark in
        // Without the reader: tokenize + invert + merge + write only, from records composed in memory.
        let records = BenchCorpus.records
        let chunks = stride(from: 0, to: records.count, by: 2_000).map { Array(records[$0..<min($0 + 2_000, records.count)]) }
        let output = BenchDumps.scratchIndexPath("build-memory")
        let bytes = records.reduce(0) { $0 + $1.body.count + $1.header.count }
        let (_, ns) = try RateMetrics.measure(benchmark) {
            try IndexBuild.build(chunks: chunks, to: output, options: BuildOptions(threads: 1))
        }
        RateMetrics.record(benchmark, RateMetrics.megabytesPerSecond, count: bytes, nanoseconds: ns, unit: 1e6)
        RateMetrics.record(benchmark, RateMetrics.cablesPerSecond, count: records.count, nanoseconds: ns)
    }
}
