#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A word-replacing transform for document-store blocks (docs/FORMAT.md, "Word table"): up to 16,192 frequent
/// words, sampled from the first documents of a build, each replaced by a one- or two-byte code before the block
/// is compressed. LZ4's window is 64 KiB and deflate's 32 KiB; with words shrunk to one or two bytes the same
/// window covers about twice the text and literals cost far less, so the store shrinks by a quarter to a third
/// (measured on the generated full-size dump: docs/FORMAT.md and the `build --store-words` help).
///
/// Transformed bytes:
/// - `0x00...0x7F`: the byte itself;
/// - `0x80...0xBF`: word `b - 0x80` (the 64 one-byte codes);
/// - `0xC0...0xFE` then any byte `x`: word `64 + (b - 0xC0) * 256 + x` (16,128 two-byte codes);
/// - `0xFF` then a byte `x >= 0x80`: the byte `x` (raw bytes `>= 0x80`, e.g. UTF-8, are escaped).
///
/// A word is 2...32 ASCII letters. The encoder replaces every maximal run of ASCII letters that is in the table
/// and copies every other byte (escaping those `>= 0x80`), so `decode(encode(x)) == x` for any bytes.
///
/// Immutable after construction; `Sendable` and thread-safe (encode and decode use only caller buffers).
public struct WordTable: Sendable, Equatable {
    /// Words with one-byte codes.
    public static let oneByteCodes = 64
    /// The largest table: 64 one-byte and 63 * 256 two-byte codes.
    public static let maxWords = oneByteCodes + 63 * 256
    /// Word lengths accepted, in bytes.
    public static let wordLengths = 2...32
    static let twoByteLead: UInt8 = 0xC0
    static let escape: UInt8 = 0xFF

    /// The words in code order, back to back.
    private let arena: [UInt8]
    /// `ends[i]` is the arena offset just past word `i` (word `i` starts at `ends[i - 1]`, or 0).
    private let ends: [UInt32]
    /// Open-addressing hash of the words: `code + 1` per slot, 0 for empty. Capacity a power of two.
    private let slots: [UInt16]

    /// The number of words.
    public var count: Int { ends.count }

    /// Word `i`'s bytes.
    public func word(_ i: Int) -> ArraySlice<UInt8> { arena[(i == 0 ? 0 : Int(ends[i - 1]))..<Int(ends[i])] }

    /// A table of `words` in code order. - Precondition: at most `maxWords` words, each 2...32 ASCII letters.
    public init(words: [[UInt8]]) {
        precondition(words.count <= Self.maxWords)
        var arena: [UInt8] = []
        var ends: [UInt32] = []
        for w in words {
            precondition(Self.wordLengths.contains(w.count) && w.allSatisfy(isASCIILetter), "not a word")
            arena += w
            ends.append(UInt32(arena.count))
        }
        self.arena = arena
        self.ends = ends
        var capacity = 64
        while capacity < 2 * words.count { capacity *= 2 }
        var slots = [UInt16](repeating: 0, count: capacity)
        arena.withUnsafeBytes { raw in
            ends.withUnsafeBufferPointer { ends in
            var start = 0
            for (code, end) in ends.enumerated() {
                let word = UnsafeRawBufferPointer(rebasing: raw[start..<Int(end)])
                var slot = Self.hash(word) & (capacity - 1)
                while slots[slot] != 0 {
                    let other = Int(slots[slot]) - 1
                    if Self.equal(raw, other, ends, word) { break }  // a duplicate keeps the first (smaller) code
                    slot = (slot + 1) & (capacity - 1)
                }
                if slots[slot] == 0 { slots[slot] = UInt16(code + 1) }
                start = Int(end)
            }
            }
        }
        self.slots = slots
    }

