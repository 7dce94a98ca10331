/// Bit packing of blocks of exactly 128 `UInt32` values at a fixed bit width 0–32.
///
/// Layout: the block is 4 groups of 32 values; group `g` occupies `bitWidth` little-endian 32-bit words, and
/// value `j` of the group sits at bits `j*bitWidth ..< (j+1)*bitWidth` of the group's bit stream (least
/// significant bit first, spilling into the next word). Since the groups are consecutive this is the same as one
/// little-endian bit stream with value `i` at bits `i*bitWidth ..< (i+1)*bitWidth`. A block takes exactly
/// `16 * bitWidth` bytes and
/// width 0 takes no bytes (all values 0). Unpacking is specialised per width (the width becomes a constant
/// inside the inlined loop), reads with `loadUnaligned`, and never touches bytes outside the block.
/// Stateless; thread-safe; no allocation.
public enum BitPacking {
    /// Values per block.
    public static let blockSize = 128

    /// The bytes one block takes at `bitWidth`.
    @inlinable public static func packedByteCount(bitWidth: Int) -> Int { 16 * bitWidth }

    /// The smallest width that holds every value of `values[0..<count]`.
    @inlinable public static func bitWidth(_ values: UnsafePointer<UInt32>, count: Int) -> Int {
        var acc: UInt32 = 0
        for i in 0..<count { acc |= values[i] }
        return 32 - acc.leadingZeroBitCount
    }

    /// Appends `values[0..<128]` packed at `bitWidth` to `out` (`16 * bitWidth` bytes).
    /// - Precondition: every value fits in `bitWidth` bits.
    public static func pack(_ values: UnsafePointer<UInt32>, bitWidth: Int, into out: inout [UInt8]) {
        precondition(bitWidth >= 0 && bitWidth <= 32)
        guard bitWidth > 0 else { return }
        withUnsafeTemporaryAllocation(byteCount: 16 * 32 + RawBitWriter.slack, alignment: 16) { block in
            let n = pack(values, count: 128, bitWidth: bitWidth, to: block.baseAddress!)
            out.append(contentsOf: UnsafeRawBufferPointer(start: block.baseAddress!, count: n))
        }
    }

    /// Writes the low `bitWidth` bits (0–32) of each of `values[0..<count]` (`count` 0...128) to `dst` as the
    /// block's bit stream cut after the last value: `ceil(count * bitWidth / 8)` bytes, which it returns (the
    /// last byte's unused bits are zero). A full block is exactly the bytes `pack(_:bitWidth:into:)` appends.
    /// `dst` needs `RawBitWriter.slack` bytes of room past them, which it may overwrite.
    ///
    /// Specialised per width like the unpacker (PISA's and tantivy's bitpacker have one routine per width): the
    /// width is a constant inside the inlined loop, so each group of 32 values becomes straight-line shifts and
    /// `bitWidth` 32-bit stores.
    @inline(__always)
    static func pack(
        _ values: UnsafePointer<UInt32>, count: Int, bitWidth: Int, to dst: UnsafeMutableRawPointer
    ) -> Int {
        switch bitWidth {
        case 0: return 0
        case 1: return packFixed(values, count, dst, 1)
        case 2: return packFixed(values, count, dst, 2)
        case 3: return packFixed(values, count, dst, 3)
        case 4: return packFixed(values, count, dst, 4)
        case 5: return packFixed(values, count, dst, 5)
        case 6: return packFixed(values, count, dst, 6)
        case 7: return packFixed(values, count, dst, 7)
        case 8: return packFixed(values, count, dst, 8)
        case 9: return packFixed(values, count, dst, 9)
        case 10: return packFixed(values, count, dst, 10)
        case 11: return packFixed(values, count, dst, 11)
        case 12: return packFixed(values, count, dst, 12)
        case 13: return packFixed(values, count, dst, 13)
        case 14: return packFixed(values, count, dst, 14)
        case 15: return packFixed(values, count, dst, 15)
        case 16: return packFixed(values, count, dst, 16)
        case 17: return packFixed(values, count, dst, 17)
        case 18: return packFixed(values, count, dst, 18)
        case 19: return packFixed(values, count, dst, 19)
        case 20: return packFixed(values, count, dst, 20)
        case 21: return packFixed(values, count, dst, 21)
        case 22: return packFixed(values, count, dst, 22)
        case 23: return packFixed(values, count, dst, 23)
        case 24: return packFixed(values, count, dst, 24)
        case 25: return packFixed(values, count, dst, 25)
        case 26: return packFixed(values, count, dst, 26)
        case 27: return packFixed(values, count, dst, 27)
        case 28: return packFixed(values, count, dst, 28)
        case 29: return packFixed(values, count, dst, 29)
        case 30: return packFixed(values, count, dst, 30)
        case 31: return packFixed(values, count, dst, 31)
        default: return packFixed(values, count, dst, 32)
        }
    }

