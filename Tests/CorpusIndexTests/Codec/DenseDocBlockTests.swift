import Testing

@testable import CorpusIndex

/// The dense doc block (docs/FORMAT.md, "Dense doc block") against a model built from the format's text: the
/// encoder's bytes, decoding and `rank` on random increasing doc sets from sparse to full, in a list's first
/// block (ids from 0) and after another block; damaged and cut buffers giving `nil`, never a crash. And
/// `PatchedBlock.value` (one value of a patched block) against `PatchedBlock.decode`.
@Suite("Codec dense doc blocks")
struct DenseDocBlockTests {
    /// One block of the model: `docs` strictly increasing, all `>= first`; `base` the doc the deltas start from
    /// (`first` in a list's first block, where `offset` is 0; `first - 1` after another block, `offset` 1).
    struct Case {
        var docs: [UInt32]
        var first: UInt32
        var offset: UInt32

        var base: UInt32 { first - offset }
        var last: UInt32 { docs.last! }
        var deltas: [UInt32] { zip(docs, [base] + docs.dropLast()).map { $0 - $1 } }

        /// The block as docs/FORMAT.md writes it: 0xFF, then bit `d - first` (least significant first) for every
        /// doc `d`, up to the byte of the last doc.
        var expectedBytes: [UInt8] {
            var bytes = [UInt8](repeating: 0, count: 1 + Int(last - first) / 8 + 1)
            bytes[0] = 0xFF
            for d in docs { bytes[1 + Int(d - first) / 8] |= 1 << ((d - first) % 8) }
            return bytes
        }
    }

    /// `count` distinct ids drawn from `first ..< first + span`, increasing.
    static func randomCase(count: Int, span: Int, first: UInt32, offset: UInt32, rng: inout SplitMix64) -> Case {
        var chosen = Set<UInt32>()
        if span == count {
            chosen = Set(0..<UInt32(count))
        } else {
            while chosen.count < count { chosen.insert(UInt32(rng.next() % UInt64(span))) }
        }
        return Case(docs: chosen.sorted().map { first + $0 }, first: first, offset: offset)
    }

    /// Random cases: counts 4...128 (and a few 1...3) at densities from full to one id in 40, in a first block
    /// (`offset` 0, from doc 0: the first doc may be 0) and after a block (`offset` 1, from a random first id).
    static func cases(seed: UInt64) -> [Case] {
        var rng = SplitMix64(seed: seed)
        var all: [Case] = []
        for count in [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 100, 127, 128] {
            for stretch in [1.0, 1.05, 1.5, 2, 3, 5, 12, 40] {
                let span = max(count, Int(Double(count) * stretch))
                all.append(randomCase(count: count, span: span, first: 0, offset: 0, rng: &rng))
                let first = UInt32(rng.next() % 1_000_000) + 1
                all.append(randomCase(count: count, span: span, first: first, offset: 1, rng: &rng))
            }
        }
        for _ in 0..<200 {
            let count = Int(rng.next() % 125) + 4
            let span = count + Int(rng.next() % UInt64(count * (rng.next() % 2 == 0 ? 2 : 30)))
            let offset = UInt32(rng.next() % 2)
            let first = offset == 0 ? 0 : UInt32(rng.next() % 100_000) + 1
            all.append(randomCase(count: count, span: span, first: first, offset: offset, rng: &rng))
        }
        // A block whose docs reach the largest id.
        all.append(Case(docs: [UInt32.max - 9, UInt32.max - 3, UInt32.max - 1, UInt32.max], first: UInt32.max - 12, offset: 1))
        return all
    }

    /// The encoder's bytes for `c`, written after `prefix` bytes of 0xEE. The encoder must write the format's
    /// size and nothing past it (16 bytes of room are checked).
    static func encode(_ c: Case, prefix: Int = 0) -> [UInt8] {
        let deltas = c.deltas
        let size = 2 + Int(c.last - c.first) / 8
        var out = [UInt8](repeating: 0xEE, count: prefix + size + 16)
        let written = deltas.withUnsafeBufferPointer { d in
            out.withUnsafeMutableBytes {
                DenseDocBlock.encode(deltas: d.baseAddress!, count: d.count, offset: c.offset, to: $0.baseAddress! + prefix)
            }
        }
        #expect(written == size)
        #expect(out[(prefix + size)...].allSatisfy { $0 == 0xEE }, "bytes written past the block")
        return Array(out[0..<(prefix + size)])
    }

