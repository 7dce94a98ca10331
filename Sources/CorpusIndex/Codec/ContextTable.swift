/// A segment's context table for the context rank transform (docs/FORMAT.md, "Context rank transform"): for
/// each listed **context** (the token just before a word and, for an order-2 context, the one before that), up
/// to 64 word codes in rank order. The transform rewrites a word-coded block (`WordTable`): a word that follows a
/// listed context and is in its list becomes the one byte `0x80 + rank`, so that deflate sees the text's
/// word-to-word structure as a few very frequent byte values instead of thousands of two-byte codes.
///
/// **Tokens** of a word-coded stream are word codes (0..<16192) and **raw runs** (maximal runs of other bytes,
/// an escape pair counting as one byte). A context token is a word code, or a raw run of 1...3 bytes all below
/// 0x80 as `0x80_0000 + (length - 1) << 21 + b0 << 14 + b1 << 7 + b2` (missing bytes 0); any other raw run
/// resets the context. `ContextTable.none` (0xFF_FFFF) stands for "no token".
///
/// Immutable after construction; `Sendable`. `encode`/`decode` are pure functions over caller buffers, safe to
/// call from any thread; neither allocates per word.
public struct ContextTable: Sendable, Equatable {
    /// "No token": the start of a block, or after a raw run that is not a context token.
    static let none: UInt32 = 0xFF_FFFF
    /// The most ranks a list holds (the one-byte codes 0x80...0xBF).
    public static let maxRanks = 64
    /// The most contexts a table holds (a reader's bound; the writer's tables have ~50,000).
    static let maxContexts = 1 << 22
    /// The most bytes a serialized table inflates to.
    static let maxInflatedBytes = 4 + 9 * maxContexts + 2 * maxRanks * maxContexts

    /// Context `i`'s previous token and the one before it (`none` for an order-1 context), ascending.
    let previous: [UInt32]
    let beforePrevious: [UInt32]
    /// List `i` is `codes[listStarts[i] ..< listStarts[i + 1]]`.
    let listStarts: [UInt32]
    let codes: [UInt16]
    /// Open addressing over context keys, two `UInt64` a slot: `key + 1` (0 = empty) and the context's list
    /// reference (`start << 8 | count`), so that a lookup is one cache line and then the list.
    private let contextSlots: [UInt64]
    /// `codes` and 3 more zeros, so that `rank` may load 4 codes at a time past a list's end.
    private let paddedCodes: [UInt16]
    /// For a previous token that is a word code `c`: its order-1 list reference (0: none), bit 63 set if some
    /// order-2 context has `c` as its previous token. Most words start here (128 KB) instead of probing.
    private let wordContexts: [UInt64]

    public static func == (a: ContextTable, b: ContextTable) -> Bool {
        a.previous == b.previous && a.beforePrevious == b.beforePrevious && a.listStarts == b.listStarts
            && a.codes == b.codes
    }

    /// The number of contexts.
    public var count: Int { previous.count }

    /// The list of context `i`.
    public func list(_ i: Int) -> ArraySlice<UInt16> { codes[Int(listStarts[i])..<Int(listStarts[i + 1])] }

    /// A table of the given contexts (ascending by (previous, beforePrevious), no duplicates; lists of
    /// 1...64 word codes). The caller guarantees the order and bounds (`parse` and `ContextCounter` check them).
    init(previous: [UInt32], beforePrevious: [UInt32], lists: [ArraySlice<UInt16>]) {
        var starts: [UInt32] = [0]
        var codes: [UInt16] = []
        for list in lists {
            codes += list
            starts.append(UInt32(codes.count))
        }
        self.init(previous: previous, beforePrevious: beforePrevious, listStarts: starts, codes: codes)
    }

    init(previous: [UInt32], beforePrevious: [UInt32], listStarts: [UInt32], codes: [UInt16]) {
        self.previous = previous
        self.beforePrevious = beforePrevious
        self.listStarts = listStarts
        self.codes = codes
        func reference(_ i: Int) -> UInt64 { UInt64(listStarts[i]) << 8 | UInt64(listStarts[i + 1] - listStarts[i]) }
        var slots = OpenSlots(minimumCount: previous.count)
        for i in 0..<previous.count { slots.insert(Self.key(previous[i], beforePrevious[i]), reference(i)) }
        contextSlots = slots.slots
        paddedCodes = codes + [0, 0, 0]
        var wordContexts = [UInt64](repeating: 0, count: WordTable.maxWords)
        for i in 0..<previous.count where previous[i] < UInt32(WordTable.maxWords) {
            if beforePrevious[i] == Self.none {
                wordContexts[Int(previous[i])] |= reference(i)
            } else {
                wordContexts[Int(previous[i])] |= 1 << 63
            }
        }
        self.wordContexts = wordContexts
    }

    @inline(__always)
    static func key(_ previous: UInt32, _ beforePrevious: UInt32) -> UInt64 {
        UInt64(previous) << 24 | UInt64(beforePrevious)
    }

    /// The context token of a raw run of `length` bytes whose first three bytes (below 0x80) are packed as
    /// `b0 << 14 | b1 << 7 | b2`.
    @inline(__always)
    static func rawToken(length: Int, packed: UInt32) -> UInt32 { 0x80_0000 | UInt32(length - 1) << 21 | packed }

