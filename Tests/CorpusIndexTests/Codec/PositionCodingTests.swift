import Testing

@testable import CorpusIndex

/// Round trips of the bit stream, truncated binary, the per-document position code and the packed skip table,
/// and their decoders rejecting bad or cut-short bytes without reading outside the buffer.
@Suite("Codec positions and skip tables")
struct PositionCodingTests {
    /// Codes documents (positions, field length) into one byte-padded stream after a leading byte, decodes them
    /// back (and skips every other one), and returns the bytes.
    @discardableResult
    static func roundTrip(_ documents: [([UInt32], UInt32)]) throws -> [UInt8] {
        var out: [UInt8] = [0xEE]
        var writer = BitWriter()
        for (positions, length) in documents {
            positions.withUnsafeBufferPointer {
                PositionCoding.encode($0, length: length, into: &writer, out: &out)
            }
        }
        writer.flush(into: &out)
        try out.withUnsafeBytes { raw in
            for skipEvery in [0, 2] {
                var reader = BitReader(raw, byteOffset: 1)
                var buffer = [UInt32](repeating: 0, count: documents.map { $0.0.count }.max() ?? 0)
                for (i, (positions, length)) in documents.enumerated() {
                    if skipEvery > 0 && i % skipEvery == 1 {
                        #expect(PositionCoding.skip(&reader, frequency: positions.count, length: length))
                        continue
                    }
                    let ok = buffer.withUnsafeMutableBufferPointer {
                        PositionCoding.decode(&reader, frequency: positions.count, length: length, into: $0.baseAddress!)
                    }
                    try #require(ok)
                    #expect(Array(buffer.prefix(positions.count)) == positions)
                }
                #expect(!reader.isOverrun)
                #expect(reader.byteEnd == raw.count)
            }
        }
        return out
    }

    @Test func edgeDocuments() throws {
        try Self.roundTrip([
            ([0], 1),  // no bits at all
            ([0], 2), ([1], 2), ([0], 3), ([2], 3), ([4], 5),
            (Array(0..<7), 7),  // every position: k = 0
            ([0, 1], 1000), ([998, 999], 1000), ([0, 999], 1000),
            ([UInt32.max - 1], UInt32.max), ([0, UInt32.max - 1], UInt32.max),  // widest codes
            ([5, 100_000, 2_000_000_000], 3_000_000_000),
        ])
    }

    @Test func randomDocuments() throws {
        var rng = SplitMix64(seed: 77)
        var documents: [([UInt32], UInt32)] = []
        for _ in 0..<3000 {
            let length = UInt32(rng.next() % (rng.next() % 8 == 0 ? 100_000 : 2000)) + 1
            let f = min(Int(length), rng.next() % 3 == 0 ? Int(rng.next() % 60) + 1 : 1)
            var set = Set<UInt32>()
            while set.count < f { set.insert(UInt32(rng.next() % UInt64(length))) }
            documents.append((set.sorted(), length))
        }
        try Self.roundTrip(documents)
    }

    @Test func truncatedBinaryIsMinimal() throws {
        // n = 5: k = 2, u = 3; 0, 1, 2 in 2 bits; 3 and 4 in 3 bits.
        for (n, expectedBits) in [(UInt32(1), [0]), (5, [2, 2, 2, 3, 3]), (8, [3, 3, 3, 3, 3, 3, 3, 3])] {
            for v in 0..<n {
                var out: [UInt8] = []
                var writer = BitWriter()
                TruncatedBinary.encode(v, range: n, into: &writer, out: &out)
                #expect(writer.bitsPending == expectedBits[Int(v)])
                writer.flush(into: &out)
                out.withUnsafeBytes { raw in
                    var reader = BitReader(raw, byteOffset: 0)
                    #expect(TruncatedBinary.decode(&reader, range: n) == v)
                }
            }
        }
    }

