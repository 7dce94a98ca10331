/// A little-endian bit stream (docs/FORMAT.md, "Bit stream"): bit `k` of the stream is bit `k % 8` of byte
/// `k / 8`, so a value of `n` bits written at bit `k` occupies bits `k ..< k + n`, its least significant bit
/// first. The packed skip table and the positions (Rice and truncated binary codes) are written with it.
///
/// `BitWriter` accumulates up to 64 bits and appends whole bytes to a caller's `[UInt8]`; `flush` pads the last
/// byte with zero bits. Value type, not thread-safe, allocation-free apart from the output's growth.
public struct BitWriter {
    @usableFromInline var accumulator: UInt64 = 0
    @usableFromInline var pending = 0

    public init() {}

    /// Bits written since the last `flush`, including those not yet in `out`.
    @inlinable public var bitsPending: Int { pending }

    /// Appends the low `count` bits (0...32) of `value`.
    @inlinable @inline(__always)
    public mutating func write(_ value: UInt32, bits count: Int, into out: inout [UInt8]) {
        accumulator |= UInt64(value) << UInt64(pending)
        pending += count
        if pending >= 32 {
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: accumulator).littleEndian) { out.append(contentsOf: $0) }
            accumulator >>= 32
            pending -= 32
        }
    }

    /// Appends `count` zero bits and then a one bit: the unary code of `count`.
    @inlinable @inline(__always)
    public mutating func writeUnary(_ count: Int, into out: inout [UInt8]) {
        var zeros = count
        while zeros >= 32 {
            write(0, bits: 32, into: &out)
            zeros -= 32
        }
        write(1 << UInt32(zeros), bits: zeros + 1, into: &out)
    }

    /// Appends the pending bits, the last byte padded with zero bits, and starts over at a byte boundary.
    @inlinable public mutating func flush(into out: inout [UInt8]) {
        while pending > 0 {
            out.append(UInt8(truncatingIfNeeded: accumulator))
            accumulator >>= 8
            pending -= min(8, pending)
        }
        accumulator = 0
        pending = 0
    }
}

/// `BitWriter`'s stream written straight into memory the caller reserved (a `RawByteBuffer`'s room): whole
/// 32-bit words are stored as they fill, with no capacity check, so the caller bounds the bits it writes.
/// The bytes are the ones `BitWriter` appends for the same writes. Value type, not thread-safe.
///
/// `write` has no branch: it stores the low word of the accumulator on every call and moves on only when the
/// word is full (whether it is depends on the data, so a branch would be mispredicted often). The room must
/// therefore extend `slack` bytes past the last byte of the stream; bytes there may be overwritten.
struct RawBitWriter {
    /// Bytes past the stream's end that `write` may store into.
    static let slack = 4

    /// Where the next whole word goes.
    var cursor: UnsafeMutableRawPointer
    /// Bits not yet stored (fewer than 32 between writes), least significant first.
    var accumulator: UInt64
    var pending: Int

    init(cursor: UnsafeMutableRawPointer, accumulator: UInt64 = 0, pending: Int = 0) {
        self.cursor = cursor
        self.accumulator = accumulator
        self.pending = pending
    }

    /// Writes the low `count` bits (0...32) of `value` (no bits above them may be set).
    @inline(__always)
    mutating func write(_ value: UInt32, bits count: Int) {
        accumulator |= UInt64(value) &<< UInt64(pending)
        pending &+= count
        cursor.storeBytes(of: UInt32(truncatingIfNeeded: accumulator).littleEndian, as: UInt32.self)
        let full = (pending &>> 5) & 1  // pending < 64: 1 once a word is full
        cursor += full &<< 2
        accumulator &>>= UInt64(full &<< 5)
        pending &-= full &<< 5
    }

    /// Writes `count` zero bits and then a one bit: the unary code of `count`.
    @inline(__always)
    mutating func writeUnary(_ count: Int) {
        var zeros = count
        while zeros >= 32 {
            write(0, bits: 32)
            zeros &-= 32
        }
        write(1 &<< UInt32(zeros), bits: zeros &+ 1)
    }

    /// Stores the pending bits, the last byte padded with zero bits (at most 4 bytes), and starts over at a byte
    /// boundary.
    @inline(__always)
    mutating func flush() {
        while pending > 0 {
            cursor.storeBytes(of: UInt8(truncatingIfNeeded: accumulator), as: UInt8.self)
            cursor += 1
            accumulator &>>= 8
            pending &-= min(8, pending)
        }
        accumulator = 0
        pending = 0
    }
}

