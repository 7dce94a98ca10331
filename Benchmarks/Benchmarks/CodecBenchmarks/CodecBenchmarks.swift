import BenchSupport
import Benchmark
import CorpusIndex

/// The postings codecs on the corpus's real doc-id gaps and frequencies: integers per second to encode and decode,
/// and bits per integer (smaller is better). Encoding and decoding must not allocate once buffers exist.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, RateMetrics.integersPerSecond, RateMetrics.centibitsPerInteger],
        warmupIterations: 2,
        maxDuration: .seconds(5),
        maxIterations: 200,
        thresholds: [.mallocCountTotal: RateMetrics.allocationFree]
    )
    let streams = BenchPostings.corpus

    Benchmark("BitPacking.pack (doc gaps, 128-blocks)") { benchmark in
        let values = streams.blockGaps
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 4 + 128)
        let (_, ns) = RateMetrics.measure(benchmark) {
            out.removeAll(keepingCapacity: true)
            packBlocks(values, into: &out)
        }
        RateMetrics.record(benchmark, RateMetrics.integersPerSecond, count: values.count, nanoseconds: ns, unit: 1e6)
        benchmark.measurement(RateMetrics.centibitsPerInteger, out.count * 800 / max(1, values.count))
    }

    Benchmark("BitPacking.unpack (doc gaps, 128-blocks)") { benchmark in
        let (packed, count) = packBlocks(streams.blockGaps)
        var decoded = [UInt32](repeating: 0, count: 128)
        let (sum, ns) = RateMetrics.measure(benchmark) { () -> UInt32 in
            var sum: UInt32 = 0
            packed.withUnsafeBytes { raw in
                decoded.withUnsafeMutableBufferPointer { out in
                    var offset = 0
                    while offset < raw.count {
                        let width = Int(raw[offset])
                        guard let next = BitPacking.unpack(raw, at: offset + 1, bitWidth: width, into: out.baseAddress!)
                        else { fatalError("corrupt benchmark block at \(offset)") }
                        sum &+= out[127]
                        offset = next
                    }
                }
            }
            return sum
        }
        blackHole(sum)
        RateMetrics.record(benchmark, RateMetrics.integersPerSecond, count: count, nanoseconds: ns, unit: 1e6)
        benchmark.measurement(RateMetrics.centibitsPerInteger, packed.count * 800 / max(1, count))
    }

    Benchmark("Delta.decode + BitPacking.unpack (doc ids)") { benchmark in
        // The postings reader's inner loop: unpack a block of gaps, prefix-sum it into doc ids.
        let (packed, count) = packBlocks(streams.blockGaps)
        var decoded = [UInt32](repeating: 0, count: 128)
        let (last, ns) = RateMetrics.measure(benchmark) { () -> UInt32 in
            var base: UInt32 = 0
            packed.withUnsafeBytes { raw in
                decoded.withUnsafeMutableBufferPointer { out in
                    var offset = 0
                    while offset < raw.count {
                        let width = Int(raw[offset])
                        offset = BitPacking.unpack(raw, at: offset + 1, bitWidth: width, into: out.baseAddress!)!
                        // Each block restarts from base 0 here (the streams concatenate many lists).
                        base &+= Delta.decode(out.baseAddress!, count: 128, base: 0)
                    }
                }
            }
            return base
        }
        blackHole(last)
        RateMetrics.record(benchmark, RateMetrics.integersPerSecond, count: count, nanoseconds: ns, unit: 1e6)
        benchmark.measurement(RateMetrics.centibitsPerInteger, packed.count * 800 / max(1, count))
    }

    Benchmark("BitPacking.pack (term frequencies)") { benchmark in
        let values = streams.blockFrequencies
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 4 + 128)
        let (_, ns) = RateMetrics.measure(benchmark) {
            out.removeAll(keepingCapacity: true)
            packBlocks(values, into: &out)
        }
        RateMetrics.record(benchmark, RateMetrics.integersPerSecond, count: values.count, nanoseconds: ns, unit: 1e6)
        benchmark.measurement(RateMetrics.centibitsPerInteger, out.count * 800 / max(1, values.count))
    }

    Benchmark("VarInt.encode (list tails)") { benchmark in
        let values = streams.tailGaps
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 5)
        let (_, ns) = RateMetrics.measure(benchmark) {
            out.removeAll(keepingCapacity: true)
            for v in values { VarInt.encode(UInt64(v), into: &out) }
        }
        RateMetrics.record(benchmark, RateMetrics.integersPerSecond, count: values.count, nanoseconds: ns, unit: 1e6)
        benchmark.measurement(RateMetrics.centibitsPerInteger, out.count * 800 / max(1, values.count))
    }

    Benchmark("VarInt.decode32 (list tails)") { benchmark in
        let values = streams.tailGaps
        var encoded: [UInt8] = []
        for v in values { VarInt.encode(UInt64(v), into: &encoded) }
        let (sum, ns) = RateMetrics.measure(benchmark) { () -> UInt32 in
            var sum: UInt32 = 0
            encoded.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    guard let (value, next) = VarInt.decode32(raw, at: offset) else { fatalError("bad VarInt") }
                    sum &+= value
                    offset = next
                }
            }
            return sum
        }
        blackHole(sum)
        RateMetrics.record(benchmark, RateMetrics.integersPerSecond, count: values.count, nanoseconds: ns, unit: 1e6)
        benchmark.measurement(RateMetrics.centibitsPerInteger, encoded.count * 800 / max(1, values.count))
    }
}

/// Packs the full 128-blocks of `values` onto `out`, each block prefixed by its bit-width byte (the shape of a
/// postings block without its skip data).
@inline(__always)
func packBlocks(_ values: [UInt32], into out: inout [UInt8]) {
    values.withUnsafeBufferPointer { v in
        var i = 0
        while i + 128 <= v.count {
            let width = BitPacking.bitWidth(v.baseAddress! + i, count: 128)
            out.append(UInt8(width))
            BitPacking.pack(v.baseAddress! + i, bitWidth: width, into: &out)
            i += 128
        }
    }
}

/// `values` packed by `packBlocks`, and how many integers that is.
func packBlocks(_ values: [UInt32]) -> (bytes: [UInt8], count: Int) {
    var out: [UInt8] = []
    packBlocks(values, into: &out)
    return (out, values.count / 128 * 128)
}
