/// A word-replacing transform for document-store blocks (docs/FORMAT.md, "Word table"): up to 16,192 frequent
/// words, sampled from the documents being stored, each replaced by a one- or two-byte code before the block
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
/// A word is 2...32 ASCII letters, optionally followed by one space (most words in a cable are, and coding the
/// space with the word saves LZ4 a literal per word). The encoder replaces every maximal run of ASCII letters
/// that is in the table, with its following space if that is in the table,
/// and copies every other byte (escaping those `>= 0x80`), so `decode(encode(x)) == x` for any bytes.
///
/// Immutable after construction; `Sendable` and thread-safe (encode and decode use only caller buffers).
public struct WordTable: Sendable, Equatable {
    /// Words with one-byte codes.
    public static let oneByteCodes = 64
    /// The largest table: 64 one-byte and 63 * 256 two-byte codes.
    public static let maxWords = oneByteCodes + 63 * 256
    /// Word lengths accepted, in bytes.
    /// Letters in a word (a word may add one trailing space).
    public static let wordLengths = 2...32
    static let space = UInt8(ascii: " ")

    /// Whether `w` is a word: 2...32 ASCII letters, optionally followed by one space.
    static func isWord<C: BidirectionalCollection>(_ w: C) -> Bool where C.Element == UInt8 {
        let letters = w.last == space ? w.count - 1 : w.count
        return wordLengths.contains(letters) && w.prefix(letters).allSatisfy(isASCIILetter)
    }
    static let twoByteLead: UInt8 = 0xC0
    static let escape: UInt8 = 0xFF

    /// The word code of the two-byte code `lead` (`0xC0...0xFE`) `next`.
    @inline(__always)
    static func twoByteCode(lead: UInt8, next: UInt8) -> Int {
        oneByteCodes + (Int(lead - twoByteLead) << 8) + Int(next)
    }

    /// The words in code order, each after its length byte: exactly the serialized table after its word count,
    /// so that parsing a stored table is one pass over the lengths and one copy.
    private let arena: [UInt8]
    /// `ends[i]` is the arena offset just past word `i` (word `i` starts at `start(i)`).
    private let ends: [UInt32]
    /// The encoder's open-addressing hash of the words' letter runs, nil for a decode-only table.
    private let slots: EncoderSlots?

    /// The number of words.
    public var count: Int { ends.count }

    /// Word `i`'s bytes.
    public func word(_ i: Int) -> ArraySlice<UInt8> { arena[Self.start(i, ends)..<Int(ends[i])] }

    /// The arena offset of word `i`'s first byte (after its length byte).
    @inline(__always)
    static func start<E: RandomAccessCollection<UInt32>>(_ i: Int, _ ends: E) -> Int where E.Index == Int {
        (i == 0 ? 0 : Int(ends[i - 1])) + 1
    }

    /// A table of `words` in code order. - Precondition: at most `maxWords` words, each 2...32 ASCII letters and an optional
    ///   trailing space.
    public init(words: [[UInt8]]) {
        precondition(words.count <= Self.maxWords)
        var arena: [UInt8] = []
        var ends: [UInt32] = []
        for w in words {
            precondition(Self.isWord(w), "not a word")
            arena.append(UInt8(w.count))
            arena += w
            ends.append(UInt32(arena.count))
        }
        self.init(arena: arena, ends: ends)
    }

    /// A table of the words `arena` holds (each after its length byte), word `i` ending at `ends[i]` (already
    /// checked); without the hash
    /// (`forEncoding` false) it can only decode, and opening a store stays cheap.
    private init(arena: [UInt8], ends: [UInt32], forEncoding: Bool = true) {
        self.arena = arena
        self.ends = ends
        slots = forEncoding ? arena.withUnsafeBytes { EncoderSlots(arena: $0, ends: ends) } : nil
    }

