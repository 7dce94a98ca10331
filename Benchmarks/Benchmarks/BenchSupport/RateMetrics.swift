import Benchmark

/// Custom rate metrics that say more than wall time for streaming work: bytes and items per second, measured per
/// iteration with a monotonic clock and reported through `Benchmark.measurement(_:_:)`.
///
/// The values are integers (package-benchmark stores custom metrics as `Int`), so MB/s is reported with one
/// decimal folded in as tenths would be misleading: it is whole MB/s (10^6 bytes), and item rates are whole items
/// per second.
public enum RateMetrics {
    /// Megabytes (10^6 bytes) per second of input processed.
    public static let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)
    /// Millions of tokens per second.
    public static let tokensPerSecond = BenchmarkMetric.custom("Mtokens/s", polarity: .prefersLarger, useScalingFactor: false)
    /// Millions of integers (postings, deltas) per second.
    public static let integersPerSecond = BenchmarkMetric.custom("Mints/s", polarity: .prefersLarger, useScalingFactor: false)
    /// Millions of postings per second.
    public static let postingsPerSecond = BenchmarkMetric.custom("Mpostings/s", polarity: .prefersLarger, useScalingFactor: false)
    /// Cables (documents) per second.
    public static let cablesPerSecond = BenchmarkMetric.custom("cables/s", polarity: .prefersLarger, useScalingFactor: false)
    /// Queries per second.
    public static let queriesPerSecond = BenchmarkMetric.custom("queries/s", polarity: .prefersLarger, useScalingFactor: false)
    /// Bits per encoded integer, times 100 (so 7.53 bits reads 753); smaller is better.
    public static let centibitsPerInteger = BenchmarkMetric.custom("bits/int x100", polarity: .prefersSmaller, useScalingFactor: false)

    /// Tolerance of the committed malloc-count thresholds (`Thresholds/*.p90.json`) for code that should not
    /// allocate per item: the p90 may exceed the committed count by at most 2 allocations. Suites using it leave
    /// out `.peakMemoryResident`: package-benchmark samples that metric on a background thread whose allocations
    /// the malloc interposer counts too (seen here: 68–112 extra mallocs per 30 ms sample).
    public static var allocationFree: BenchmarkThresholds { BenchmarkThresholds(absolute: [.p90: 2]) }
    /// Tolerance for whole pipelines (reading, building, querying) whose allocation count depends slightly on
    /// thread scheduling: 2 % above the committed p90.
    public static var allocationsStable: BenchmarkThresholds { BenchmarkThresholds(relative: [.p90: 2.0]) }

    /// Runs `work` once as the benchmark's measured region (between `startMeasurement()` and
    /// `stopMeasurement()`), timing it with a monotonic clock, and returns its result with the elapsed
    /// nanoseconds (at least 1). Record rates with `benchmark.measurement(_:_:)` afterwards: recording allocates,
    /// and outside the measured region it does not count against the benchmark's malloc metrics.
    ///
    /// For benchmarks whose closure runs once per sample (scaling factor `.one`).
    @inline(__always)
    public static func measure<R>(_ benchmark: Benchmark, _ work: () throws -> R) rethrows
        -> (result: R, nanoseconds: Int64)
    {
        benchmark.startMeasurement()
        let start = ContinuousClock.now
        let result = try work()
        let elapsed = ContinuousClock.now - start
        benchmark.stopMeasurement()
        let (seconds, attoseconds) = elapsed.components
        return (result, max(1, seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
    }

    /// Records `count` per second (divided by `unit`) as `metric`.
    public static func record(
        _ benchmark: Benchmark, _ metric: BenchmarkMetric, count: Int, nanoseconds: Int64, unit: Double = 1
    ) {
        benchmark.measurement(metric, rate(count, nanoseconds: nanoseconds, unit: unit))
    }

    /// `count` per second given `nanoseconds`, divided by `unit` (1 for plain rates, 1_000_000 for M-rates).
    public static func rate(_ count: Int, nanoseconds: Int64, unit: Double = 1) -> Int {
        Int((Double(count) / unit / (Double(nanoseconds) / 1e9)).rounded())
    }
}