/// Reads a little-endian bit stream (see `BitWriter`) from untrusted bytes: reads past the end see zero bits and
/// set the position past `bitLimit`, so a caller checks `isOverrun` once after a run of reads instead of on every
/// read. Never touches memory outside its buffer. Value type over borrowed memory.
public struct BitReader {
    @usableFromInline let buffer: UnsafeRawBufferPointer
    /// The absolute bit position of the next read in `buffer`.
    public var position: Int

    /// A reader of `buffer` starting at byte `byteOffset`.
    @inlinable public init(_ buffer: UnsafeRawBufferPointer, byteOffset: Int) {
        self.buffer = buffer
        position = byteOffset << 3
    }

    /// The number of bits in the buffer.
    @inlinable public var bitLimit: Int { buffer.count << 3 }

    /// True once a read went past the end of the buffer.
    @inlinable public var isOverrun: Bool { position > bitLimit }

    /// The byte offset just past the last bit read (the end of a byte-padded stream).
    @inlinable public var byteEnd: Int { (position + 7) >> 3 }

    /// At least 57 bits from `position` on (zeros past the end of the buffer).
    @inlinable @inline(__always)
    func peek() -> UInt64 {
        let byte = position &>> 3
        if byte >= 0 && byte &+ 8 <= buffer.count {
            return UInt64(littleEndian: buffer.baseAddress.unsafelyUnwrapped.loadUnaligned(
                fromByteOffset: byte, as: UInt64.self)) &>> UInt64(position & 7)
        }
        return peekNearEnd()
    }

    /// `peek` within 8 bytes of the end of the buffer (or past it): assembles the bytes left.
    @usableFromInline @inline(never)
    func peekNearEnd() -> UInt64 {
        let byte = position >> 3
        var word: UInt64 = 0
        if byte >= 0 {
            var i = 0
            while i < 8 && byte + i < buffer.count {
                word |= UInt64(buffer[byte + i]) << UInt64(8 * i)
                i += 1
            }
        }
        return word >> UInt64(position & 7)
    }

    /// Reads `count` bits (0...32).
    @inlinable @inline(__always)
    public mutating func read(bits count: Int) -> UInt32 {
        let value = UInt32(truncatingIfNeeded: peek() & ((UInt64(1) << UInt64(count)) &- 1))
        position += count
        return value
    }

    /// Reads a unary code (zero bits up to a one bit) and returns the number of zeros, or `nil` if more than
    /// `limit` zeros come first (corrupt data, or the end of the buffer).
    @inlinable @inline(__always)
    public mutating func readUnary(limit: Int) -> Int? {
        let first = peek()
        if first & 0xFF_FFFF_FFFF_FFFF != 0 {
            let run = first.trailingZeroBitCount
            position += run + 1
            return run <= limit ? run : nil
        }
        return readLongUnary(limit: limit)
    }

    /// Reads a Rice code with parameter `k` (0...31): a unary part of at most `limit` zeros, then `k` bits.
    /// - Returns: the value, or `nil` if the unary part is longer than `limit`.
    @inlinable @inline(__always)
    public mutating func readRice(k: Int, limit: Int) -> UInt64? {
        let word = peek()
        let run = word.trailingZeroBitCount
        if run &+ 1 &+ k <= 57 {
            // The unary part and the low bits are both in the word: one load.
            guard run <= limit else { return nil }
            position &+= run &+ 1 &+ k
            let low = (word &>> UInt64(run &+ 1)) & ((UInt64(1) &<< UInt64(k)) &- 1)
            return UInt64(run) &<< UInt64(k) | low
        }
        guard let high = readUnary(limit: limit) else { return nil }
        return UInt64(high) << UInt64(k) | UInt64(read(bits: k))
    }

    /// `readUnary` for a run of 56 or more zero bits (corrupt data, or a very long field).
    @usableFromInline
    mutating func readLongUnary(limit: Int) -> Int? {
        var zeros = 0
        while true {
            let word = peek()
            if word & 0xFF_FFFF_FFFF_FFFF != 0 {
                let run = word.trailingZeroBitCount
                zeros += run
                position += run + 1
                return zeros <= limit ? zeros : nil
            }
            zeros += 56
            position += 56
            if zeros > limit || position > bitLimit { return nil }
        }
    }
}
