/// Walker's alias table: draws an index `i` with probability `weights[i] / sum(weights)` in O(1) with one random
/// 64-bit word and no allocation.
///
/// Built once (O(n)), then read-only and safe to share between threads.
struct AliasTable: Sendable {
    /// Per slot: the probability (scaled to 2^32) of keeping the slot rather than taking its alias
    /// (`UInt32.max`: always kept).
    let threshold: [UInt32]
    /// Per slot: the outcome taken when the slot is not kept.
    let alias: [Int32]

    /// The number of outcomes.
    var count: Int { threshold.count }

    /// Builds the table; `weights` must be non-empty, non-negative and not all zero.
    init(weights: [Double]) {
        let n = weights.count
        precondition(n > 0 && n < Int(Int32.max), "alias table needs 1..<2^31 outcomes")
        let total = weights.reduce(0, +)
        precondition(total > 0, "alias table needs a positive total weight")
        var scaled = weights.map { $0 * Double(n) / total }
        var thresholds = [UInt32](repeating: UInt32.max, count: n)
        var aliases = [Int32](repeating: 0, count: n)
        var small: [Int] = []
        var large: [Int] = []
        for i in 0..<n {
            aliases[i] = Int32(i)
            if scaled[i] < 1 { small.append(i) } else { large.append(i) }
        }
        while let s = small.popLast() {
            guard let l = large.last else { break }
            thresholds[s] = UInt32(min(scaled[s] * 4_294_967_296.0, 4_294_967_295.0))
            aliases[s] = Int32(l)
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 {
                large.removeLast()
                small.append(l)
            }
        }
        // Whatever is left (rounding) keeps itself.
        threshold = thresholds
        alias = aliases
    }

    /// Builds the table from integer counts.
    init<C: Collection>(counts: C) where C.Element: BinaryInteger {
        self.init(weights: counts.map { Double($0) })
    }

    /// Draws an outcome.
    @inline(__always)
    func sample(_ random: inout GeneratorRandom) -> Int {
        let bits = random.next()
        let slot = Int(truncatingIfNeeded: ((bits >> 32) &* UInt64(threshold.count)) >> 32)
        let coin = UInt32(truncatingIfNeeded: bits)
        return threshold.withUnsafeBufferPointer { t in
            coin < t[slot] || t[slot] == UInt32.max ? slot : Int(alias.withUnsafeBufferPointer { $0[slot] })
        }
    }
}
