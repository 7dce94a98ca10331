/// Counts, over a segment's word-coded sample blocks, which word follows which context, and chooses the
/// segment's `ContextTable` from the counts (docs/FORMAT.md, "Context rank transform"):
/// - an order-1 context (a token) is listed if words follow it at least `minimumOrder1` times, an order-2
///   context (two tokens) if at least `minimumOrder2` times;
/// - its list is its successors seen at least `minimumSuccessorCount` times, most frequent first (ties: smaller
///   code), at most 64; a context with an empty list is dropped, and so is an order-2 context whose list equals
///   the start of its previous token's order-1 list (it would code the same bytes).
///
/// The result depends only on the blocks' bytes (not on their order of arrival or on threads; counters of
/// parts of a sample are merged by `table(of:)`). Not thread-safe: `@unchecked Sendable` only so that a pool of them
/// can be handed to `concurrentPerform`, each used by one worker.
final class ContextCounter: @unchecked Sendable {
    static let minimumOrder1 = 8
    static let minimumOrder2 = 16
    static let minimumSuccessorCount = 2
    /// One key per counted word after an order-1 context: `previous << 14 | code` (38 bits).
    private var order1: [UInt64] = []
    /// One key per counted word after an order-2 context: `previous << 38 | beforePrevious << 14 | code`.
    private var order2: [UInt64] = []
    /// The radix sort's buffer (kept, like the key arrays, from one segment to the next: reusing their pages
    /// avoids faulting in ~100 MB per segment).
    private var scratch: [UInt64] = []

    /// Forgets the counts (keeping the buffers) for the next segment.
    func reset() {
        order1.removeAll(keepingCapacity: true)
        order2.removeAll(keepingCapacity: true)
    }

    /// Counts the words of one word-coded block (a valid `WordTable` transform).
    func add(_ input: UnsafeRawBufferPointer) {
        guard input.count > 0 else { return }
        let src = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
        ContextTable.forEachWord(in: src, count: input.count) { _, _ in
        } word: { c, previous, beforePrevious in
            guard previous != ContextTable.none else { return }
            order1.append(UInt64(previous) << 14 | UInt64(c))
            if beforePrevious != ContextTable.none {
                order2.append(ContextTable.key(previous, beforePrevious) << 14 | UInt64(c))
            }
        }
    }

    /// Sorts this counter's keys (call before `table(of:)`; each counter may sort on its own thread).
    func sort() {
        RadixSort.sort(&order1, bits: 38, scratch: &scratch)
        RadixSort.sort(&order2, bits: 62, scratch: &scratch)
    }

    /// A context's key (`ContextTable.key`) and list.
    private typealias Listed = (key: UInt64, list: [UInt16])

    /// Groups a sorted stream of keys (`context << 14 | code`) into listed contexts.
    private struct Grouper {
        let minimum: Int
        var out: [Listed] = []
        var ranked: [(count: Int, code: UInt16)] = []
        var context = UInt64.max
        var total = 0
        var key = UInt64.max
        var run = 0

        init(minimum: Int) { self.minimum = minimum }

        @inline(__always)
        mutating func add(_ k: UInt64, contextKey: (UInt64) -> UInt64) {
            if k == key {
                run += 1
                total += 1
                return
            }
            endRun()
            if k >> 14 != context { endContext(contextKey) }
            context = k >> 14
            key = k
            run = 1
            total += 1
        }

        mutating func endRun() {
            if run >= ContextCounter.minimumSuccessorCount { ranked.append((run, UInt16(key & 0x3FFF))) }
            run = 0
        }

        mutating func endContext(_ contextKey: (UInt64) -> UInt64) {
            if total >= minimum && !ranked.isEmpty {
                ranked.sort { $0.count != $1.count ? $0.count > $1.count : $0.code < $1.code }
                out.append((contextKey(context), ranked.prefix(ContextTable.maxRanks).map(\.code)))
            }
            ranked.removeAll(keepingCapacity: true)
            total = 0
        }
    }

