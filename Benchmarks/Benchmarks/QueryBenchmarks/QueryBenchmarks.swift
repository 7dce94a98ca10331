import BenchSupport
import Benchmark
import CorpusIndex

/// Query latency per class on the benchmark index, warm: one benchmark per class of
/// `Benchmarks/Workload/queries.json`, each iteration running every query of the class once (top 10 with the
/// hits' metadata and snippets as the CLI prints them, or the count for the count-only class). Throughput is in
/// class passes per second; queries/s is reported as a custom metric.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput, RateMetrics.queriesPerSecond],
        warmupIterations: 3,
        maxDuration: .seconds(3),
        maxIterations: 2_000,
        thresholds: [.mallocCountTotal: RateMetrics.allocationsStable]
    )
    let session = BenchIndex.session()

    for queryClass in BenchWorkload.classes {
        let queries = BenchWorkload.queries(of: queryClass.key)
        let countOnly = queryClass.key == "count"
        Benchmark("Query \(queryClass.key): \(queryClass.label)") { benchmark in
            let (checksum, ns) = try RateMetrics.measure(benchmark) { () -> Int in
                var checksum = 0
                for query in queries {
                    if countOnly {
                        checksum &+= try session.count(query)
                    } else {
                        checksum &+= try session.search(query, top: 10).count
                    }
                }
                return checksum
            }
            blackHole(checksum)
            RateMetrics.record(benchmark, RateMetrics.queriesPerSecond, count: queries.count, nanoseconds: ns)
        }
    }
}