    /// Chooses the words that save the most in `sample` (deterministic: ties go to the smaller byte string).
    /// The 64 one-byte codes go to the words with the largest `count * (length - 1)`; the two-byte codes to the
    /// remaining words seen at least twice with the largest `count * (length - 2)` (two-letter words gain nothing
    /// from a two-byte code).
    public static func build(sample: UnsafeRawBufferPointer) -> WordTable {
        var counts: [ArraySlice<UInt8>: Int] = [:]
        let bytes = Array(sample)
        var i = 0
        while i < bytes.count {
            guard isASCIILetter(bytes[i]) else { i += 1; continue }
            var j = i + 1
            while j < bytes.count && isASCIILetter(bytes[j]) { j += 1 }
            if wordLengths.contains(j - i) { counts[bytes[i..<j], default: 0] += 1 }
            i = j
        }
        func ranked(_ candidates: [(ArraySlice<UInt8>, Int)], by gain: (ArraySlice<UInt8>, Int) -> Int)
            -> [(ArraySlice<UInt8>, Int)]
        {
            candidates.map { ($0, $1, gain($0, $1)) }
                .sorted { $0.2 != $1.2 ? $0.2 > $1.2 : $0.0.lexicographicallyPrecedes($1.0) }
                .map { ($0.0, $0.1) }
        }
        let first = ranked(counts.map { ($0.key, $0.value) }) { w, n in n * (w.count - 1) }
        let one = first.prefix(oneByteCodes)
        let rest = ranked(first.dropFirst(oneByteCodes).filter { $0.1 >= 2 && $0.0.count >= 3 }) { w, n in
            n * (w.count - 2)
        }
        let words = (one + rest.prefix(maxWords - oneByteCodes)).map { Array($0.0) }
        return WordTable(words: words)
    }

    /// The code of the word `word`, if it is in the table.
    func code(of word: UnsafeRawBufferPointer) -> Int? {
        withLookup { $0(word) }
    }

    /// Calls `body` with a lookup function valid only during the call (the table's buffers pinned once).
    @inline(__always)
    private func withLookup<R>(_ body: ((UnsafeRawBufferPointer) -> Int?) -> R) -> R {
        arena.withUnsafeBytes { raw in
            ends.withUnsafeBufferPointer { ends in
                slots.withUnsafeBufferPointer { slots in
                    let mask = slots.count - 1
                    return body { word in
                        var slot = Self.hash(word) & mask
                        while true {
                            let entry = Int(slots[slot])
                            if entry == 0 { return nil }
                            if Self.equal(raw, entry - 1, ends, word) { return entry - 1 }
                            slot = (slot + 1) & mask
                        }
                    }
                }
            }
        }
    }

    /// The largest transformed size of `n` input bytes (every byte escaped).
    public static func encodedBound(_ n: Int) -> Int { 2 * n }

