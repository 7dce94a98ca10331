/// The one pass over a field's bytes that finds NUL bytes (malformed input) and invalid UTF-8 (kept, but counted).
///
/// Eight bytes at a time while the text is ASCII (the common case: the real dump is pure ASCII), a full UTF-8
/// check (overlongs, surrogates, > U+10FFFF, truncated sequences) only from the first non-ASCII byte on.
/// Pure function of the bytes; thread-safe.
enum ByteValidation {
    struct Result: Equatable {
        var hasNUL = false
        var invalidUTF8 = false
    }

    static func check(_ bytes: UnsafeRawBufferPointer) -> Result {
        var result = Result()
        let n = bytes.count
        guard n > 0, let base = bytes.baseAddress else { return result }
        var i = 0
        let high: UInt64 = 0x8080_8080_8080_8080
        let ones: UInt64 = 0x0101_0101_0101_0101
        @inline(__always) func zeroOrHigh(_ w: UInt64) -> UInt64 { (w | ((w &- ones) & ~w)) & high }
        while i + 32 <= n {
            let w0 = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let w1 = base.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
            let w2 = base.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)
            let w3 = base.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)
            if zeroOrHigh(w0) | zeroOrHigh(w1) | zeroOrHigh(w2) | zeroOrHigh(w3) != 0 { break }
            i += 32
        }
        while i + 8 <= n {
            let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if w & high != 0 || (w &- ones) & ~w & high != 0 { break }
            i += 8
        }
        while i < n {
            let b = base.load(fromByteOffset: i, as: UInt8.self)
            if b == 0 {
                result.hasNUL = true
                i += 1
                continue
            }
            if b < 0x80 {
                i += 1
                continue
            }
            let length = sequenceLength(base, i, n)
            if length == 0 {
                result.invalidUTF8 = true
                i += 1
            } else {
                i += length
            }
        }
        return result
    }

    /// The length of the valid UTF-8 sequence starting with the non-ASCII byte at `i`, or 0 if it is invalid.
    @inline(__always)
    static func sequenceLength(_ base: UnsafeRawPointer, _ i: Int, _ n: Int) -> Int {
        @inline(__always) func at(_ k: Int) -> UInt8 { base.load(fromByteOffset: k, as: UInt8.self) }
        @inline(__always) func cont(_ k: Int) -> Bool { k < n && at(k) & 0xC0 == 0x80 }
        let b0 = at(i)
        switch b0 {
        case 0xC2...0xDF:
            return cont(i + 1) ? 2 : 0
        case 0xE0...0xEF:
            guard cont(i + 1), cont(i + 2) else { return 0 }
            let b1 = at(i + 1)
            if b0 == 0xE0 && b1 < 0xA0 { return 0 }  // overlong
            if b0 == 0xED && b1 >= 0xA0 { return 0 }  // surrogate
            return 3
        case 0xF0...0xF4:
            guard cont(i + 1), cont(i + 2), cont(i + 3) else { return 0 }
            let b1 = at(i + 1)
            if b0 == 0xF0 && b1 < 0x90 { return 0 }
            if b0 == 0xF4 && b1 >= 0x90 { return 0 }
            return 4
        default:
            return 0
        }
    }
}
