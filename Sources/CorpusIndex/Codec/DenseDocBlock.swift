/// A block of strictly increasing doc ids stored as a bitmap (docs/FORMAT.md, "Dense doc block"): the marker
/// byte `0xFF`, then one bit per doc id from the block's first possible doc `first` on — bit `i` (bit `i % 8` of
/// byte `i / 8`) set when doc `first + i` is in the block — up to and including the byte of the block's last doc.
///
/// A posting block whose documents are dense (about one in three ids or more) takes fewer bytes this way than
/// as patched deltas (`PatchedBlock`, whose first byte, its bit width, is at most 32, so the marker tells the
/// two apart). It is also cheaper to read: decoding is a count-trailing-zeros loop with no prefix sum, and a
/// membership test (`rank`) is one bit test plus a population count of the bits before it, with no decoding at
/// all (Roaring bitmaps' bitset containers and Lucene's dense postings blocks make the same trade).
///
/// The block delimits itself given its document count `n`: it ends with the byte that holds its `n`-th set bit,
/// whose higher bits are therefore 0. Stateless; thread-safe; no allocation. Readers never touch bytes outside
/// the buffer they are given.
public enum DenseDocBlock {
    /// The first byte of a dense block (a patched block starts with its bit width, 0...32).
    public static let marker: UInt8 = 0xFF

    /// Whether the doc-id block of `count` documents at `offset` of `input` is dense: it has at least
    /// `PatchedBlock.smallestPartialBlock` documents (a tail of fewer is VarInt pairs, whose first byte may be
    /// anything) and starts with the marker.
    @inlinable public static func starts(_ input: UnsafeRawBufferPointer, at offset: Int, count: Int) -> Bool {
        count >= PatchedBlock.smallestPartialBlock && offset >= 0 && offset < input.count && input[offset] == marker
    }

    /// The bytes a dense block takes when its documents span ids `first ... last` (`last >= first`).
    @inlinable public static func byteCount(span: UInt32) -> Int { 2 + Int((span &- 1) >> 3) }

    /// Writes the dense block of the documents `first + bits[j]` (`bits` strictly increasing, `count` of them),
    /// where `bits[j]` is given as the running sum of `deltas` minus `offset`: docs `base + sum(deltas[0...j])`
    /// with `first = base + offset` (`offset` 0 for a list's first block, whose first doc may equal `base`, 1
    /// after another block). Returns the size written (`byteCount(span: bits[count-1] + 1)`); `dst` needs that
    /// much room.
    static func encode(
        deltas: UnsafePointer<UInt32>, count: Int, offset: UInt32, to dst: UnsafeMutableRawPointer
    ) -> Int {
        var bit: UInt32 = 0
        for j in 0..<count { bit &+= deltas[j] }
        let size = byteCount(span: bit &- offset &+ 1)
        dst.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        dst.storeBytes(of: marker, as: UInt8.self)
        let bitmap = (dst + 1).assumingMemoryBound(to: UInt8.self)
        bit = 0
        for j in 0..<count {
            bit &+= deltas[j]
            let i = Int(bit &- offset)
            bitmap[i >> 3] |= 1 << UInt8(i & 7)
        }
        return size
    }

    /// Decodes the dense block of `count` (1...128) documents at `offset` of `input` (at its marker) into
    /// `out[0..<count]`, doc ids from `first` on.
    /// - Returns: the offset just past the block, or `nil` if it does not start with the marker, runs past the end
    ///   of `input` before its `count`-th document, sets a bit above its last document in its last byte, or a doc
    ///   id would exceed `UInt32.max`.
    @inlinable
    public static func decode(
        _ input: UnsafeRawBufferPointer, at offset: Int, count: Int, first: UInt32, into out: UnsafeMutablePointer<UInt32>
    ) -> Int? {
        guard count >= 1, offset >= 0, offset < input.count, input[offset] == marker else { return nil }
        let base = input.baseAddress! + offset + 1
        let available = input.count - offset - 1
        var n = 0
        var byte = 0
        // Eight bytes at a time while eight remain, as long as no id in them can pass `UInt32.max` (the bytes
        // loop below checks each id); the bits past the count-th document are never looked at.
        while byte &+ 8 <= available {
            var word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
            let wordFirst = UInt64(first) &+ UInt64(byte) << 3
            guard wordFirst &+ 63 <= UInt64(UInt32.max) else { break }
            let d = UInt32(truncatingIfNeeded: wordFirst)
            if count &- n > 64 {
                // More documents to come than a word holds: all of this word's, no count needed.
                while word != 0 {
                    out[n] = d &+ UInt32(truncatingIfNeeded: word.trailingZeroBitCount)
                    n &+= 1
                    word &= word &- 1
                }
                byte &+= 8
                continue
            }
            let end = n &+ min(word.nonzeroBitCount, count &- n)
            while n < end {
                out[n] = d &+ UInt32(truncatingIfNeeded: word.trailingZeroBitCount)
                n &+= 1
                word &= word &- 1
            }
            if n == count {
                // The last byte's bits above the last doc must be 0.
                let bit = Int(out[n &- 1] &- d)
                guard word & (0xFF << UInt64(bit & ~7)) == 0 else { return nil }
                return offset &+ 1 &+ byte &+ bit >> 3 &+ 1
            }
            byte &+= 8
        }
        while byte < available {
            var bits = base.load(fromByteOffset: byte, as: UInt8.self)
            while bits != 0 {
                let bit = UInt64(bits.trailingZeroBitCount)
                let doc = UInt64(first) &+ (UInt64(byte) << 3) &+ bit
                guard doc <= UInt64(UInt32.max) else { return nil }
                out[n] = UInt32(truncatingIfNeeded: doc)
                n &+= 1
                if n == count {
                    guard (bits >> UInt8(bit)) >> 1 == 0 else { return nil }
                    return offset &+ 1 &+ byte &+ 1
                }
                bits &= bits &- 1
            }
            byte &+= 1
        }
        return nil
    }

