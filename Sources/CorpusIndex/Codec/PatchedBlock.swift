/// Patched frame-of-reference (PFor) coding of blocks of `count` `UInt32` values, 128 for a full block and 1...127
/// for the last block of a stream (docs/FORMAT.md, "Patched block"): the low `bitWidth` bits of every value are
/// bit-packed (`BitPacking`'s bit stream, cut after the last value), and the few values that need more bits
/// ("exceptions") store their high bits separately, after the packed bits.
///
/// ```
/// u8 bitWidth b (0...32)   u8 exceptionCount e (0...128)   [u8 exceptionWidth h (1...32-b), only if e > 0]
/// ceil(count*b/8) bytes: the values' low b bits, packed
/// e bytes: the exceptions' indexes (0..<count, strictly increasing)
/// e * ceil(h/8) bytes: each exception's high bits (value >> b), little-endian, ceil(h/8) bytes each
/// ```
///
/// The encoder picks the `b` that minimises the block's size (Lucene's PForUtil and PISA's OptPFor do the same
/// with other exception layouts). A block's size is known from its 2–3 header bytes, so a reader can skip it
/// without decoding. Stateless; thread-safe; encoding and decoding allocate nothing.
public enum PatchedBlock {
    /// Values per block.
    public static let blockSize = 128

    /// The encoded size of a block with these header fields.
    @inlinable static func byteCount(count: Int, bitWidth b: Int, exceptions e: Int, exceptionWidth h: Int) -> Int {
        let packed = (count * b + 7) >> 3
        return e == 0 ? 2 + packed : 3 + packed + e * (1 + (h + 7) >> 3)
    }

    /// A posting list's last block of `count` documents is stored as VarInts below this count (the 2–3 header
    /// bytes would not pay), as patched blocks from it on (docs/FORMAT.md, "Tail block").
    public static let smallestPartialBlock = 4

    /// The most bytes one block takes: the encoder picks the smallest encoding, never larger than the one without
    /// exceptions at the widest value's width, 2 header bytes and at most 128 values of 32 bits.
    public static let maxEncodedSize = 2 + 16 * 32

    /// Appends the encoding of `values[0..<count]` (`count` 1...128) to `out`.
    public static func encode(_ values: UnsafePointer<UInt32>, count: Int = 128, into out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(byteCount: encodingRoom, alignment: 16) { block in
            let n = encode(values, count: count, to: block.baseAddress!)
            out.append(contentsOf: UnsafeRawBufferPointer(start: block.baseAddress!, count: n))
        }
    }

    /// The room `encode(_:count:to:)` needs: the largest block and the bit packer's slack.
    static let encodingRoom = maxEncodedSize + RawBitWriter.slack

