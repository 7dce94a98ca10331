/// The small constant tables of `ChunkInverter`'s per-token path, in one buffer the inverter owns: a Swift global
/// `let` would cost a lazy-initialisation check on every access, and computing the values costs about ten
/// instructions each (clamped shifts; a byte count and continuation bits from a leading-zero count), about twice
/// per token.
///
/// Layout (`UInt64`s): `2 * n` and `2 * n + 1` for `n` in 0...16 are the masks keeping the first `n` bytes of a
/// key's first and second 8-byte words (`ChunkInverter.wordMask(n)` and `wordMask(n - 8)`); then, at
/// `varintBase + b` for `b` in 0...31, the shape of the LEB128 varint of a value whose highest set bit is `b`
/// (bit 0 for the value 0): its byte count in the low 32 bits, its continuation bits (0x80 on every byte but the
/// last) in the high 32. A plain value: copies share the buffer; `ChunkInverter` frees it once.
struct ChunkInverterTables {
    private let base: UnsafeMutablePointer<UInt64>
    private static let varintBase = 34

    init() {
        base = .allocate(capacity: ChunkInverterTables.varintBase + 32)
        for n in 0...16 {
            base[2 * n] = ChunkInverter.wordMask(n)
            base[2 * n + 1] = ChunkInverter.wordMask(n - 8)
        }
        for bit in 0..<32 {
            let count = bit / 7 + 1
            let continuation: UInt64 = count >= 5 ? 0x8080_8080 : 0x0080_8080 & ((1 << UInt64(8 * (count - 1))) - 1)
            base[ChunkInverterTables.varintBase + bit] = continuation << 32 | UInt64(count)
        }
    }

    func deallocate() { base.deallocate() }

    /// The masks keeping the first `length` bytes of a key's first and second words (all of both past 16 bytes).
    @inline(__always)
    func keyWordMasks(_ length: Int) -> (first: UInt64, second: UInt64) {
        let n = min(length, 16)
        return (base[2 &* n], base[2 &* n &+ 1])
    }

    /// The LEB128 varint of `value` < 2^28 as the little-endian bytes of a UInt32 and their count (1-4), without a
    /// branch: the four 7-bit groups spread to four bytes, then the byte count and continuation bits (0x80 on all
    /// but the last used byte) from the table, indexed by the highest set bit.
    @inline(__always)
    func varint28(_ value: UInt32) -> (bytes: UInt32, count: Int) {
        let groups = (value & 0x7F) | (value << 1 & 0x7F00) | (value << 2 & 0x7F_0000) | (value << 3 & 0x7F00_0000)
        let shape = base[ChunkInverterTables.varintBase &+ (31 &- (value | 1).leadingZeroBitCount)]
        return (groups | UInt32(truncatingIfNeeded: shape >> 32), Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: shape)))
    }
}
