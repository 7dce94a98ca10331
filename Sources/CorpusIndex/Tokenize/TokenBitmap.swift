/// A field's text prepared for tokenizing eight bytes at a time, with the analyzer's exact rules (`Analyzer`).
///
/// `load` makes one pass over the text, 16 bytes at a time (two 64-bit SWAR lanes in one SSE register: no per-byte
/// branch, no table lookup; Swift's SIMD comparisons are not used, as they compile to per-lane loops):
/// it writes the text lowercased with every separator byte turned into 0 (`lowered`), and one bit per byte, set
/// for a token byte (`bits`, bit `i % 64` of word `i / 64`). A token is then a run of set bits: `TokenCursor` finds
/// its start and end with two trailing-zero counts, so the per-token cost no longer depends on its length and the
/// branch ending each token is no longer a per-byte guess. A token's bytes are read straight from `lowered`.
///
/// Padding: `lowered` has 8 readable zero bytes before the text and 16 after it (so a token's bytes can be read
/// as whole 8-byte words, before and past its ends), and `bits` a zero word past the last one (so the scan for a
/// token's end always stops). Owns its buffers and reuses them from text to text; not thread-safe.
final class TokenBitmap {
    private(set) var lowered: UnsafeMutablePointer<UInt8>
    private(set) var bits: UnsafeMutablePointer<UInt64>
    /// Bytes of the text loaded last.
    private(set) var count = 0
    private var capacity = 0
    private var storage: UnsafeMutableRawPointer

    static let frontPadding = 8
    static let backPadding = 16

    init(capacity: Int = 1 << 16) {
        self.capacity = 0
        storage = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64)
        lowered = storage.assumingMemoryBound(to: UInt8.self)
        bits = storage.assumingMemoryBound(to: UInt64.self)
        reserve(capacity)
    }

    deinit { storage.deallocate() }

    /// Makes room for a text of `needed` bytes (whole 64-byte words, padding included).
    private func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        var newCapacity = max(capacity, 1 << 12)
        while newCapacity < needed { newCapacity *= 2 }
        let loweredBytes = TokenBitmap.frontPadding + newCapacity + 64 + TokenBitmap.backPadding
        let words = newCapacity / 64 + 2
        storage.deallocate()
        storage = UnsafeMutableRawPointer.allocate(byteCount: words * 8 + loweredBytes, alignment: 64)
        bits = storage.bindMemory(to: UInt64.self, capacity: words)
        let loweredBase = (storage + words * 8).bindMemory(to: UInt8.self, capacity: loweredBytes)
        loweredBase.initialize(repeating: 0, count: loweredBytes)
        lowered = loweredBase + TokenBitmap.frontPadding
        capacity = newCapacity
    }

    /// Classifies and lowercases `text` (see the type's comment); `lowered` and `bits` describe it until the next
    /// `load`.
    func load(_ text: UnsafeRawBufferPointer) {
        let n = text.count
        reserve(n)
        count = n
        guard n > 0, let p = text.baseAddress else {
            bits[0] = 0
            return
        }
        let out = UnsafeMutableRawPointer(lowered)
        let maskBytes = UnsafeMutableRawPointer(bits).assumingMemoryBound(to: UInt8.self)
        var i = 0
        while i + 16 <= n {
            let (low, mask) = TokenBitmap.classify16(p.loadUnaligned(fromByteOffset: i, as: SIMD2<UInt64>.self))
            out.storeBytes(of: low, toByteOffset: i, as: SIMD2<UInt64>.self)
            UnsafeMutableRawPointer(maskBytes).storeBytes(of: mask, toByteOffset: i >> 3, as: UInt16.self)
            i &+= 16
        }
        if i + 8 <= n {
            let (low, mask) = TokenBitmap.classify(p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            out.storeBytes(of: low, toByteOffset: i, as: UInt64.self)
            maskBytes[i >> 3] = mask
            i += 8
        }
        var last: UInt64 = 0
        if i < n { withUnsafeMutableBytes(of: &last) { $0.baseAddress!.copyMemory(from: p + i, byteCount: n - i) } }
        let (low, mask) = TokenBitmap.classify(UInt64(littleEndian: last))
        out.storeBytes(of: low, toByteOffset: i, as: UInt64.self)
        maskBytes[i >> 3] = mask
        // Zero the rest of the last word and the word after it; zero the bytes past the text in `lowered`.
        var k = (i >> 3) + 1
        while k & 7 != 0 {
            maskBytes[k] = 0
            k += 1
        }
        bits[k >> 3] = 0
        out.storeBytes(of: 0, toByteOffset: i + 8, as: UInt64.self)
        out.storeBytes(of: 0, toByteOffset: i + 16, as: UInt64.self)
    }

    /// Eight text bytes (little-endian) as their lowercased token bytes (separators 0) and one bit per byte, set
    /// for a token byte: ASCII letters and digits and every byte >= 0x80, exactly `Analyzer.tokenByte != 0`.
    @inline(__always)
    static func classify(_ w: UInt64) -> (lowered: UInt64, mask: UInt8) {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high = w & (0x80 &* ones)
        // Each byte's low 7 bits: adding up to 0x50 cannot carry into the next byte, so a byte's top bit after
        // `x + (0x80 - lo)` says x >= lo, and after `x + (0x7F - hi)` says x > hi.
        let x = w & (0x7F &* ones)
        let digit = (x &+ (0x80 - 0x30) &* ones) & ~(x &+ (0x7F - 0x39) &* ones)
        let upper = (x &+ (0x80 - 0x41) &* ones) & ~(x &+ (0x7F - 0x5A) &* ones) & ~high & (0x80 &* ones)
        let folded = x | (0x20 &* ones)
        let letter = (folded &+ (0x80 - 0x61) &* ones) & ~(folded &+ (0x7F - 0x7A) &* ones)
        let token = (digit | letter | high) & (0x80 &* ones)
        let lowered = (w | (upper >> 2)) & ((token >> 7) &* 0xFF)
        // Gathers the eight 0/1 bytes into one byte (bit i from byte i): the products land on distinct bits.
        let mask = UInt8(truncatingIfNeeded: ((token >> 7) &* 0x0102_0408_1020_4080) >> 56)
        return (lowered, mask)
    }

    /// `classify` on two words at once (16 text bytes, each lane little-endian): the same operations on both lanes
    /// of one vector register, then the two masks (bytes 0-7 in the low byte).
    @inline(__always)
    static func classify16(_ w: SIMD2<UInt64>) -> (lowered: SIMD2<UInt64>, mask: UInt16) {
        typealias Lanes = SIMD2<UInt64>
        let ones: UInt64 = 0x0101_0101_0101_0101
        let top = Lanes(repeating: 0x80 &* ones)
        let high = w & top
        let x = w & Lanes(repeating: 0x7F &* ones)
        let digit = (x &+ Lanes(repeating: (0x80 - 0x30) &* ones)) & ~(x &+ Lanes(repeating: (0x7F - 0x39) &* ones))
        let upper = (x &+ Lanes(repeating: (0x80 - 0x41) &* ones)) & ~(x &+ Lanes(repeating: (0x7F - 0x5A) &* ones))
            & ~high & top
        let folded = x | Lanes(repeating: 0x20 &* ones)
        let letter = (folded &+ Lanes(repeating: (0x80 - 0x61) &* ones))
            & ~(folded &+ Lanes(repeating: (0x7F - 0x7A) &* ones))
        let token = ((digit | letter | high) & top) &>> 7
        // 0x01 -> 0xFF per byte without a 64-bit vector multiply (SSE has none): 0x100 - 0x01, wrapping.
        let lowered = (w | (upper &>> 2)) & ((token &<< 8) &- token)
        let gather: UInt64 = 0x0102_0408_1020_4080
        let mask = UInt16(truncatingIfNeeded: (token[0] &* gather) >> 56)
            | UInt16(truncatingIfNeeded: (token[1] &* gather) >> 56) << 8
        return (lowered, mask)
    }

    /// A cursor over the tokens of the text loaded now (valid until the next `load`).
    func tokens() -> TokenCursor { TokenCursor(bits: bits, words: (count + 63) >> 6) }
}