    /// Writes the transform of `input` to `output` (at least `encodedBound(input.count)` bytes).
    /// - Returns: the bytes written.
    public func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        precondition(output.count >= Self.encodedBound(input.count))
        return withLookup { lookup in encode(input, into: output, lookup) }
    }

    @inline(__always)
    private func encode(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
        _ lookup: (UnsafeRawBufferPointer) -> Int?
    ) -> Int {
        var o = 0
        var i = 0
        let n = input.count
        while i < n {
            let b = input[i]
            if b >= 0x80 {
                output[o] = Self.escape
                output[o + 1] = b
                o += 2
                i += 1
                continue
            }
            guard isASCIILetter(b) else { output[o] = b; o += 1; i += 1; continue }
            var j = i + 1
            while j < n && isASCIILetter(input[j]) { j += 1 }
            let run = UnsafeRawBufferPointer(rebasing: input[i..<j])
            if Self.wordLengths.contains(run.count), let c = lookup(run) {
                if c < Self.oneByteCodes {
                    output[o] = UInt8(0x80 + c)
                    o += 1
                } else {
                    output[o] = Self.twoByteLead + UInt8((c - Self.oneByteCodes) >> 8)
                    output[o + 1] = UInt8(truncatingIfNeeded: c - Self.oneByteCodes)
                    o += 2
                }
            } else {
                UnsafeMutableRawBufferPointer(rebasing: output[o..<(o + run.count)]).copyMemory(from: run)
                o += run.count
            }
            i = j
        }
        return o
    }

    /// Appends the inverse transform of `input` to `out`.
    /// - Returns: `false` (leaving `out` with part of the output appended) if `input` is not a valid transform (a code past the table, a truncated two-byte code
    ///   or escape, an escaped byte below 0x80) or would decode to more than `maxOutput` bytes.
    public func decode(_ input: UnsafeRawBufferPointer, into out: inout [UInt8], maxOutput: Int) -> Bool {
        var i = 0
        let n = input.count
        return arena.withUnsafeBytes { words in
            while i < n {
                let b = input[i]
                if b < 0x80 {
                    var j = i + 1
                    while j < n && input[j] < 0x80 { j += 1 }
                    guard out.count + (j - i) <= maxOutput else { return false }
                    out.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[i..<j]))
                    i = j
                    continue
                }
                if b == Self.escape {
                    guard i + 1 < n, input[i + 1] >= 0x80, out.count < maxOutput else { return false }
                    out.append(input[i + 1])
                    i += 2
                    continue
                }
                var c = Int(b) - 0x80
                if b >= Self.twoByteLead {
                    guard i + 1 < n else { return false }
                    c = Self.oneByteCodes + (Int(b - Self.twoByteLead) << 8) + Int(input[i + 1])
                    i += 2
                } else {
                    i += 1
                }
                guard c < ends.count else { return false }
                let start = c == 0 ? 0 : Int(ends[c - 1])
                let end = Int(ends[c])
                guard out.count + (end - start) <= maxOutput else { return false }
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: words[start..<end]))
            }
            return true
        }
    }

    /// The `DWRD` section: `u32 wordCount`, then per word `u8 length` and its letters.
    public func serialized() -> [UInt8] {
        var w = ByteWriter(capacity: 4 + arena.count + count)
        w.append(UInt32(count))
        for i in 0..<count {
            let word = word(i)
            w.append(UInt8(word.count))
            w.append(contentsOf: word)
        }
        return w.bytes
    }

    /// Parses a `DWRD` section. - Throws: `.corrupt` naming `file` and the section for a bad count, length or
    /// a byte that is not an ASCII letter.
    public static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws -> WordTable {
        var r = ByteReader(bytes, file: file, section: "DWRD")
        let n = Int(try r.read(UInt32.self))
        guard n <= maxWords else { throw r.corrupt("\(n) words, at most \(maxWords)") }
        var words: [[UInt8]] = []
        words.reserveCapacity(n)
        for i in 0..<n {
            let length = Int(try r.readUInt8())
            let word = try r.readBytes(length)
            guard wordLengths.contains(length), word.allSatisfy(isASCIILetter) else {
                throw r.corrupt("word \(i) (\(length) bytes) is not 2...32 ASCII letters")
            }
            words.append(Array(word))
        }
        guard r.isAtEnd else { throw r.corrupt("\(r.remaining) bytes after the last word") }
        return WordTable(words: words)
    }

    public static func == (a: WordTable, b: WordTable) -> Bool { a.arena == b.arena && a.ends == b.ends }

    @inline(__always)
    private static func hash(_ word: UnsafeRawBufferPointer) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in word { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    @inline(__always)
    private static func equal(
        _ arena: UnsafeRawBufferPointer, _ code: Int, _ ends: UnsafeBufferPointer<UInt32>, _ word: UnsafeRawBufferPointer
    )
        -> Bool
    {
        let start = code == 0 ? 0 : Int(ends[code - 1])
        let end = Int(ends[code])
        guard end - start == word.count else { return false }
        return memcmp(arena.baseAddress! + start, word.baseAddress!, word.count) == 0
    }
}

@inline(__always)
func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }
