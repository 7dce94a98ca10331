/// Small byte-level helpers shared by every reader: ASCII classification, case-insensitive matching, number and
/// date parsing over raw bytes, and the one-pass NUL / UTF-8 check.
///
/// All functions are pure and bounds-checked: they take an `UnsafeRawBufferPointer` and an explicit range and never
/// read outside it, whatever the bytes are.
enum ByteText {
    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
    @inline(__always) static func isUpper(_ b: UInt8) -> Bool { b &- 0x41 < 26 }
    @inline(__always) static func isLower(_ b: UInt8) -> Bool { b &- 0x61 < 26 }
    @inline(__always) static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }
    @inline(__always) static func upper(_ b: UInt8) -> UInt8 { isLower(b) ? b - 0x20 : b }

    /// Whether `bytes[at...]` starts with `literal` (ASCII, compared case-insensitively) before `end`.
    @inline(__always)
    static func hasPrefix(_ bytes: UnsafeRawBufferPointer, at: Int, end: Int, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard at >= 0, at + n <= end, end <= bytes.count else { return false }
        let lit = literal.utf8Start
        for k in 0..<n where upper(bytes[at + k]) != upper(lit[k]) { return false }
        return true
    }

    /// Whether `bytes[at...]` starts with `literal` exactly (case-sensitive) before `end`.
    @inline(__always)
    static func hasExactPrefix(_ bytes: UnsafeRawBufferPointer, at: Int, end: Int, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard at >= 0, at + n <= end, end <= bytes.count else { return false }
        let lit = literal.utf8Start
        for k in 0..<n where bytes[at + k] != lit[k] { return false }
        return true
    }

    /// The first index in `from..<end` where `literal` starts (case-sensitive), or `nil`.
    static func find(_ literal: StaticString, in bytes: UnsafeRawBufferPointer, from: Int, end: Int) -> Int? {
        let n = literal.utf8CodeUnitCount
        guard n > 0, from >= 0, end <= bytes.count, end - from >= n, let base = bytes.baseAddress else { return nil }
        let first = Int32(literal.utf8Start[0])
        var i = from
        while i + n <= end {
            guard let hit = memchr(base + i, first, end - n + 1 - i) else { return nil }
            let at = base.distance(to: UnsafeRawPointer(hit))
            if hasExactPrefix(bytes, at: at, end: end, literal) { return at }
            i = at + 1
        }
        return nil
    }

    /// The index of the first `byte` in `from..<end`, or `end` (memchr).
    @inline(__always)
    static func index(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from: Int, end: Int) -> Int {
        guard from < end, let base = bytes.baseAddress else { return end }
        guard let hit = memchr(base + from, Int32(byte), end - from) else { return end }
        return base.distance(to: UnsafeRawPointer(hit))
    }

    /// A string from `bytes[range]`; invalid UTF-8 is repaired with U+FFFD.
    @inline(__always)
    static func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        guard !range.isEmpty else { return "" }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// `range` without leading and trailing ASCII spaces, tabs, CRs and LFs.
    static func trimmed(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Range<Int> {
        var lo = range.lowerBound
        var hi = range.upperBound
        while lo < hi && (isSpace(bytes[lo]) || bytes[lo] == 0x0A) { lo += 1 }
        while hi > lo && (isSpace(bytes[hi - 1]) || bytes[hi - 1] == 0x0A) { hi -= 1 }
        return lo..<hi
    }

    /// Parses `bytes[range]` as an unsigned decimal of 1–18 digits.
    static func parseInt(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.count <= 18 else { return nil }
        var v = 0
        for i in range {
            let b = bytes[i]
            guard isDigit(b) else { return nil }
            v = v * 10 + Int(b - 0x30)
        }
        return v
    }

    /// Reads 1...maxDigits digits at `i`, advancing it.
    @inline(__always)
    private static func digits(_ bytes: UnsafeRawBufferPointer, _ i: inout Int, end: Int, max maxDigits: Int) -> Int? {
        var v = 0
        var n = 0
        while i < end, n < maxDigits, isDigit(bytes[i]) {
            v = v * 10 + Int(bytes[i] - 0x30)
            i += 1
            n += 1
        }
        return n == 0 ? nil : v
    }

    @inline(__always)
    private static func expect(_ bytes: UnsafeRawBufferPointer, _ i: inout Int, end: Int, _ byte: UInt8) -> Bool {
        guard i < end, bytes[i] == byte else { return false }
        i += 1
        return true
    }

    /// `M/D/YYYY H:MM` (cables.csv, not zero-padded), the whole range.
    static func parseCSVDate(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> CableDate? {
        var i = range.lowerBound
        let end = range.upperBound
        guard let m = digits(bytes, &i, end: end, max: 2), expect(bytes, &i, end: end, 0x2F),
            let d = digits(bytes, &i, end: end, max: 2), expect(bytes, &i, end: end, 0x2F),
            let y = digits(bytes, &i, end: end, max: 4), expect(bytes, &i, end: end, 0x20),
            let h = digits(bytes, &i, end: end, max: 2), expect(bytes, &i, end: end, 0x3A),
            let mi = digits(bytes, &i, end: end, max: 2), i == end
        else { return nil }
        return CableDate(year: y, month: m, day: d, hour: h, minute: mi)
    }

    /// `YYYY-MM-DD HH:MM[:SS]` (SQL, HTML, text), the whole range; seconds are dropped (minute precision).
    static func parseISODate(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> CableDate? {
        var i = range.lowerBound
        let end = range.upperBound
        guard let y = digits(bytes, &i, end: end, max: 4), expect(bytes, &i, end: end, 0x2D),
            let m = digits(bytes, &i, end: end, max: 2), expect(bytes, &i, end: end, 0x2D),
            let d = digits(bytes, &i, end: end, max: 2)
        else { return nil }
        if i == end { return CableDate(year: y, month: m, day: d) }
        guard expect(bytes, &i, end: end, 0x20) || expect(bytes, &i, end: end, 0x54),
            let h = digits(bytes, &i, end: end, max: 2), expect(bytes, &i, end: end, 0x3A),
            let mi = digits(bytes, &i, end: end, max: 2)
        else { return nil }
        if i < end {
            guard expect(bytes, &i, end: end, 0x3A), digits(bytes, &i, end: end, max: 2) != nil, i == end else {
                return nil
            }
        }
        return CableDate(year: y, month: m, day: d, hour: h, minute: mi)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