    /// The most bytes `encode` or `decode` writes for `n` input bytes.
    public static func outputBound(_ n: Int) -> Int { 2 * n }
}

/// A power-of-two open-addressing map from `UInt64` keys (below `UInt64.max`) to non-zero `UInt64` values, at
/// most half full, as (key + 1, value) pairs in one array (0 = empty). Built once; `find` is a pure lookup.
struct OpenSlots {
    var slots: [UInt64]
    private var shift: UInt64

    init(minimumCount: Int) {
        var bits: UInt64 = 4
        while (1 << bits) < 2 * max(minimumCount, 1) { bits += 1 }
        shift = 64 - bits
        slots = [UInt64](repeating: 0, count: 2 << bits)
    }

    @inline(__always)
    static func start(_ key: UInt64, shift: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    mutating func insert(_ key: UInt64, _ value: UInt64) {
        let mask = slots.count / 2 - 1
        var s = Self.start(key, shift: shift)
        while slots[2 * s] != 0 { s = (s + 1) & mask }
        slots[2 * s] = key &+ 1
        slots[2 * s + 1] = value
    }

    /// The value of `key` in the slots at `base` (`mask` = slot count - 1), or 0.
    @inline(__always)
    static func find(_ key: UInt64, in base: UnsafePointer<UInt64>, mask: Int) -> UInt64 {
        let shift = UInt64(64 - (mask + 1).trailingZeroBitCount)
        var s = start(key, shift: shift)
        while true {
            let k = base[2 * s]
            if k == key &+ 1 { return base[2 * s + 1] }
            if k == 0 { return 0 }
            s = (s + 1) & mask
        }
    }
}

extension ContextTable {
    /// Runs `body` with the raw lookup state (context slots, word contexts, codes).
    @inline(__always)
    func withLookup<R>(_ body: (ContextLookup) -> R) -> R {
        contextSlots.withUnsafeBufferPointer { slots in
            wordContexts.withUnsafeBufferPointer { words in
                paddedCodes.withUnsafeBufferPointer { codes in
                    body(ContextLookup(
                        slots: slots.baseAddress!, mask: slots.count / 2 - 1, words: words.baseAddress!,
                        codes: codes.baseAddress!))
                }
            }
        }
    }
}

/// Raw pointers into a `ContextTable`, valid inside `withLookup`. A **list reference** is `start << 8 | count`
/// (`codes[start ..< start + count]`), 0 for none.
struct ContextLookup {
    let slots: UnsafePointer<UInt64>
    let mask: Int
    let words: UnsafePointer<UInt64>
    /// The codes, padded with 3 zeros.
    let codes: UnsafePointer<UInt16>

    /// The list reference of the context (previous, beforePrevious): the order-2 list if listed, else the
    /// order-1 list of `previous`; 0 if neither (or `previous` is `none`).
    @inline(__always)
    func list(_ previous: UInt32, _ beforePrevious: UInt32) -> UInt64 {
        guard previous != ContextTable.none else { return 0 }
        if previous < UInt32(WordTable.maxWords) {
            let info = words[Int(previous)]
            if info >> 63 != 0 && beforePrevious != ContextTable.none {
                let l = OpenSlots.find(ContextTable.key(previous, beforePrevious), in: slots, mask: mask)
                if l != 0 { return l }
            }
            return info & ~(1 << 63)
        }
        if beforePrevious != ContextTable.none {
            let l = OpenSlots.find(ContextTable.key(previous, beforePrevious), in: slots, mask: mask)
            if l != 0 { return l }
        }
        return OpenSlots.find(ContextTable.key(previous, ContextTable.none), in: slots, mask: mask)
    }

    /// The code at `rank` of list `l` (non-zero), or nil past its end.
    @inline(__always)
    func code(at rank: Int, in l: UInt64) -> Int? {
        rank < Int(l & 0xFF) ? Int(codes[Int(l >> 8) + rank]) : nil
    }

    /// The rank of `code` in list `l` (non-zero; its first position), or -1. A scan 4 codes at a time (SWAR on
    /// 64-bit loads): a list is at most 64 codes (128 bytes, two cache lines), most hits are in its first few,
    /// and a hash of (list, code) missed the cache on most words.
    @inline(__always)
    func rank(of code: Int, in l: UInt64) -> Int {
        let count = Int(l & 0xFF)
        let list = UnsafeRawPointer(codes + Int(l >> 8))
        let pattern = UInt64(code) &* 0x0001_0001_0001_0001
        var k = 0
        while k < count {
            let x = UInt64(littleEndian: list.loadUnaligned(fromByteOffset: 2 * k, as: UInt64.self)) ^ pattern
            // The lowest zero 16-bit lane of x (no false positive below the first true one).
            let zero = (x &- 0x0001_0001_0001_0001) & ~x & 0x8000_8000_8000_8000
            if zero != 0 {
                let r = k + zero.trailingZeroBitCount >> 4
                return r < count ? r : -1
            }
            k += 4
        }
        return -1
    }
}
