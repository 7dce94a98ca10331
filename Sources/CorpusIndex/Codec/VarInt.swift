/// LEB128 variable-length unsigned integers: 7 bits per byte, least significant group first, high bit set on
/// every byte but the last. A `UInt64` takes 1–10 bytes, a `UInt32` 1–5.
///
/// Stateless namespace; thread-safe. Decoders never read outside the buffer they are given and reject encodings
/// longer than 10 bytes or with bits beyond 64.
public enum VarInt {
    /// The most bytes one value can take.
    public static let maxBytes = 10

    /// The number of bytes `value` takes.
    @inlinable public static func encodedCount(_ value: UInt64) -> Int {
        let bits = 64 - value.leadingZeroBitCount
        return bits == 0 ? 1 : (bits + 6) / 7
    }

    /// Appends `value` to `out`.
    @inlinable public static func encode(_ value: UInt64, into out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// Decodes the value starting at `offset` in `buffer`.
    /// - Returns: the value and the offset just past it, or `nil` if the bytes run out or the encoding is invalid.
    @inlinable public static func decode(_ buffer: UnsafeRawBufferPointer, at offset: Int) -> (UInt64, Int)? {
        guard offset >= 0 else { return nil }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var i = offset
        let end = buffer.count
        while i < end {
            let byte = buffer[i]
            i += 1
            if shift == 63 && byte > 1 { return nil }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return (result, i) }
            shift += 7
            if shift > 63 { return nil }
        }
        return nil
    }

    /// Decodes a value that must fit in 32 bits; the fast path for postings.
    /// - Returns: the value and the offset just past it, or `nil` if invalid, truncated or wider than 32 bits.
    @inlinable @inline(__always)
    public static func decode32(_ buffer: UnsafeRawBufferPointer, at offset: Int) -> (UInt32, Int)? {
        var i = offset
        guard i >= 0, i < buffer.count else { return nil }
        var byte = buffer[i]
        i += 1
        if byte < 0x80 { return (UInt32(byte), i) }
        var result = UInt32(byte & 0x7F)
        var shift: UInt32 = 7
        while true {
            guard i < buffer.count else { return nil }
            byte = buffer[i]
            i += 1
            if shift == 28 && byte > 0x0F { return nil }
            result |= UInt32(byte & 0x7F) << shift
            if byte < 0x80 { return (result, i) }
            shift += 7
            if shift > 28 { return nil }
        }
    }

    /// Skips `count` values starting at `offset`.
    /// - Returns: the offset past the last one, or `nil` if the buffer ends first.
    @inlinable public static func skip(_ count: Int, in buffer: UnsafeRawBufferPointer, at offset: Int) -> Int? {
        var remaining = count
        var i = offset
        guard i >= 0 else { return nil }
        while remaining > 0 {
            guard i < buffer.count else { return nil }
            if buffer[i] < 0x80 { remaining -= 1 }
            i += 1
        }
        return i
    }
}