    /// The contexts of the sorted key arrays `arrays` (merged: their union, in order) followed by at least
    /// `minimum` words, with their lists, in key order; `contextKey` maps a key's context bits to
    /// `ContextTable.key`.
    private static func contexts(_ arrays: [[UInt64]], minimum: Int, contextKey: (UInt64) -> UInt64) -> [Listed] {
        var grouper = Grouper(minimum: minimum)
        var cursors = [Int](repeating: 0, count: arrays.count)
        while true {
            // The smallest head of the arrays (a linear scan: there is one array per build thread).
            var best = -1
            var smallest = UInt64.max
            for a in 0..<arrays.count where cursors[a] < arrays[a].count && arrays[a][cursors[a]] <= smallest {
                if best < 0 || arrays[a][cursors[a]] < smallest {
                    best = a
                    smallest = arrays[a][cursors[a]]
                }
            }
            guard best >= 0 else { break }
            cursors[best] += 1
            grouper.add(smallest, contextKey: contextKey)
        }
        grouper.endRun()
        grouper.endContext(contextKey)
        return grouper.out
    }

    /// The table these counts choose (sorts them first).
    func table() -> ContextTable {
        sort()
        return Self.table(of: [self])
    }

    /// The table chosen by the counts of `counters` together (each sorted).
    static func table(of counters: [ContextCounter]) -> ContextTable {
        let first = contexts(counters.map(\.order1), minimum: minimumOrder1) { ContextTable.key(UInt32($0), ContextTable.none) }
        var second = contexts(counters.map(\.order2), minimum: minimumOrder2) { $0 }
        // Drop order-2 lists that equal the start of their previous token's order-1 list (`first` is sorted).
        second.removeAll { context in
            var lo = 0
            var hi = first.count
            let target = context.key | 0xFF_FFFF
            while lo < hi {
                let mid = (lo + hi) / 2
                if first[mid].key < target { lo = mid + 1 } else { hi = mid }
            }
            guard lo < first.count, first[lo].key == target else { return false }
            let base = first[lo].list
            return base.count >= context.list.count && base.prefix(context.list.count).elementsEqual(context.list)
        }
        // Merge by key: an order-1 context (second token none, the largest) follows its token's order-2 ones.
        var merged: [Listed] = []
        merged.reserveCapacity(first.count + second.count)
        var a = 0
        var b = 0
        while a < first.count || b < second.count {
            if b == second.count || (a < first.count && first[a].key < second[b].key) {
                merged.append(first[a])
                a += 1
            } else {
                merged.append(second[b])
                b += 1
            }
        }
        return ContextTable(
            previous: merged.map { UInt32($0.key >> 24) }, beforePrevious: merged.map { UInt32($0.key & 0xFF_FFFF) },
            lists: merged.map { ArraySlice($0.list) })
    }
}

/// LSD radix sort of `UInt64` keys below `2^bits`, 11 bits a pass, through `scratch` (grown as needed).
enum RadixSort {
    static func sort(_ keys: inout [UInt64], bits: Int, scratch: inout [UInt64]) {
        let n = keys.count
        guard n > 1 else { return }
        let digit = 11
        let passes = (bits + digit - 1) / digit
        if scratch.count < n { scratch = [UInt64](repeating: 0, count: n) }
        var counts = [Int](repeating: 0, count: passes << digit)
        keys.withUnsafeMutableBufferPointer { keys in
            scratch.withUnsafeMutableBufferPointer { scratch in
                counts.withUnsafeMutableBufferPointer { counts in
                    let mask = UInt64(1 << digit - 1)
                    for k in keys {
                        for p in 0..<passes { counts[p << digit + Int((k >> UInt64(p * digit)) & mask)] += 1 }
                    }
                    var from = keys.baseAddress!
                    var to = scratch.baseAddress!
                    for p in 0..<passes {
                        var sum = 0
                        for d in 0..<(1 << digit) {
                            let c = counts[p << digit + d]
                            counts[p << digit + d] = sum
                            sum += c
                        }
                        let shift = UInt64(p * digit)
                        for i in 0..<n {
                            let k = from[i]
                            let d = p << digit + Int((k >> shift) & mask)
                            to[counts[d]] = k
                            counts[d] += 1
                        }
                        swap(&from, &to)
                    }
                    if from != keys.baseAddress! { keys.baseAddress!.update(from: from, count: n) }
                }
            }
        }
    }
}