    /// Chooses the words that save the most in `sample` (deterministic: ties go to the smaller byte string).
    /// The 64 one-byte codes go to the words with the largest `count * (length - 1)`; the two-byte codes to the
    /// remaining words seen at least twice with the largest `count * (length - 2)` (two-letter words gain nothing
    /// from a two-byte code). `length` counts the trailing space.
    public static func build(sample: UnsafeRawBufferPointer) -> WordTable {
        let counted = WordCounter.count(sample)
        return counted.bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress!
            let candidates = counted.words
            let one = WordCounter.top(oneByteCodes, of: candidates, base: base) { $0.count * ($0.length - 1) }
            let chosen = Set(one)
            let remaining = candidates.filter { !chosen.contains($0) && $0.count >= 2 && $0.length >= 3 }
            let rest = WordCounter.top(maxWords - oneByteCodes, of: remaining, base: base) {
                $0.count * ($0.length - 2)
            }
            return WordTable(words: (one + rest).map { Array(UnsafeRawBufferPointer(start: base + $0.offset, count: $0.length)) })
        }
    }

    /// The code of the word `word` (letters and an optional trailing space), if it is in the table.
    func code(of word: UnsafeRawBufferPointer) -> Int? {
        guard let slots else { preconditionFailure("a decode-only table") }
        guard Self.isWord(word) else { return nil }
        let withSpace = word.last == Self.space
        let letters = word.count - (withSpace ? 1 : 0)
        return arena.withUnsafeBytes { raw in
            guard let meta = slots.find(word.baseAddress!, letters, arena: raw.baseAddress!) else { return nil }
            return EncoderSlots.code(ofVariant: withSpace ? EncoderSlots.spaceVariant(meta) : EncoderSlots.bareVariant(meta))
        }
    }

    /// The largest transformed size of `n` input bytes (every byte escaped).
    public static func encodedBound(_ n: Int) -> Int { 2 * n }

    /// Writes the transform of `input` to `output` (at least `encodedBound(input.count)` bytes).
    /// - Returns: the bytes written.
    public func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        precondition(output.count >= Self.encodedBound(input.count))
        guard let slots else { preconditionFailure("a decode-only table") }
        guard let base = input.baseAddress, input.count > 0 else { return 0 }
        let n = input.count
        return arena.withUnsafeBytes { raw in
            slots.withEncoder(arena: raw.baseAddress!) { encoder in
                let out = output.baseAddress!
                // The bulk: every position with `WordEncoder.lookahead` readable bytes after it.
                var (i, o) = encoder.encode(base, count: n, limit: n - WordEncoder.lookahead, into: out)
                // The tail: copied into a zero-padded buffer (a zero byte ends any run and is not a space).
                if i < n {
                    let rest = n - i
                    withUnsafeTemporaryAllocation(byteCount: 2 * WordEncoder.lookahead, alignment: 8) { padded in
                        padded.initializeMemory(as: UInt8.self, repeating: 0)
                        padded.baseAddress!.copyMemory(from: base + i, byteCount: rest)
                        withUnsafeTemporaryAllocation(byteCount: 4 * WordEncoder.lookahead, alignment: 8) { tail in
                            let (end, produced) = encoder.encode(
                                UnsafeRawPointer(padded.baseAddress!), count: 2 * WordEncoder.lookahead, limit: rest,
                                into: tail.baseAddress!)
                            // Only a run of plain bytes (one output byte each) can reach into the padding.
                            let written = produced - max(end - rest, 0)
                            (out + o).copyMemory(from: tail.baseAddress!, byteCount: written)
                            o += written
                        }
                    }
                }
                return o
            }
        }
    }

    /// Appends the inverse transform of `input` to `out`.
    /// - Returns: `false` (leaving `out` unchanged) if `input` is not a valid transform (a code past the table,
    ///   a truncated two-byte code or escape, an escaped byte below 0x80) or would make `out` longer than
    ///   `maxOutput` bytes.
    public func decode(_ input: UnsafeRawBufferPointer, into out: inout [UInt8], maxOutput: Int) -> Bool {
        guard let length = decodedLength(input), length <= maxOutput - out.count else { return false }
        let decoded = [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            arena.withUnsafeBytes { words in
                ends.withUnsafeBufferPointer { ends in
                    var o = buffer.baseAddress!
                    var i = 0
                    let n = input.count
                    while i < n {
                        let b = input[i]
                        if b < 0x80 {
                            o.pointee = b
                            o += 1
                            i += 1
                        } else if b == Self.escape {
                            o.pointee = input[i + 1]
                            o += 1
                            i += 2
                        } else {
                            var c = Int(b) - 0x80
                            if b >= Self.twoByteLead {
                                c = Self.twoByteCode(lead: b, next: input[i + 1])
                                i += 2
                            } else {
                                i += 1
                            }
                            let start = Self.start(c, ends)
                            let count = Int(ends[c]) - start
                            UnsafeMutableRawPointer(o).copyMemory(from: words.baseAddress! + start, byteCount: count)
                            o += count
                        }
                    }
                    count = o - buffer.baseAddress!
                }
            }
        }
        precondition(decoded.count == length)
        if out.isEmpty { out = decoded } else { out += decoded }
        return true
    }

    /// The decoded length of `input`, or nil if it is not a valid transform (checks everything `decode` relies on).
    private func decodedLength(_ input: UnsafeRawBufferPointer) -> Int? {
        ends.withUnsafeBufferPointer { ends in
            var length = 0
            var i = 0
            let n = input.count
            while i < n {
                let b = input[i]
                if b < 0x80 {
                    length += 1
                    i += 1
                    continue
                }
                if b == Self.escape {
                    guard i + 1 < n, input[i + 1] >= 0x80 else { return nil }
                    length += 1
                    i += 2
                    continue
                }
                var c = Int(b) - 0x80
                if b >= Self.twoByteLead {
                    guard i + 1 < n else { return nil }
                    c = Self.twoByteCode(lead: b, next: input[i + 1])
                    i += 2
                } else {
                    i += 1
                }
                guard c < ends.count else { return nil }
                length += Int(ends[c]) - Self.start(c, ends)
            }
            return length
        }
    }

    /// The serialized table: `u32 wordCount`, then per word `u8 length` and its letters.
    public func serialized() -> [UInt8] {
        var w = ByteWriter(capacity: 4 + arena.count)
        w.append(UInt32(count))
        w.append(contentsOf: arena)
        return w.bytes
    }

    /// Parses one serialized table (exactly the bytes of `bytes`).
    /// - Parameter checkLetters: also check that every word is ASCII letters with an optional trailing space
    ///   (`verify` does; decoding never depends on it, so opening a store for reading skips it).
    /// - Throws: `.corrupt` naming `file` and `section` for a bad count or length, a word that is not letters
    ///   (when checked), or bytes left over.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, file: String, section: String = "DWRD", forEncoding: Bool = true,
        checkLetters: Bool = true
    ) throws -> WordTable {
        var r = ByteReader(bytes, file: file, section: section)
        let table = try parse(&r, forEncoding: forEncoding, checkLetters: checkLetters)
        guard r.isAtEnd else { throw r.corrupt("\(r.remaining) bytes after the last word") }
        return table
    }

    /// Parses one table (`u32 wordCount`, then per word `u8 length` and its letters) at `r`: one pass over the
    /// length bytes for the word ends (and, if asked, the letters), then one copy of the words, which keep the
    /// serialized layout (a `show` parses the table of each segment it touches, so this stays a tight loop).
    static func parse(_ r: inout ByteReader, forEncoding: Bool = true, checkLetters: Bool = true) throws -> WordTable {
        let n = Int(try r.read(UInt32.self))
        guard n <= maxWords else { throw r.corrupt("\(n) words, at most \(maxWords)") }
        let start = r.offset
        let bytes = UnsafeRawBufferPointer(rebasing: r.buffer[start...])
        let shortest = wordLengths.lowerBound, longest = wordLengths.upperBound + 1  // letters + optional space
        var ends = [UInt32](repeating: 0, count: n)
        var at = 0
        try ends.withUnsafeMutableBufferPointer { ends in
            for i in 0..<n {
                let length = at < bytes.count ? Int(bytes[at]) : 0
                guard at < bytes.count, length >= shortest, length <= longest, bytes.count - (at + 1) >= length else {
                    r.offset = start + at
                    throw r.corrupt(at < bytes.count ? "word \(i) (\(length) bytes) is cut short or not 2...33 bytes" : "word \(i) cut short")
                }
                if checkLetters && !isWordBytes(UnsafeRawBufferPointer(rebasing: bytes[(at + 1)..<(at + 1 + length)])) {
                    r.offset = start + at
                    throw r.corrupt("word \(i) (\(length) bytes) is not 2...32 ASCII letters and an optional space")
                }
                at += 1 + length
                ends[i] = UInt32(truncatingIfNeeded: at)
            }
        }
        r.offset = start + at
        let arena = [UInt8](unsafeUninitializedCapacity: at) { out, count in
            if at > 0 { UnsafeMutableRawBufferPointer(out).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[..<at])) }
            count = at
        }
        return WordTable(arena: arena, ends: ends, forEncoding: forEncoding)
    }

    /// `isWord` on raw bytes, without generic collection calls.
    @inline(__always)
    static func isWordBytes(_ w: UnsafeRawBufferPointer) -> Bool {
        var letters = w.count
        if letters > 0 && w[letters - 1] == space { letters -= 1 }
        guard wordLengths.contains(letters) else { return false }
        for k in 0..<letters where !isASCIILetter(w[k]) { return false }
        return true
    }

    public static func == (a: WordTable, b: WordTable) -> Bool { a.arena == b.arena && a.ends == b.ends }
}

