import Dispatch

/// Counts, over a segment's word-coded sample blocks, which word follows which context, and chooses the
/// segment's `ContextTable` from the counts (docs/FORMAT.md, "Context rank transform"):
/// - an order-1 context (a token) is listed if words follow it at least `minimumOrder1` times, an order-2
///   context (two tokens) if at least `minimumOrder2` times;
/// - its list is its successors seen at least `minimumSuccessorCount` times, most frequent first (ties: smaller
///   code), at most 64; a context with an empty list is dropped, and so is an order-2 context whose list equals
///   the start of its previous token's order-1 list (it would code the same bytes).
///
/// The result depends only on the blocks' bytes (not on their order of arrival or on threads; counters of
/// parts of a sample `absorb` each other). Not thread-safe: `@unchecked Sendable` only so that a pool of them
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
    private var spare: [UInt64] = []

    /// Forgets the counts (keeping the buffers) for the next segment.
    func reset() {
        order1.removeAll(keepingCapacity: true)
        order2.removeAll(keepingCapacity: true)
    }

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

    /// Adds `other`'s counts to these.
    func absorb(_ other: ContextCounter) {
        order1 += other.order1
        order2 += other.order2
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
        // The two sorts in parallel (each ~5 million keys for a 32 MiB sample).
        var order1 = self.order1
        var order2 = self.order2
        self.order1 = []
        self.order2 = []
        var scratch1 = scratch
        var scratch2: [UInt64] = []
        swap(&scratch2, &spare)
        withUnsafeMutablePointer(to: &order1) { o1 in
            withUnsafeMutablePointer(to: &order2) { o2 in
                withUnsafeMutablePointer(to: &scratch1) { s1 in
                    withUnsafeMutablePointer(to: &scratch2) { s2 in
                        let pointers = SortJobs(o1: o1, o2: o2, s1: s1, s2: s2)
                        DispatchQueue.concurrentPerform(iterations: 2) { job in
                            if job == 0 {
                                RadixSort.sort(&pointers.o1.pointee, bits: 38, scratch: &pointers.s1.pointee)
                            } else {
                                RadixSort.sort(&pointers.o2.pointee, bits: 62, scratch: &pointers.s2.pointee)
                            }
                        }
                    }
                }
            }
        }
        defer {
            self.order1 = order1
            self.order2 = order2
            scratch = scratch1
            spare = scratch2
        }
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

/// The two sorts' arrays, each touched by one job of `concurrentPerform` only.
private struct SortJobs: @unchecked Sendable {
    let o1: UnsafeMutablePointer<[UInt64]>
    let o2: UnsafeMutablePointer<[UInt64]>
    let s1: UnsafeMutablePointer<[UInt64]>
    let s2: UnsafeMutablePointer<[UInt64]>
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