/// Walks the tokens of a `TokenBitmap`'s text in order: each `next()` gives a token's start and end (exclusive).
///
/// The bitmap word being read stays in a register with the bits of the tokens already handed out cleared, so a
/// token costs about ten instructions: its start is the word's lowest set bit; adding that bit to the word carries
/// through the token's run of ones, which leaves the token's end as the lowest set bit of the sum and, ANDed with
/// the word, clears the run (a token running to the word's end carries out: its end is the first gap in the next
/// words). A plain value over the bitmap's buffer: it must not outlive the next `load`.
struct TokenCursor {
    let bits: UnsafePointer<UInt64>
    let words: Int
    private var index = 0
    /// `bits[index]` without the tokens already handed out.
    private var word: UInt64

    init(bits: UnsafePointer<UInt64>, words: Int) {
        self.bits = bits
        self.words = words
        word = words > 0 ? bits[0] : 0
    }

    /// The next token's start and end (exclusive), or nil when none is left.
    @inline(__always)
    mutating func next() -> (start: Int, end: Int)? {
        while word == 0 {
            index &+= 1
            if index >= words { return nil }
            word = bits[index]
        }
        let start = index << 6 | word.trailingZeroBitCount
        let carried = word &+ (word & (0 &- word))
        if carried != 0 {
            word &= carried
            return (start, index << 6 | carried.trailingZeroBitCount)
        }
        // The run reaches bit 63: the token ends at the first 0 bit of the next words (the bitmap's zero word
        // past its last one stops this), whose bits below it are the token's and are cleared.
        var rest: UInt64
        repeat {
            index &+= 1
            rest = bits[index]
        } while rest == ~0
        word = rest & (rest &+ 1)
        return (start, index << 6 | (~rest).trailingZeroBitCount)
    }
}
