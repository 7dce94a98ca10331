import BenchSupport
import Benchmark
import CorpusIndex

/// Dump readers on generated dumps: MB/s of input and cables/s, per form and compression, on one thread and on the
/// machine's threads (`processInParallel`). Records are parsed fully (every field) and dropped.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident,
                  RateMetrics.megabytesPerSecond, RateMetrics.cablesPerSecond],
        warmupIterations: 1,
        maxDuration: .seconds(10),
        maxIterations: 20,
        thresholds: [.mallocCountTotal: RateMetrics.allocationsStable]
    )

    let cases: [(String, DumpFormat, DumpCompression)] = [
        ("csv", .csv, .none), ("csv.gz", .csv, .gzip), ("csv.lz4", .csv, .lz4), ("sql", .sql, .none),
    ]
    for (name, format, compression) in cases {
        Benchmark("DumpReader.forEachRecord (\(name), 1 thread)") { benchmark in
            let path = BenchDumps.path(format: format, compression: compression)
            let reader = try DumpReader(paths: [path])
            let (summary, ns) = try RateMetrics.measure(benchmark) {
                try reader.forEachRecord { record in blackHole(record.body.count) }
            }
            record(benchmark, bytes: BenchDumps.size(of: path), cables: summary.records, ns: ns)
        }
    }

    Benchmark("DumpReader.processInParallel (csv, \(BenchEnvironment.threads) threads)") { benchmark in
        let path = BenchDumps.path(format: .csv)
        let reader = try DumpReader(paths: [path])
        var cables = 0
        let (_, ns) = try RateMetrics.measure(benchmark) {
            try reader.processInParallel(
                threads: BenchEnvironment.threads,
                work: { chunk -> Int in
                    var bodyBytes = 0
                    _ = try chunk.forEachRecord { bodyBytes &+= $0.body.count }
                    return bodyBytes
                },
                collect: { bodyBytes, summary, _ in
                    blackHole(bodyBytes)
                    cables += summary.records
                })
        }
        record(benchmark, bytes: BenchDumps.size(of: path), cables: cables, ns: ns)
    }
}

func record(_ benchmark: Benchmark, bytes: Int, cables: Int, ns: Int64) {
    RateMetrics.record(benchmark, RateMetrics.megabytesPerSecond, count: bytes, nanoseconds: ns, unit: 1e6)
    RateMetrics.record(benchmark, RateMetrics.cablesPerSecond, count: cables, nanoseconds: ns)
}