    @inline(__always)
    static func packFixed(
        _ values: UnsafePointer<UInt32>, _ count: Int, _ dst: UnsafeMutableRawPointer, _ b: Int
    ) -> Int {
        let mask: UInt32 = b == 32 ? .max : (1 << UInt32(b)) &- 1
        var writer = RawBitWriter(cursor: dst)
        var i = 0
        // Whole groups of 32 values (exactly `b` words each), then a partial block's last values.
        while i &+ 32 <= count {
            for j in 0..<32 { writer.write(values[i &+ j] & mask, bits: b) }
            i &+= 32
        }
        while i < count {
            writer.write(values[i] & mask, bits: b)
            i &+= 1
        }
        writer.flush()
        return writer.cursor - dst
    }

    /// Unpacks one block packed at `bitWidth` starting at `offset` in `input` into `out[0..<128]`.
    /// - Returns: the offset just past the block, or `nil` if `input` is too short or the width is over 32.
    @inlinable @inline(__always)
    public static func unpack(
        _ input: UnsafeRawBufferPointer, at offset: Int, bitWidth: Int, into out: UnsafeMutablePointer<UInt32>
    ) -> Int? {
        guard bitWidth >= 0, bitWidth <= 32, offset >= 0 else { return nil }
        let byteCount = 16 * bitWidth
        guard byteCount <= input.count - offset else { return nil }
        if bitWidth == 0 {
            out.update(repeating: 0, count: 128)
            return offset
        }
        if input.count - offset - byteCount >= 8 {
            unpackBlock(input.baseAddress! + offset, out, bitWidth)
        } else {
            withUnsafeTemporaryAllocation(byteCount: 16 * 32 + 8, alignment: 8) { padded in
                padded.copyMemory(from: UnsafeRawBufferPointer(rebasing: input[offset..<(offset + byteCount)]))
                unpackBlock(UnsafeRawPointer(padded.baseAddress!), out, bitWidth)
            }
        }
        return offset + byteCount
    }

    /// Unpacks 128 values of width `b` (1–32) from `src` (exactly `16 * b` readable bytes). The bytes form one
    /// little-endian bit stream (the 4 groups of `b` words are consecutive), so value `i` is read with one unaligned
    /// 64-bit load at byte `(i*b) / 8`; a block too close to the end of its buffer is first copied into a padded
    /// stack buffer so those loads never leave the buffer.
    @usableFromInline
    static func unpackBlock(_ src: UnsafeRawPointer, _ out: UnsafeMutablePointer<UInt32>, _ b: Int) {
        switch b {
        case 1: unpackFixed(src, out, 1)
        case 2: unpackFixed(src, out, 2)
        case 3: unpackFixed(src, out, 3)
        case 4: unpackFixed(src, out, 4)
        case 5: unpackFixed(src, out, 5)
        case 6: unpackFixed(src, out, 6)
        case 7: unpackFixed(src, out, 7)
        case 8: unpackFixed(src, out, 8)
        case 9: unpackFixed(src, out, 9)
        case 10: unpackFixed(src, out, 10)
        case 11: unpackFixed(src, out, 11)
        case 12: unpackFixed(src, out, 12)
        case 13: unpackFixed(src, out, 13)
        case 14: unpackFixed(src, out, 14)
        case 15: unpackFixed(src, out, 15)
        case 16: unpackFixed(src, out, 16)
        case 17: unpackFixed(src, out, 17)
        case 18: unpackFixed(src, out, 18)
        case 19: unpackFixed(src, out, 19)
        case 20: unpackFixed(src, out, 20)
        case 21: unpackFixed(src, out, 21)
        case 22: unpackFixed(src, out, 22)
        case 23: unpackFixed(src, out, 23)
        case 24: unpackFixed(src, out, 24)
        case 25: unpackFixed(src, out, 25)
        case 26: unpackFixed(src, out, 26)
        case 27: unpackFixed(src, out, 27)
        case 28: unpackFixed(src, out, 28)
        case 29: unpackFixed(src, out, 29)
        case 30: unpackFixed(src, out, 30)
        case 31: unpackFixed(src, out, 31)
        default: unpackFixed(src, out, 32)
        }
    }

    /// Eight values at a time: a run of 8 values takes exactly `b` bytes, so within it every value's byte offset
    /// and shift are constants once `b` is (the inner loop unrolls into straight-line loads, shifts and masks).
    @inline(__always)
    static func unpackFixed(_ src: UnsafeRawPointer, _ out: UnsafeMutablePointer<UInt32>, _ b: Int) {
        let mask: UInt64 = b == 32 ? 0xFFFF_FFFF : (UInt64(1) << UInt64(b)) - 1
        for run in 0..<16 {
            let base = src + run &* b
            let o = out + run &* 8
            for j in 0..<8 {
                let bit = j &* b
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
                o[j] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            }
        }
    }
}
