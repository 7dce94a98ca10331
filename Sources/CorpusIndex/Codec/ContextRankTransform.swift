/// The context rank transform over a word-coded block (docs/FORMAT.md, "Context rank transform"), and its
/// inverse. Both walk the same token state: `previous` and `beforePrevious` (context tokens, `ContextTable.none`
/// at the start), updated after each word and at the end of each raw run.
extension ContextTable {
    /// The running raw run of a token walk: its length in bytes and its first three bytes packed 7 bits each;
    /// `clean` is false once it holds an escaped byte (>= 0x80).
    struct RawRun {
        var length = 0
        var packed: UInt32 = 0
        var clean = true

        @inline(__always)
        mutating func add(_ b: UInt8) {
            if length < 3 { packed |= UInt32(b) << (14 - 7 * UInt32(length)) }
            length += 1
        }

        /// Ends the run (if any) and moves the context state past it.
        @inline(__always)
        mutating func end(_ previous: inout UInt32, _ beforePrevious: inout UInt32) {
            guard length > 0 else { return }
            if clean && length <= 3 {
                beforePrevious = previous
                previous = ContextTable.rawToken(length: length, packed: packed)
            } else {
                previous = ContextTable.none
                beforePrevious = ContextTable.none
            }
            self = RawRun()
        }
    }

    /// Walks a word-coded block (a valid `WordTable` transform: what `WordTable.encode` writes) as the transform
    /// and the counting see it: `literal(i, length)` for each plain byte (length 1) or escape pair (length 2) at
    /// `src[i]`, `word(c, previous, beforePrevious)` for each word code `c` with the context before it. The
    /// context state is updated after each word and at the end of each raw run.
    @inline(__always)
    static func forEachWord(
        in src: UnsafePointer<UInt8>, count n: Int, literal: (Int, Int) -> Void, word: (Int, UInt32, UInt32) -> Void
    ) {
        var previous = none
        var beforePrevious = none
        var run = RawRun()
        var i = 0
        while i < n {
            let b = src[i]
            if b < 0x80 {
                literal(i, 1)
                run.add(b)
                i += 1
                continue
            }
            if b == WordTable.escape {
                precondition(i + 1 < n, "a cut-off escape in word-coded input")
                literal(i, 2)
                run.add(0)
                run.clean = false
                i += 2
                continue
            }
            run.end(&previous, &beforePrevious)
            var c = Int(b) - 0x80
            if b >= WordTable.twoByteLead {
                precondition(i + 1 < n, "a cut-off two-byte code in word-coded input")
                c = WordTable.twoByteCode(lead: b, next: src[i + 1])
                i += 2
            } else {
                i += 1
            }
            word(c, previous, beforePrevious)
            beforePrevious = previous
            previous = UInt32(c)
        }
    }

    /// Writes code `c`'s word-table bytes (the encoder's `EncoderSlots.variant(ofCode:)`: one byte `0x80 + c`
    /// below 64, else two) at `out`. - Returns: bytes.
    @inline(__always)
    static func putCode(_ c: Int, _ out: UnsafeMutablePointer<UInt8>) -> Int {
        let variant = EncoderSlots.variant(ofCode: c)
        let count = Int(variant >> 16)
        out[0] = UInt8(truncatingIfNeeded: variant)
        if count == 2 { out[1] = UInt8(truncatingIfNeeded: variant >> 8) }
        return count
    }

    /// Writes the transform of the word-coded `input` (a valid `WordTable` transform: what `WordTable.encode`
    /// writes) to `output` (at least `outputBound(input.count)` bytes). - Returns: the bytes written.
    public func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        precondition(output.count >= Self.outputBound(input.count))
        guard input.count > 0 else { return 0 }
        let src = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        return withLookup { lookup in
            var o = 0
            Self.forEachWord(in: src, count: input.count) { i, length in
                out[o] = src[i]
                if length == 2 { out[o + 1] = src[i + 1] }
                o += length
            } word: { c, previous, beforePrevious in
                let l = lookup.list(previous, beforePrevious)
                let rank = l != 0 ? lookup.rank(of: c, in: l) : -1
                if rank >= 0 {
                    out[o] = UInt8(0x80 + rank)
                    o += 1
                } else if l != 0 && c < WordTable.oneByteCodes {
                    out[o] = WordTable.escape
                    out[o + 1] = UInt8(c)
                    o += 2
                } else {
                    o += Self.putCode(c, out + o)
                }
            }
            return o
        }
    }

    /// Writes the inverse transform of `input` (untrusted) to `output` (at least `outputBound(input.count)`
    /// bytes): the word-coded block, to be decoded by the segment's `WordTable`.
    /// - Returns: the bytes written, or nil if `input` is not a valid transform (a cut-off code or escape, a
    ///   rank past its list, an escaped word code without a list, an escaped byte in 0x40...0x7F).
    public func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int? {
        precondition(output.count >= Self.outputBound(input.count))
        guard input.count > 0 else { return 0 }
        let src = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let n = input.count
        return withLookup { lookup -> Int? in
            var previous = Self.none
            var beforePrevious = Self.none
            var run = RawRun()
            var i = 0
            var o = 0
            while i < n {
                let b = src[i]
                if b < 0x80 {
                    out[o] = b
                    o += 1
                    i += 1
                    run.add(b)
                    continue
                }
                var c: Int
                if b == WordTable.escape {
                    guard i + 1 < n else { return nil }
                    let x = src[i + 1]
                    i += 2
                    if x >= 0x80 {
                        out[o] = b
                        out[o + 1] = x
                        o += 2
                        run.add(0)
                        run.clean = false
                        continue
                    }
                    run.end(&previous, &beforePrevious)
                    guard x < WordTable.oneByteCodes, lookup.list(previous, beforePrevious) != 0 else { return nil }
                    c = Int(x)
                } else if b >= WordTable.twoByteLead {
                    guard i + 1 < n else { return nil }
                    run.end(&previous, &beforePrevious)
                    c = WordTable.twoByteCode(lead: b, next: src[i + 1])
                    i += 2
                } else {
                    run.end(&previous, &beforePrevious)
                    c = Int(b) - 0x80
                    i += 1
                    let l = lookup.list(previous, beforePrevious)
                    if l != 0 {
                        guard let listed = lookup.code(at: c, in: l) else { return nil }
                        c = listed
                    }
                }
                o += Self.putCode(c, out + o)
                beforePrevious = previous
                previous = UInt32(c)
            }
            return o
        }
    }
}