/// Counts the maximal runs of 2...32 ASCII letters of a sample, each with its following space if there is one (for
/// `WordTable.build`), and picks the best of them.
///
/// Counting scans 8 bytes at a time with `WordEncoder.letterMask` and looks each run up in an open-addressing
/// table of 16-byte slots (the word's first 8 bytes, then offset + 1 into the sample, length and count), grown at
/// half full: a word of up to 8 bytes (most) is matched in the slot alone, without reading the sample again.
/// Counting allocates only the table and one zero-padded copy of the sample (a zero byte ends any run and is not
/// a space, so the 8-byte loads never need a bounds check).
enum WordCounter {
    /// A counted word: `length` bytes (letters and an optional trailing space) at `offset` of the sample copy,
    /// seen `count` times (saturating at 2^24 - 1: a 4 MiB sample holds at most 2^21 words).
    struct Word: Hashable {
        var packed: UInt64
        var offset: Int { Int(truncatingIfNeeded: packed & 0xFFFF_FFFF) - 1 }
        var length: Int { Int(truncatingIfNeeded: (packed >> 32) & 0xFF) }
        var count: Int { Int(truncatingIfNeeded: packed >> 40) }
    }

    /// Zero bytes after the sample copy: more than the longest run scanned past a position (a word's 33 bytes
    /// and an 8-byte load).
    static let padding = 64

