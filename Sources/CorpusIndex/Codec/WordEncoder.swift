/// The hash table `WordTable.encode` looks words up in, keyed by a word's **letter run** (its letters without
/// the optional trailing space), so that one probe answers both "the run with its following space" and "the
/// bare run".
///
/// Layout: a power-of-two `index` of `UInt16`s, at most 1/8 full, linear probing: 0 is an empty slot, `e > 0`
/// is the offset in `entries` of an entry of three `UInt64`s (the first three `UInt64`s unused), one entry per
/// distinct run, in the order of the run's first code (so the most frequent words' entries share a few cache
/// lines):
/// - `first`: the run's first 8 letters, little-endian, zero-padded (a run shorter than 8 letters);
/// - `last`: its last 8 letters (letters `L - 8 ..< L`) if `L > 8`, else 0;
/// - `meta`: bits 0–7 the run length `L` (2...32), bits 8–25 the code of the run with its space and bits 26–43
///   that of the bare run, each as a **variant** (bits 0–15 the code's bytes in output order, bits 16–17 how
///   many, 1 or 2; 0 = not in the table), bits 44–63 the arena offset of the run's letters.
///
/// A run of at most 16 letters matches on `first`, `last` and `L` alone (one of at most 7 letters on `first`
/// alone: a letter is never 0, so the zero padding tells `L`, and a run of 8 or more has no zero byte there); a
/// longer one also compares letters `8 ..< L - 8` with the arena. The sparse index of two-byte slots keeps
/// probe sequences short (a miss, most often an empty first slot, never touches `entries`) in half the memory
/// of 16-byte slots at half load; a hit reads one line more, from the small frequent part of `entries`.
/// The hash mixes the first 8 letters, the last 8 and `L` (`hash(first:last:length:)`). When a table
/// lists the same word twice (`WordTable.build` never does), the first, smaller code is used. Immutable; the
/// lookups are pure functions over caller buffers: thread-safe.
struct EncoderSlots: Sendable {
    let index: [UInt16]
    let entries: [UInt64]
    /// `64 - log2(index.count)`: a run's slot is the top bits of its hash.
    let shift: UInt64

    @inline(__always)
    static func hash(first: UInt64, last: UInt64, length: Int) -> UInt64 {
        ((first ^ (last &* 0x9E37_79B9_7F4A_7C15)) &+ UInt64(length)) &* 0xFF51_AFD7_ED55_8CCD
    }

    /// The variant (bytes and byte count) of code `c`.
    @inline(__always)
    static func variant(ofCode c: Int) -> UInt64 {
        if c < WordTable.oneByteCodes { return 1 << 16 | UInt64(0x80 + c) }
        let x = c - WordTable.oneByteCodes
        return 2 << 16 | UInt64(x & 0xFF) << 8 | UInt64(Int(WordTable.twoByteLead) + (x >> 8))
    }

    /// The code a non-zero variant stands for.
    static func code(ofVariant v: UInt64) -> Int? {
        guard v != 0 else { return nil }
        let b0 = Int(v & 0xFF)
        if v >> 16 == 1 { return b0 - 0x80 }
        return WordTable.oneByteCodes + ((b0 - Int(WordTable.twoByteLead)) << 8) + Int((v >> 8) & 0xFF)
    }

    @inline(__always) static func spaceVariant(_ meta: UInt64) -> UInt64 { (meta >> 8) & 0x3_FFFF }
    @inline(__always) static func bareVariant(_ meta: UInt64) -> UInt64 { (meta >> 26) & 0x3_FFFF }

    /// The first `min(count, 8)` bytes at `p` as a little-endian `UInt64`, zero-padded, reading no further.
    static func loadPrefix(_ p: UnsafeRawPointer, _ count: Int) -> UInt64 {
        var v: UInt64 = 0
        for k in 0..<min(count, 8) { v |= UInt64(p.load(fromByteOffset: k, as: UInt8.self)) << (8 * k) }
        return v
    }

    /// The `first` and `last` keys of the `length` letters at `p`, reading no further.
    static func keys(_ p: UnsafeRawPointer, _ length: Int) -> (first: UInt64, last: UInt64) {
        (loadPrefix(p, length), length > 8 ? loadPrefix(p + length - 8, 8) : 0)
    }

