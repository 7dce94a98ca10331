/// Counts, over a segment's word-coded sample blocks, which word follows which context, and chooses the
/// segment's `ContextTable` from the counts (docs/FORMAT.md, "Context rank transform"):
/// - an order-1 context (a token) is listed if words follow it at least `minimumOrder1` times, an order-2
///   context (two tokens) if at least `minimumOrder2` times;
/// - its list is its successors seen at least `minimumSuccessorCount` times, most frequent first (ties: smaller
///   code), at most 64; a context with an empty list is dropped, and so is an order-2 context whose list equals
///   the start of its previous token's order-1 list (it would code the same bytes).
///
/// The result depends only on the blocks' bytes (not on their order of arrival or on threads). Not thread-safe.
final class ContextCounter {
    static let minimumOrder1 = 8
    static let minimumOrder2 = 16
    static let minimumSuccessorCount = 2
    /// One key per counted word after an order-1 context: `previous << 14 | code` (38 bits).
    private var order1: [UInt64] = []
    /// One key per counted word after an order-2 context: `previous << 38 | beforePrevious << 14 | code`.
    private var order2: [UInt64] = []

    /// Counts the words of one word-coded block (a valid `WordTable` transform).
    func add(_ input: UnsafeRawBufferPointer) {
        guard input.count > 0 else { return }
        let src = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let n = input.count
        var previous = ContextTable.none
        var beforePrevious = ContextTable.none
        var run = ContextTable.RawRun()
        var i = 0
        while i < n {
            let b = src[i]
            if b < 0x80 {
                run.add(b)
                i += 1
                continue
            }
            if b == WordTable.escape {
                run.add(0)
                run.clean = false
                i += 2
                continue
            }
            run.end(&previous, &beforePrevious)
            var c = Int(b) - 0x80
            if b >= WordTable.twoByteLead {
                precondition(i + 1 < n, "a cut-off two-byte code in word-coded input")
                c = WordTable.oneByteCodes + (Int(b - WordTable.twoByteLead) << 8) + Int(src[i + 1])
                i += 2
            } else {
                i += 1
            }
            if previous != ContextTable.none {
                order1.append(UInt64(previous) << 14 | UInt64(c))
                if beforePrevious != ContextTable.none {
                    order2.append(ContextTable.key(previous, beforePrevious) << 14 | UInt64(c))
                }
            }
            beforePrevious = previous
            previous = UInt32(c)
        }
    }

    /// A context's key (`ContextTable.key`) and list.
    private typealias Listed = (key: UInt64, list: [UInt16])

    /// The contexts of sorted `keys` (`context << 14 | code`) followed by at least `minimum` words, with their
    /// lists, in key order; `contextKey` maps a key's context bits to `ContextTable.key`.
    private static func contexts(_ keys: [UInt64], minimum: Int, contextKey: (UInt64) -> UInt64) -> [Listed] {
        var out: [Listed] = []
        var ranked: [(count: Int, code: UInt16)] = []
        var start = 0
        while start < keys.count {
            let context = keys[start] >> 14
            var end = start + 1
            while end < keys.count && keys[end] >> 14 == context { end += 1 }
            if end - start >= minimum {
                ranked.removeAll(keepingCapacity: true)
                var i = start
                while i < end {
                    var j = i + 1
                    while j < end && keys[j] == keys[i] { j += 1 }
                    if j - i >= minimumSuccessorCount { ranked.append((j - i, UInt16(keys[i] & 0x3FFF))) }
                    i = j
                }
                if !ranked.isEmpty {
                    ranked.sort { $0.count != $1.count ? $0.count > $1.count : $0.code < $1.code }
                    out.append((contextKey(context), ranked.prefix(ContextTable.maxRanks).map(\.code)))
                }
            }
            start = end
        }
        return out
    }

    /// The table the counts choose.
    func table() -> ContextTable {
        RadixSort.sort(&order1, bits: 38)
        RadixSort.sort(&order2, bits: 62)
        let first = Self.contexts(order1, minimum: Self.minimumOrder1) { ContextTable.key(UInt32($0), ContextTable.none) }
        var second = Self.contexts(order2, minimum: Self.minimumOrder2) { $0 }
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

/// LSD radix sort of `UInt64` keys below `2^bits`, 11 bits a pass, through one scratch array.
enum RadixSort {
    static func sort(_ keys: inout [UInt64], bits: Int) {
        let n = keys.count
        guard n > 1 else { return }
        let digit = 11
        let passes = (bits + digit - 1) / digit
        var scratch = [UInt64](repeating: 0, count: n)
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
