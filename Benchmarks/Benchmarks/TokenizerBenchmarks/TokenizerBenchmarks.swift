import BenchSupport
import Benchmark
import CorpusIndex

/// The analyzer on cable text: how fast bytes become tokens, and that doing so allocates nothing per token.
///
/// Input: the bodies of the generated benchmark corpus (`BenchCorpus.bodies`), tokenized field by field as the
/// indexer does, with one reused `TokenScratch`.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput,
                  RateMetrics.megabytesPerSecond, RateMetrics.tokensPerSecond],
        warmupIterations: 1,
        maxDuration: .seconds(5),
        maxIterations: 50,
        thresholds: [.mallocCountTotal: RateMetrics.allocationFree]
    )

    Benchmark("Analyzer.forEachToken (bodies)") { benchmark in
        let bodies = BenchCorpus.bodies
        let totalBytes = bodies.reduce(0) { $0 + $1.count }
        var scratch = TokenScratch()
        let ((tokens, checksum), ns) = RateMetrics.measure(benchmark) { () -> (Int, Int) in
            var tokens = 0
            var checksum = 0
            for body in bodies {
                body.withUnsafeBytes { raw in
                    tokens += Analyzer.forEachToken(in: raw, scratch: &scratch) { token, _, _ in
                        checksum &+= token.count
                    }
                }
            }
            return (tokens, checksum)
        }
        blackHole(checksum)
        RateMetrics.record(benchmark, RateMetrics.megabytesPerSecond, count: totalBytes, nanoseconds: ns, unit: 1e6)
        RateMetrics.record(benchmark, RateMetrics.tokensPerSecond, count: tokens, nanoseconds: ns, unit: 1e6)
    }

    Benchmark("Analyzer.forEachToken (one 64 KiB block)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        // A fixed-size block from the corpus: isolates the scan loop from per-field call overhead.
        let block = BenchCorpus.textBlock(bytes: 64 << 10)
        var scratch = TokenScratch()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            block.withUnsafeBytes { raw in
                blackHole(Analyzer.forEachToken(in: raw, scratch: &scratch) { _, _, _ in })
            }
        }
    }

    Benchmark("Analyzer.tokens(of:) query strings", configuration: .init(
        metrics: [.wallClock, .mallocCountTotal], scalingFactor: .kilo)
    ) { benchmark in
        // The query-side path (String in, [String] out): allocates by design; measured so it stays small next to
        // query evaluation.
        let queries = ["nuclear", "Embassy Buenos Aires", "PREFERENTIAL JURISDICTION", "human rights PHUM",
                       "06STATE12345 \"territorial sea\""]
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            blackHole(Analyzer.tokens(of: queries[i % queries.count]))
        }
    }
}