    /// The slots of the words in `arena` (word `i` after its length byte, ending at `ends[i]`, all valid words).
    init(arena: UnsafeRawBufferPointer, ends: [UInt32]) {
        var capacity = 64
        var bits: UInt64 = 6
        while capacity < 8 * ends.count {
            capacity *= 2
            bits += 1
        }
        shift = 64 - bits
        var index = [UInt16](repeating: 0, count: capacity)
        var entries = [UInt64](repeating: 0, count: 3)
        entries.reserveCapacity(3 * (ends.count + 1))
        var start = 0
        for (code, end) in ends.enumerated() {
            let end = Int(end)
            start += 1  // the word's length byte
            let withSpace = arena[end - 1] == WordTable.space
            let length = end - start - (withSpace ? 1 : 0)
            let (first, last) = Self.keys(arena.baseAddress! + start, length)
            var s = Int(Self.hash(first: first, last: last, length: length) >> shift)
            var e = 0
            while true {
                e = Int(index[s])
                if e == 0 {
                    e = entries.count
                    index[s] = UInt16(e)
                    entries.append(first)
                    entries.append(last)
                    entries.append(UInt64(length) | UInt64(start) << 44)
                    break
                }
                let meta = entries[e + 2]
                if entries[e] == first && entries[e + 1] == last && Int(meta & 0xFF) == length
                    && sameBytes(arena.baseAddress! + Int(meta >> 44), arena.baseAddress! + start, length)
                {
                    break
                }
                s = (s + 1) & (capacity - 1)
            }
            let v = Self.variant(ofCode: code)
            let meta = entries[e + 2]
            if withSpace {
                if Self.spaceVariant(meta) == 0 { entries[e + 2] = meta | v << 8 }
            } else if Self.bareVariant(meta) == 0 {
                entries[e + 2] = meta | v << 26
            }
            start = end
        }
        self.index = index
        self.entries = entries
    }

    /// Calls `body` with an encoder over these slots and `arena` (the table's words, `WordTable`'s layout).
    @inline(__always)
    func withEncoder<R>(arena: UnsafeRawPointer, _ body: (WordEncoder) -> R) -> R {
        index.withUnsafeBufferPointer { index in
            entries.withUnsafeBufferPointer { entries in
                body(WordEncoder(arena: arena, index: index, entries: entries, shift: shift))
            }
        }
    }

    /// The `meta` of the entry holding the `length` letters at `word`, if any (`length` in 2...32; the bytes
    /// at `word` need not extend past the run).
    func find(_ word: UnsafeRawPointer, _ length: Int, arena: UnsafeRawPointer) -> UInt64? {
        let (first, last) = Self.keys(word, length)
        var s = Int(Self.hash(first: first, last: last, length: length) >> shift)
        while true {
            let e = Int(index[s])
            if e == 0 { return nil }
            let meta = entries[e + 2]
            if entries[e] == first && entries[e + 1] == last && Int(meta & 0xFF) == length
                && sameBytes(arena + Int(meta >> 44), word, length)
            {
                return meta
            }
            s = (s + 1) & (index.count - 1)
        }
    }
}

/// The word-table encoder's inner loop (`WordTable.encode`): scans 8 bytes at a time with SWAR letter masks,
/// hashes each letter run from two 8-byte loads, probes `EncoderSlots` once per run of 2...32 letters, and
/// copies literal bytes 8 at a time. No allocation, no bounds checks inside: the caller guarantees
/// `lookahead` readable bytes after every position below `limit`, and room for `2 * count` output bytes plus
/// `lookahead` (stores may write up to 32 bytes past the bytes they mean).
struct WordEncoder {
    /// Readable bytes needed after any start position the loop visits.
    static let lookahead = 48
    let arena: UnsafeRawPointer
    let index: UnsafePointer<UInt16>
    let entries: UnsafePointer<UInt64>
    let shift: UInt64
    let mask: Int

    init(arena: UnsafeRawPointer, index: UnsafeBufferPointer<UInt16>, entries: UnsafeBufferPointer<UInt64>, shift: UInt64) {
        self.arena = arena
        self.index = index.baseAddress!
        self.entries = entries.baseAddress!
        self.shift = shift
        mask = index.count - 1
    }

    static let high: UInt64 = 0x8080_8080_8080_8080

    /// `0x80` in each byte of `v` that is an ASCII letter, 0 elsewhere (no carries cross bytes: each byte is
    /// at most 0x7F before the additions).
    @inline(__always)
    static func letterMask(_ v: UInt64) -> UInt64 {
        let x = (v & 0x7F7F_7F7F_7F7F_7F7F) | 0x2020_2020_2020_2020
        let atLeastA = x &+ 0x1F1F_1F1F_1F1F_1F1F
        let pastZ = x &+ 0x0505_0505_0505_0505
        return atLeastA & ~pastZ & ~v & high
    }