    /// Where `target` is in the dense block at `offset` of `input` whose documents span `first ... last`: its
    /// index among the block's documents (the set bits before it), or -1 if it is not in the block (or outside
    /// `first ... last`). Decodes nothing. `nil` when the block is malformed as far as this looks: no marker, the
    /// bitmap running past `input`, or `last`'s bit not set.
    @inlinable
    public static func rank(
        _ input: UnsafeRawBufferPointer, at offset: Int, first: UInt32, last: UInt32, of target: UInt32
    ) -> Int? {
        guard let base = bitmap(input, at: offset, first: first, last: last) else { return nil }
        guard target >= first, target <= last else { return -1 }
        return rank(bitmap: base, byteCount: byteCount(span: last &- first &+ 1) &- 1, bit: Int(target &- first))
    }

    /// The bitmap of the dense block at `offset` of `input` whose documents span `first ... last` (for `rank`
    /// over many targets of one block), or nil when the block is malformed as far as `rank` looks: no marker,
    /// the bitmap running past `input`, or `last`'s bit not set.
    @inlinable
    public static func bitmap(_ input: UnsafeRawBufferPointer, at offset: Int, first: UInt32, last: UInt32) -> UnsafeRawPointer? {
        guard last >= first, offset >= 0 else { return nil }
        let size = byteCount(span: last &- first &+ 1)
        guard size <= input.count - offset, input[offset] == marker else { return nil }
        let base = input.baseAddress! + offset + 1
        let lastBit = Int(last &- first)
        guard base.load(fromByteOffset: lastBit >> 3, as: UInt8.self) & (1 << UInt8(lastBit & 7)) != 0 else { return nil }
        return UnsafeRawPointer(base)
    }

    /// The number of set bits before bit `i` of the `byteCount` bitmap bytes at `bitmap`, or -1 if bit `i` is
    /// not set. Unchecked: the caller guarantees `0 <= i < 8 * byteCount` and that the bytes are readable. Whole
    /// 8-byte words are counted, and the word holding bit `i` is read in one load (from the bitmap's end when
    /// fewer than 8 bytes remain, or byte by byte in a bitmap of fewer than 8).
    @usableFromInline @inline(__always)
    static func rank(bitmap base: UnsafeRawPointer, byteCount bitmapBytes: Int, bit i: Int) -> Int {
        // A miss costs one byte load.
        guard base.load(fromByteOffset: i >> 3, as: UInt8.self) & (1 << UInt8(i & 7)) != 0 else { return -1 }
        let start = (i >> 6) << 3
        let tail = min(8, bitmapBytes &- start)
        var bits: UInt64
        if tail == 8 {
            bits = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: start, as: UInt64.self))
        } else if bitmapBytes >= 8 {
            // The last 8 bytes of the bitmap, shifted down to the partial word's `tail` bytes.
            bits = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: bitmapBytes &- 8, as: UInt64.self))
                >> UInt64(8 &* (8 &- tail))
        } else {
            bits = 0
            for k in 0..<tail { bits |= UInt64(base.load(fromByteOffset: start &+ k, as: UInt8.self)) << UInt64(8 &* k) }
        }
        var rank = (bits & ((1 << UInt64(i & 63)) &- 1)).nonzeroBitCount
        var k = 0
        while k < start {
            rank &+= UInt64(littleEndian: base.loadUnaligned(fromByteOffset: k, as: UInt64.self)).nonzeroBitCount
            k &+= 8
        }
        return rank
    }
}