    @Test func malformedPositionsAreRejected() throws {
        // A position at the field length, frequency above the length, and a stream of zero bits (an endless
        // unary code) are all refused; reading past the end is reported, never performed.
        let zeros = [UInt8](repeating: 0, count: 16)
        zeros.withUnsafeBytes { raw in
            var out = [UInt32](repeating: 0, count: 8)
            var reader = BitReader(raw, byteOffset: 0)
            let endless = out.withUnsafeMutableBufferPointer {
                PositionCoding.decode(&reader, frequency: 2, length: 1_000_000, into: $0.baseAddress!)
            }
            #expect(!endless || reader.isOverrun)
            var r2 = BitReader(raw, byteOffset: 0)
            #expect(!out.withUnsafeMutableBufferPointer {
                PositionCoding.decode(&r2, frequency: 3, length: 2, into: $0.baseAddress!)
            })
            var r3 = BitReader(raw, byteOffset: 16)
            _ = r3.read(bits: 32)
            #expect(r3.isOverrun)
        }
        // Known bits decode as documented: 1 1 1 over 5 values is x = 3 >= u = 3, then 1: 4; over 6, u = 2: 5.
        var out: [UInt8] = []
        var writer = BitWriter()
        writer.write(7, bits: 3, into: &out)
        writer.flush(into: &out)
        out.withUnsafeBytes { raw in
            var reader = BitReader(raw, byteOffset: 0)
            #expect(TruncatedBinary.decode(&reader, range: 5) == 4)
            var r2 = BitReader(raw, byteOffset: 0)
            #expect(TruncatedBinary.decode(&r2, range: 6) == 5)
        }
    }

    @Test("packed skip table round trip", arguments: [1, 2, 3, 31, 32, 33, 200])
    func packedSkipTable(entries: Int) throws {
        var rng = SplitMix64(seed: UInt64(entries))
        var fields: [UInt32] = []
        for e in 0..<entries {
            fields += [
                UInt32(rng.next() % 5000) + (e == 0 ? 0 : 1), UInt32(rng.next() % 900), UInt32(rng.next() % 3),
                e == 1 ? .max : UInt32(rng.next() % 100), 0, UInt32(rng.next() % 65536),
            ]
        }
        var out: [UInt8] = [0xEE, 0xEE]
        fields.withUnsafeBufferPointer { PackedSkipTable.encode($0, entryCount: entries, into: &out) }
        try out.withUnsafeBytes { raw in
            let (packed, bits) = try #require(PackedSkipTable.widths(raw, at: 2))
            #expect(PackedSkipTable.byteCount(entryCount: entries, entryBits: bits) == raw.count - 2)
            #expect((packed >> 32) & 0xFF == 0)  // position bytes are all 0: width 0
            var reader = BitReader(raw, byteOffset: 2 + PackedSkipTable.headerSize)
            for e in 0..<entries {
                for f in 0..<PackedSkipTable.fieldCount {
                    let width = Int((packed >> UInt64(8 * f)) & 0xFF)
                    #expect(reader.read(bits: width) == fields[e * PackedSkipTable.fieldCount + f])
                }
            }
            #expect(!reader.isOverrun)
        }
        // Bad widths are refused.
        for (field, width) in [(0, 33), (PackedSkipTable.Field.weightStep.rawValue, 17)] {
            var bad = out
            bad[2 + field] = UInt8(width)
            #expect(bad.withUnsafeBytes { PackedSkipTable.widths($0, at: 2) } == nil)
        }
        #expect(out.withUnsafeBytes { PackedSkipTable.widths(UnsafeRawBufferPointer(rebasing: $0[0..<7]), at: 2) } == nil)
    }

    @Test func weightStepsBoundFromAbove() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<20_000 {
            let w = Double(rng.next() % 1_000_000_000) / 1_000_000_000 * 2.2
            let q = PostingListEncoder.weightStep(for: w)
            #expect(Double(PostingListEncoder.weightBound(step: q)) >= w)
            #expect(q == 0 || Double(PostingListEncoder.weightBound(step: q - 1)) < w)
            #expect(q <= PostingListEncoder.weightSteps)
        }
        #expect(PostingListEncoder.weightStep(for: 0) == 0)
        #expect(PostingListEncoder.weightStep(for: 2.2) == PostingListEncoder.weightSteps)
    }
}