    @inline(__always)
    static func load(_ p: UnsafeRawPointer) -> UInt64 { UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)) }

    @inline(__always)
    static func store(_ v: UInt64, _ p: UnsafeMutableRawPointer) { p.storeBytes(of: v.littleEndian, as: UInt64.self) }

    /// Encodes from position 0 of `input` while the position is below `limit` (a run may end past it).
    /// - Returns: the input position reached (`>= limit`, or 0 if `limit <= 0`) and the output bytes written.
    @inline(__always)
    func encode(_ input: UnsafeRawPointer, count n: Int, limit: Int, into out: UnsafeMutableRawPointer) -> (Int, Int) {
        var i = 0
        var o = 0
        let index = self.index, entries = self.entries, mask = self.mask, shift = self.shift
        while i < limit {
            let v = Self.load(input + i)
            let letters = Self.letterMask(v)
            if letters & 0x80 == 0 {
                let stop = letters | (v & Self.high)
                if stop & 0x80 == 0 {
                    // Plain bytes up to the next letter or byte >= 0x80: store all 8, keep the plain ones.
                    let k = stop == 0 ? 8 : stop.trailingZeroBitCount >> 3
                    Self.store(v, out + o)
                    o += k
                    i += k
                } else {
                    (out + o).storeBytes(of: WordTable.escape, as: UInt8.self)
                    (out + o + 1).storeBytes(of: UInt8(truncatingIfNeeded: v), as: UInt8.self)
                    o += 2
                    i += 1
                }
                continue
            }
            // A letter run starts at i.
            var length: Int
            var meta: UInt64 = 0
            let notLetters = ~letters & Self.high
            if notLetters != 0 {
                // 1...7 letters (most runs): the zero-padded `first` alone tells the run (a letter is never 0).
                length = notLetters.trailingZeroBitCount &>> 3
                if length >= 2 {
                    let first = v & (((notLetters & (0 &- notLetters)) &>> 7) &- 1)
                    var s = Int(truncatingIfNeeded: EncoderSlots.hash(first: first, last: 0, length: length) &>> shift)
                    while true {
                        let e = Int(truncatingIfNeeded: index[s])
                        if e == 0 { break }
                        if entries[e] == first {
                            meta = entries[e &+ 2]
                            break
                        }
                        s = (s &+ 1) & mask
                    }
                }
            } else {
                // 8 or more letters: find the length 8 bytes at a time.
                length = 8
                while true {
                    let more = ~Self.letterMask(Self.load(input + i + length)) & Self.high
                    if more != 0 {
                        length += more.trailingZeroBitCount &>> 3
                        break
                    }
                    length += 8
                    if length > WordTable.wordLengths.upperBound { break }
                }
                if length > WordTable.wordLengths.upperBound {
                    // Not a word: copy the whole maximal run (rare; byte by byte, bounded by `n`).
                    while i + length < n && isASCIILetter(input.load(fromByteOffset: i + length, as: UInt8.self)) {
                        length += 1
                    }
                    (out + o).copyMemory(from: input + i, byteCount: length)
                    o += length
                    i += length
                    continue
                }
                let last = length > 8 ? Self.load(input + i + length - 8) : 0
                var s = Int(truncatingIfNeeded: EncoderSlots.hash(first: v, last: last, length: length) &>> shift)
                while true {
                    let e = Int(truncatingIfNeeded: index[s])
                    if e == 0 { break }
                    let m = entries[e &+ 2]
                    if entries[e] == v && entries[e &+ 1] == last && Int(truncatingIfNeeded: m & 0xFF) == length
                        && (length <= 16 || sameBytes(arena + Int(truncatingIfNeeded: m &>> 44) + 8, input + i + 8, length - 16))
                    {
                        meta = m
                        break
                    }
                    s = (s &+ 1) & mask
                }
            }
            if meta != 0 {
                let nextIsSpace = input.load(fromByteOffset: i &+ length, as: UInt8.self) == WordTable.space
                var variant = nextIsSpace ? EncoderSlots.spaceVariant(meta) : 0
                if variant != 0 {
                    length &+= 1
                } else {
                    variant = EncoderSlots.bareVariant(meta)
                }
                if variant != 0 {
                    (out + o).storeBytes(of: UInt16(truncatingIfNeeded: variant).littleEndian, as: UInt16.self)
                    o &+= Int(truncatingIfNeeded: variant &>> 16)
                    i &+= length
                    continue
                }
            }
            // A literal run of 1...32 letters: four 8-byte copies cover it.
            Self.store(v, out + o)
            if length > 8 {
                Self.store(Self.load(input + i + 8), out + o + 8)
                Self.store(Self.load(input + i + 16), out + o + 16)
                Self.store(Self.load(input + i + 24), out + o + 24)
            }
            o &+= length
            i &+= length
        }
        return (i, o)
    }
}