    /// `DenseDocBlock.decode` of `count` docs at `offset` of `bytes`: the end it returns and the docs.
    static func decode(_ bytes: [UInt8], at offset: Int, count: Int, first: UInt32) -> (end: Int?, docs: [UInt32]) {
        var out = [UInt32](repeating: 0xDEAD, count: 128)
        let end = bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { DenseDocBlock.decode(raw, at: offset, count: count, first: first, into: $0.baseAddress!) }
        }
        return (end, Array(out[0..<count]))
    }

    static func rank(_ bytes: [UInt8], at offset: Int = 0, first: UInt32, last: UInt32, of target: UInt32) -> Int? {
        bytes.withUnsafeBytes { DenseDocBlock.rank($0, at: offset, first: first, last: last, of: target) }
    }

    @Test func encoderWritesTheFormatsBitmap() {
        for c in Self.cases(seed: 1) {
            let bytes = Self.encode(c)
            #expect(bytes == c.expectedBytes, "docs \(c.docs) from \(c.first)")
            #expect(DenseDocBlock.byteCount(span: c.last - c.first + 1) == bytes.count)
        }
        // The sizes of docs/FORMAT.md: a marker and one byte per 8 ids of the span.
        #expect(DenseDocBlock.byteCount(span: 1) == 2)
        #expect(DenseDocBlock.byteCount(span: 8) == 2)
        #expect(DenseDocBlock.byteCount(span: 9) == 3)
        #expect(DenseDocBlock.byteCount(span: 128) == 17)
        #expect(DenseDocBlock.byteCount(span: 129) == 18)
    }

    /// Decoding at a non-zero offset, with trailing bytes that must not be read as docs (all bits set, then
    /// none: the eight-byte and the byte-at-a-time loops both reach the block's last byte).
    @Test func decodeRoundTrips() {
        for (n, c) in Self.cases(seed: 2).enumerated() {
            for trailing in [0, 1, 7, 8, 9, 16] {
                var bytes = Self.encode(c, prefix: 3)
                let end = bytes.count
                bytes += [UInt8](repeating: n % 2 == 0 ? 0xFF : 0x00, count: trailing)
                let (got, docs) = Self.decode(bytes, at: 3, count: c.docs.count, first: c.first)
                #expect(got == end, "docs \(c.docs) from \(c.first), \(trailing) trailing bytes")
                #expect(docs == c.docs)
            }
        }
    }

    /// `rank` of every id in and around `first ... last`: the doc's index, -1 for an absent id or one outside.
    @Test func rankAgreesWithBruteForce() {
        for c in Self.cases(seed: 3) {
            var bytes = Self.encode(c, prefix: 5)
            bytes += [0xFF, 0xFF]
            let index = Dictionary(uniqueKeysWithValues: c.docs.enumerated().map { ($1, $0) })
            let low = c.first >= 10 ? c.first - 10 : 0
            let high = c.last <= UInt32.max - 10 ? c.last + 10 : UInt32.max
            let wrong = (low...high).filter { Self.rank(bytes, at: 5, first: c.first, last: c.last, of: $0) != index[$0] ?? -1 }
            #expect(wrong.isEmpty, "wrong ranks of \(wrong.prefix(8)) in docs \(c.docs) from \(c.first)")
            for target: UInt32 in [0, UInt32.max] {
                #expect(Self.rank(bytes, at: 5, first: c.first, last: c.last, of: target) == index[target] ?? -1)
            }
        }
    }

    /// Every cut of the block, a wrong first byte, doc ids past `UInt32.max`: `nil`, never a crash or a read
    /// outside the buffer.
    @Test func damagedBlocksDecodeToNil() {
        for c in Self.cases(seed: 4) {
            let bytes = Self.encode(c)
            for cut in 0..<bytes.count {
                let prefix = Array(bytes[0..<cut])
                #expect(Self.decode(prefix, at: 0, count: c.docs.count, first: c.first).end == nil, "cut at \(cut)")
                #expect(Self.rank(prefix, first: c.first, last: c.last, of: c.docs[0]) == nil, "cut at \(cut)")
            }
            // One doc more than the block holds runs past its end.
            if c.docs.count < 128 {
                #expect(Self.decode(bytes, at: 0, count: c.docs.count + 1, first: c.first).end == nil)
            }
            for marker: UInt8 in [0x00, 0x01, 0x20, 0x7F, 0xFE] {
                var bad = bytes
                bad[0] = marker
                #expect(Self.decode(bad, at: 0, count: c.docs.count, first: c.first).end == nil)
                #expect(Self.rank(bad, first: c.first, last: c.last, of: c.docs[0]) == nil)
            }
            #expect(Self.decode(bytes, at: bytes.count, count: c.docs.count, first: c.first).end == nil)
            #expect(Self.decode(bytes, at: 0, count: 0, first: c.first).end == nil)
            // The same bits from an id so high that the last doc would pass UInt32.max.
            if c.last > c.first {
                let high = UInt32.max - (c.last - c.first) + 1
                #expect(Self.decode(bytes, at: 0, count: c.docs.count, first: high).end == nil)
                let padded = bytes + [UInt8](repeating: 0, count: 8)
                #expect(Self.decode(padded, at: 0, count: c.docs.count, first: high).end == nil)
            }
        }
    }

    /// A bit set above the last doc in the bitmap's last byte (the format requires those bits to be 0) makes
    /// `decode` fail, in the byte loop (the buffer ends with the block) and in the 8-byte loop (bytes follow);
    /// a set bit in the byte after the block (the next field's) does not.
    @Test func strayBitAboveTheLastDocDecodesToNil() {
        var strays = 0
        for c in Self.cases(seed: 6) {
            let bytes = Self.encode(c)
            let lastBit = Int(c.last - c.first) & 7
            for stray in (lastBit + 1)..<8 {
                strays += 1
                var bad = bytes
                bad[bad.count - 1] |= UInt8(1 << stray)
                #expect(Self.decode(bad, at: 0, count: c.docs.count, first: c.first).end == nil, "byte loop, bit \(stray)")
                let padded = bad + [UInt8](repeating: 0, count: 8)
                #expect(Self.decode(padded, at: 0, count: c.docs.count, first: c.first).end == nil, "word loop, bit \(stray)")
            }
            let followed = bytes + [0xFF] + [UInt8](repeating: 0xFF, count: 8)
            #expect(Self.decode(followed, at: 0, count: c.docs.count, first: c.first).end == bytes.count)
        }
        #expect(strays > 100)
    }

    /// `rank` is `nil` when the block does not end at the stated last doc: its bit clear, or the bitmap up to it
    /// longer than the buffer; and for `last` below `first`.
    @Test func rankRejectsAWrongLastDoc() {
        for c in Self.cases(seed: 5) {
            let bytes = Self.encode(c)
            let present = Set(c.docs)
            let accepted = (c.first...c.last).filter {
                !present.contains($0) && Self.rank(bytes, first: c.first, last: $0, of: c.docs[0]) != nil
            }
            #expect(accepted.isEmpty, "absent last docs \(accepted.prefix(8)) accepted in docs \(c.docs)")
            // A last doc in a byte past the buffer (the block's own bytes followed by one set byte).
            let longer = bytes + [0xFF]
            if c.last <= UInt32.max - 16 {
                #expect(Self.rank(bytes, first: c.first, last: c.last + 8, of: c.docs[0]) == nil)
                #expect(Self.rank(longer, first: c.first, last: c.last + 16, of: c.docs[0]) == nil)
                // One byte further is inside `longer`, whose bits are all set.
                let next = c.first + UInt32(8 * (bytes.count - 1))
                #expect(Self.rank(longer, first: c.first, last: next, of: c.docs[0]) == 0)
            }
            if c.first > 0 {
                #expect(Self.rank(bytes, first: c.first, last: c.first - 1, of: c.docs[0]) == nil)
            }
            #expect(Self.rank(bytes, at: bytes.count, first: c.first, last: c.last, of: c.docs[0]) == nil)
        }
    }

    // MARK: - PatchedBlock.value

    /// Random patched blocks of 1...128 values, with and without exceptions (the encoder's choice, checked to
    /// occur), widths 0...32: `value` at every index equals `decode`'s output; `nil` outside `0 ..< count`.
    @Test func patchedValueEqualsDecode() {
        var rng = SplitMix64(seed: 6)
        var withExceptions = 0
        var withoutExceptions = 0
        for trial in 0..<1500 {
            let count = trial < 128 ? trial + 1 : Int(rng.next() % 128) + 1
            let width = Int(rng.next() % 33)
            let mask: UInt32 = width == 32 ? .max : (1 << UInt32(width)) - 1
            let outlierRate = rng.next() % 3 == 0 ? 0 : rng.next() % 20
            var values = (0..<count).map { _ in
                let v = UInt32(truncatingIfNeeded: rng.next()) & mask
                return rng.next() % 100 < outlierRate ? v | UInt32(truncatingIfNeeded: rng.next()) : v
            }
            if trial % 7 == 0 { values[count - 1] = UInt32.max }
            var bytes: [UInt8] = [0xEE, 0xEE]
            values.withUnsafeBufferPointer { PatchedBlock.encode($0.baseAddress!, count: count, into: &bytes) }
            bytes.append(0xAB)
            if bytes[3] > 0 { withExceptions += 1 } else { withoutExceptions += 1 }
            var decoded = [UInt32](repeating: 0, count: 128)
            let end = bytes.withUnsafeBytes { raw in
                decoded.withUnsafeMutableBufferPointer { PatchedBlock.decode(raw, at: 2, count: count, into: $0.baseAddress!) }
            }
            #expect(end == bytes.count - 1)
            #expect(Array(decoded[0..<count]) == values)
            bytes.withUnsafeBytes { raw in
                for i in 0..<count {
                    #expect(PatchedBlock.value(raw, at: 2, count: count, index: i) == values[i], "index \(i) of \(values)")
                }
                for i in [-1, count, 128, 200] {
                    #expect(PatchedBlock.value(raw, at: 2, count: count, index: i) == nil)
                }
            }
        }
        #expect(withExceptions > 300)
        #expect(withoutExceptions > 300)
    }

    /// Bad headers, blocks cut short and counts over 128 give `nil`.
    @Test func patchedValueRejectsBadBlocks() {
        var values = [UInt32](repeating: 3, count: 128)
        values[9] = 1000
        values[127] = 1 << 30
        var good: [UInt8] = []
        values.withUnsafeBufferPointer { PatchedBlock.encode($0.baseAddress!, into: &good) }
        #expect(good[1] == 2)  // two exceptions
        func value(_ bytes: [UInt8], count: Int = 128, index: Int = 9) -> UInt32? {
            bytes.withUnsafeBytes { PatchedBlock.value($0, at: 0, count: count, index: index) }
        }
        #expect(value(good) == 1000)
        #expect(value(good, index: 127) == 1 << 30)
        #expect(value(good, index: 0) == 3)
        var bad = good; bad[0] = 33; #expect(value(bad) == nil)  // width over 32
        bad = good; bad[1] = 129; #expect(value(bad) == nil)  // more exceptions than values
        bad = good; bad[2] = 0; #expect(value(bad) == nil)  // exception width 0
        bad = good; bad[2] = 31; #expect(value(bad) == nil)  // width + exception width over 32
        for cut in 0..<good.count {
            #expect(value(Array(good[0..<cut])) == nil, "cut at \(cut)")
            #expect(value(Array(good[0..<cut]), index: 0) == nil, "cut at \(cut)")
        }
        #expect(value(good, count: 129) == nil)
        #expect(value(good, count: 0, index: 0) == nil)
        #expect(good.withUnsafeBytes { PatchedBlock.value($0, at: good.count, count: 128, index: 0) } == nil)
    }
}