    /// Writes the encoding of `values[0..<count]` (`count` 1...128) to `dst`, which has room for `encodingRoom`
    /// bytes (those past the encoding may be overwritten), and returns its size. Same bytes as
    /// `encode(_:count:into:)`.
    static func encode(_ values: UnsafePointer<UInt32>, count: Int = 128, to dst: UnsafeMutableRawPointer) -> Int {
        precondition(count >= 1 && count <= 128)
        // All zeros (the frequencies - 1 of most short-field and many body blocks): width 0, no exceptions.
        var any: UInt32 = 0
        for i in 0..<count { any |= values[i] }
        if any == 0 {
            dst.storeBytes(of: 0 as UInt16, as: UInt16.self)
            return byteCount(count: count, bitWidth: 0, exceptions: 0, exceptionWidth: 0)
        }
        // Histogram of significant bit counts: counts[w] = values needing exactly w bits. Two interleaved
        // histograms, so that runs of equal widths do not wait on one counter's store.
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: 66) { histograms in
            let counts = histograms.baseAddress!
            counts.initialize(repeating: 0, count: 66)
            var i = 0
            while i &+ 1 < count {
                counts[32 &- values[i].leadingZeroBitCount] &+= 1
                counts[33 &+ 32 &- values[i &+ 1].leadingZeroBitCount] &+= 1
                i &+= 2
            }
            if i < count { counts[32 &- values[i].leadingZeroBitCount] &+= 1 }
            for w in 0...32 { counts[w] &+= counts[33 &+ w] }
            var maxWidth = 32
            while maxWidth > 0 && counts[maxWidth] == 0 { maxWidth -= 1 }
            var best = maxWidth
            var bestSize = byteCount(count: count, bitWidth: maxWidth, exceptions: 0, exceptionWidth: 0)
            var bestExceptions = 0
            var exceptions = 0
            var b = maxWidth - 1
            while b >= 0 {
                exceptions += Int(counts[b + 1])
                let size = byteCount(count: count, bitWidth: b, exceptions: exceptions, exceptionWidth: maxWidth - b)
                if size < bestSize {
                    best = b
                    bestSize = size
                    bestExceptions = exceptions
                }
                b -= 1
            }
            write(values, count: count, bitWidth: best, exceptions: bestExceptions, maxWidth: maxWidth, to: dst)
            return bestSize
        }
    }

    /// Writes the block at width `b` with its `exceptions` (the values wider than `b`, counted by the caller).
    @inline(__always)
    private static func write(
        _ values: UnsafePointer<UInt32>, count: Int, bitWidth b: Int, exceptions: Int, maxWidth: Int,
        to dst: UnsafeMutableRawPointer
    ) {
        let h = maxWidth - b
        dst.storeBytes(of: UInt8(b), as: UInt8.self)
        dst.storeBytes(of: UInt8(exceptions), toByteOffset: 1, as: UInt8.self)
        var header = 2
        if exceptions > 0 {
            dst.storeBytes(of: UInt8(h), toByteOffset: 2, as: UInt8.self)
            header = 3
        }
        let packed = BitPacking.pack(values, count: count, bitWidth: b, to: dst + header)
        guard exceptions > 0 else { return }
        // Exceptions exist only below width 32: their indexes, then their high bits, in one pass.
        let highBytes = (h + 7) >> 3
        var index = dst + header + packed
        var high = index + exceptions
        for i in 0..<count {
            let bits = values[i] >> UInt32(b)
            if bits == 0 { continue }
            index.storeBytes(of: UInt8(i), as: UInt8.self)
            index += 1
            for k in 0..<highBytes {
                high.storeBytes(of: UInt8(truncatingIfNeeded: bits >> UInt32(8 * k)), toByteOffset: k, as: UInt8.self)
            }
            high += highBytes
        }
    }

    /// The size of the block at `offset`, read from its header, or `nil` if the header is bad or the block runs
    /// past the end of `input`.
    @inlinable @inline(__always)
    public static func encodedSize(_ input: UnsafeRawBufferPointer, at offset: Int, count: Int = 128) -> Int? {
        guard offset >= 0, input.count - offset >= 2 else { return nil }
        let b = Int(input[offset])
        let e = Int(input[offset + 1])
        guard b <= 32, e <= count else { return nil }
        var h = 0
        if e > 0 {
            guard input.count - offset >= 3 else { return nil }
            h = Int(input[offset + 2])
            guard h >= 1, h <= 32 - b else { return nil }
        }
        let size = byteCount(count: count, bitWidth: b, exceptions: e, exceptionWidth: h)
        return size <= input.count - offset ? size : nil
    }

    /// Decodes the block of `count` values at `offset` of `input` into `out[0..<count]` (`out` must have room for
    /// 128: a partial block writes zeros after its values).
    /// - Returns: the offset just past the block, or `nil` if it is truncated or malformed (bad widths, exception
    ///   indexes not increasing, high bits wider than stated).
    @inlinable
    public static func decode(
        _ input: UnsafeRawBufferPointer, at offset: Int, count: Int = 128, into out: UnsafeMutablePointer<UInt32>
    ) -> Int? {
        guard count >= 1, count <= 128, let size = encodedSize(input, at: offset, count: count) else { return nil }
        let b = Int(input[offset])
        let e = Int(input[offset + 1])
        let headerSize = e > 0 ? 3 : 2
        let packedStart = offset + headerSize
        let packedEnd = packedStart + (count * b + 7) >> 3
        if count == 128 {
            guard BitPacking.unpack(input, at: packedStart, bitWidth: b, into: out) != nil else { return nil }
        } else {
            unpackPartial(input.baseAddress! + packedStart, byteCount: packedEnd - packedStart, bitWidth: b, into: out)
        }
        if e > 0 {
            let h = Int(input[offset + 2])
            let highBytes = (h + 7) >> 3
            var highAt = packedEnd + e
            var previous = -1
            for k in 0..<e {
                let i = Int(input[packedEnd + k])
                guard i > previous, i < count else { return nil }
                previous = i
                let high = littleEndian(input, at: highAt, byteCount: highBytes)
                highAt += highBytes
                guard high >> UInt64(h) == 0, high != 0 else { return nil }
                out[i] |= UInt32(truncatingIfNeeded: high << UInt64(b))
            }
        }
        return offset + size
    }

    /// The value at `index` of the block of `count` values at `offset` of `input`, decoding only it: its low bits
    /// from the packed stream, its high bits if `index` is among the exceptions. `nil` if the header is bad or
    /// the block runs past `input` (the exception list is not checked beyond what the lookup reads).
    @inlinable
    public static func value(_ input: UnsafeRawBufferPointer, at offset: Int, count: Int, index: Int) -> UInt32? {
        guard index >= 0, index < count, let values = Values(input, at: offset, count: count) else { return nil }
        return values[index]
    }

    /// One block's values read one at a time (`value(_:at:count:index:)` for many indexes of a block): its header
    /// and size checked once, each value then decoded alone. Borrows `input`'s bytes; a value type, not
    /// thread-safe to share while `input` may change.
    public struct Values {
        @usableFromInline let input: UnsafeRawBufferPointer
        @usableFromInline let count: Int
        @usableFromInline let bitWidth: Int
        @usableFromInline let exceptions: Int
        @usableFromInline let packedStart: Int
        @usableFromInline let packedEnd: Int

        /// The block of `count` values (at most 128) at `offset` of `input`; nil if its header is bad or it runs
        /// past `input`.
        @inlinable
        public init?(_ input: UnsafeRawBufferPointer, at offset: Int, count: Int) {
            guard count <= 128, offset >= 0, PatchedBlock.encodedSize(input, at: offset, count: count) != nil else { return nil }
            self.input = input
            self.count = count
            bitWidth = Int(input[offset])
            exceptions = Int(input[offset + 1])
            packedStart = offset + (exceptions > 0 ? 3 : 2)
            packedEnd = packedStart + (count * bitWidth + 7) >> 3
        }

        /// The value at `index` (`0 ..< count`, which the caller guarantees).
        @inlinable
        public subscript(index: Int) -> UInt32 {
            let b = bitWidth
            var low: UInt64 = 0
            if b > 0 {
                // The value's bits start in byte `bit / 8` and span at most 5 bytes (b <= 32, shift <= 7).
                let bit = index * b
                let first = packedStart + bit >> 3
                // One unaligned load where 8 bytes lie inside `input` (bits past the value are masked off).
                low = first &+ 8 <= input.count
                    ? UInt64(littleEndian: input.loadUnaligned(fromByteOffset: first, as: UInt64.self))
                    : PatchedBlock.littleEndian(input, at: first, byteCount: min(packedEnd - first, 5))
                low = (low >> UInt64(bit & 7)) & ((1 << UInt64(b)) - 1)
            }
            let e = exceptions
            guard e > 0 else { return UInt32(truncatingIfNeeded: low) }
            // Exceptions: their increasing indexes, then their high bits.
            let h = Int(input[packedStart - 1])
            let highBytes = (h + 7) >> 3
            for k in 0..<e {
                let i = Int(input[packedEnd + k])
                if i < index { continue }
                guard i == index else { break }
                let high = PatchedBlock.littleEndian(input, at: packedEnd + e + k * highBytes, byteCount: highBytes)
                return UInt32(truncatingIfNeeded: low | high << UInt64(b))
            }
            return UInt32(truncatingIfNeeded: low)
        }
    }

    /// The little-endian integer in `byteCount` (0...8) bytes of `input` from `offset` (bounds checked by the caller).
    @usableFromInline @inline(__always)
    static func littleEndian(_ input: UnsafeRawBufferPointer, at offset: Int, byteCount: Int) -> UInt64 {
        if byteCount == 1 { return UInt64(input[offset]) }
        var value: UInt64 = 0
        for j in 0..<byteCount { value |= UInt64(input[offset + j]) << UInt64(8 * j) }
        return value
    }

    /// Unpacks the first bits of a block from `byteCount` bytes, copied into a zeroed 128-value block first.
    @usableFromInline
    static func unpackPartial(
        _ src: UnsafeRawPointer, byteCount: Int, bitWidth b: Int, into out: UnsafeMutablePointer<UInt32>
    ) {
        guard b > 0 else {
            out.update(repeating: 0, count: 128)
            return
        }
        withUnsafeTemporaryAllocation(byteCount: 16 * 32 + 8, alignment: 8) { padded in
            padded.initializeMemory(as: UInt8.self, repeating: 0)
            padded.baseAddress!.copyMemory(from: src, byteCount: byteCount)
            BitPacking.unpackBlock(UnsafeRawPointer(padded.baseAddress!), out, b)
        }
    }
}