    static func count(_ sample: UnsafeRawBufferPointer) -> (bytes: [UInt8], words: [Word]) {
        precondition(sample.count < Int(UInt32.max), "WordCounter: a slot holds 32-bit offsets")
        let n = sample.count
        let bytes = [UInt8](unsafeUninitializedCapacity: n + padding) { buffer, initialized in
            if n > 0 { UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: sample.baseAddress!, byteCount: n) }
            (buffer.baseAddress! + n).initialize(repeating: 0, count: padding)
            initialized = n + padding
        }
        // Sized for one distinct word per 64 bytes (cable text has about one per 100) at half load: no growth on
        // typical samples.
        var capacity = 1 << 14
        while capacity < n / 32 { capacity *= 2 }
        var table = UnsafeMutablePointer<UInt64>.allocate(capacity: 2 * capacity)
        table.initialize(repeating: 0, count: 2 * capacity)
        defer { table.deallocate() }
        var used = 0
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress!
            @inline(__always) func load(_ i: Int) -> UInt64 { WordEncoder.load(base + i) }
            /// The first 8 bytes of the `length` bytes at `i`, zero-padded, and the hash of the word.
            @inline(__always) func key(_ i: Int, _ length: Int) -> (UInt64, UInt64) {
                let first = length >= 8 ? load(i) : load(i) & ((1 &<< (8 &* UInt64(length))) &- 1)
                let last = length > 8 ? load(i + length - 8) : 0
                return (first, EncoderSlots.hash(first: first, last: last, length: length))
            }
            /// The slot holding the word at `i` of `length` bytes, or the empty slot where it goes.
            @inline(__always)
            func slot(_ i: Int, _ length: Int, _ first: UInt64, _ h: UInt64, _ table: UnsafeMutablePointer<UInt64>, _ mask: Int) -> Int {
                var s = Int(truncatingIfNeeded: h >> 32) & mask
                while true {
                    let meta = table[2 * s + 1]
                    if meta == 0 { return s }
                    if table[2 * s] == first && Int(truncatingIfNeeded: (meta >> 32) & 0xFF) == length
                        && (length <= 8 || sameTail(base + Int(truncatingIfNeeded: meta & 0xFFFF_FFFF) - 1, base + i, length))
                    {
                        return s
                    }
                    s = (s &+ 1) & mask
                }
            }
            var i = 0
            while i < n {
                let letters = WordEncoder.letterMask(load(i))
                if letters == 0 {
                    i &+= 8
                    continue
                }
                i &+= letters.trailingZeroBitCount >> 3
                // A maximal letter run starts at i (the byte before is not a letter): find its length.
                var length = 0
                while true {
                    let stop = ~WordEncoder.letterMask(load(i &+ length)) & WordEncoder.high
                    if stop != 0 {
                        length &+= stop.trailingZeroBitCount >> 3
                        break
                    }
                    length &+= 8
                }
                guard WordTable.wordLengths.contains(length) else {
                    i &+= length
                    continue
                }
                // A word followed by a space is counted with it (the encoder tries it first).
                if raw[i &+ length] == WordTable.space { length &+= 1 }
                let (first, h) = key(i, length)
                var s = slot(i, length, first, h, table, capacity - 1)
                if table[2 * s + 1] == 0 {
                    if 2 * (used + 1) > capacity {
                        let old = table, oldCapacity = capacity
                        capacity *= 2
                        table = UnsafeMutablePointer<UInt64>.allocate(capacity: 2 * capacity)
                        table.initialize(repeating: 0, count: 2 * capacity)
                        for k in 0..<oldCapacity where old[2 * k + 1] != 0 {
                            let meta = old[2 * k + 1]
                            let o = Int(truncatingIfNeeded: meta & 0xFFFF_FFFF) - 1
                            let l = Int(truncatingIfNeeded: (meta >> 32) & 0xFF)
                            let (f, rehash) = key(o, l)
                            let t = slot(o, l, f, rehash, table, capacity - 1)
                            table[2 * t] = f
                            table[2 * t + 1] = meta
                        }
                        old.deallocate()
                        s = slot(i, length, first, h, table, capacity - 1)
                    }
                    table[2 * s] = first
                    table[2 * s + 1] = UInt64(i + 1) | UInt64(length) << 32
                    used += 1
                }
                if table[2 * s + 1] >> 40 < 0xFF_FFFF { table[2 * s + 1] &+= 1 << 40 }
                i &+= length
            }
        }
        var words: [Word] = []
        words.reserveCapacity(used)
        for k in 0..<capacity where table[2 * k + 1] != 0 { words.append(Word(packed: table[2 * k + 1])) }
        return (bytes, words)
    }

    /// The `k` best of `words` (distinct words of the sample copy at `base`) in order: the largest `score`
    /// first, ties to the smaller byte string (`lexicographicallyPrecedes`). Selects the `k`-th largest integer
    /// key (score, then index) in linear time, then sorts only the keys scoring at least as much (the only ones
    /// that can be chosen) by score and bytes.
    static func top(_ k: Int, of words: [Word], base: UnsafeRawPointer, score: (Word) -> Int) -> [Word] {
        guard k > 0, !words.isEmpty else { return [] }
        // score (< 2^24 * 33) above the word's index: distinct keys.
        var keys = words.indices.map { UInt64(score(words[$0])) << 32 | UInt64($0) }
        if keys.count > k {
            let last = kthLargest(&keys, k) >> 32
            keys.removeAll { $0 >> 32 < last }
        }
        keys.sort { a, b in
            a >> 32 != b >> 32 ? a > b : precedes(words[Int(a & 0xFFFF_FFFF)], words[Int(b & 0xFFFF_FFFF)], base)
        }
        return keys.prefix(k).map { words[Int($0 & 0xFFFF_FFFF)] }
    }

    /// The `k`-th largest of the distinct `keys` (`k` in `1...keys.count`), which it reorders (quickselect:
    /// median-of-three pivots, Hoare partitions into larger and smaller parts).
    static func kthLargest(_ keys: inout [UInt64], _ k: Int) -> UInt64 {
        keys.withUnsafeMutableBufferPointer { quickSelect(k, in: $0, by: >) }
    }

    /// Whether word `a`'s bytes come before word `b`'s (a proper prefix first).
    static func precedes(_ a: Word, _ b: Word, _ base: UnsafeRawPointer) -> Bool {
        let pa = base + a.offset, pb = base + b.offset
        let la = a.length, lb = b.length
        for j in 0..<min(la, lb) {
            let x = pa.load(fromByteOffset: j, as: UInt8.self), y = pb.load(fromByteOffset: j, as: UInt8.self)
            if x != y { return x < y }
        }
        return la < lb
    }
}

/// Whether bytes `8 ..< count` (`count` in 9...33) at `a` and `b` are equal, given that the first 8 are: the last
/// 8 bytes, then (past 16) the rest 8 at a time (reads no byte outside the `count`).
@inline(__always)
func sameTail(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        && (count <= 16 || sameBytes(a + 8, b + 8, count - 16))
}

/// Whether `count` bytes at `a` and `b` are equal (words are short: a loop beats a call to memcmp).
@inline(__always)
func sameBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    var k = 0
    while k + 8 <= count {
        if a.loadUnaligned(fromByteOffset: k, as: UInt64.self) != b.loadUnaligned(fromByteOffset: k, as: UInt64.self) {
            return false
        }
        k += 8
    }
    while k < count {
        if a.load(fromByteOffset: k, as: UInt8.self) != b.load(fromByteOffset: k, as: UInt8.self) { return false }
        k += 1
    }
    return true
}

@inline(__always)
func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }
