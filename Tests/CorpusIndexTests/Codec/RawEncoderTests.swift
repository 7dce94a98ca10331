import Foundation
import Testing

@testable import CorpusIndex

/// The pointer-based encoders of the merge's hot path against straightforward reference encoders (the
/// array-appending code they replaced): the fixed-width bit packers at every width and count, patched blocks,
/// the raw bit writer and the position codes must give the same bytes; the merge's key comparison must order
/// keys exactly as their bytes; run postings with multi-byte varints must decode, and bad ones must throw.
@Suite("Codec raw encoders")
struct RawEncoderTests {
    // MARK: Reference encoders (the former implementations)

    /// Packs `values[0..<count]` cut to `b` bits as one little-endian bit stream, `ceil(count * b / 8)` bytes.
    static func referencePack(_ values: [UInt32], count: Int, bitWidth b: Int) -> [UInt8] {
        var out: [UInt8] = []
        var acc: UInt64 = 0
        var bits = 0
        let mask: UInt64 = b == 32 ? 0xFFFF_FFFF : (1 << UInt64(b)) - 1
        for i in 0..<count {
            acc |= (UInt64(values[i]) & mask) << UInt64(bits)
            bits += b
            while bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: acc))
                acc >>= 8
                bits -= 8
            }
        }
        if bits > 0 { out.append(UInt8(truncatingIfNeeded: acc)) }
        return out
    }

    /// The patched block exactly as docs/FORMAT.md describes it, choosing the smallest size (ties to the widest).
    static func referencePatched(_ values: [UInt32], count: Int) -> [UInt8] {
        let widths = values.prefix(count).map { 32 - $0.leadingZeroBitCount }
        let maxWidth = widths.max()!
        var best = maxWidth
        var bestSize = PatchedBlock.byteCount(count: count, bitWidth: maxWidth, exceptions: 0, exceptionWidth: 0)
        for b in stride(from: maxWidth - 1, through: 0, by: -1) {
            let e = widths.filter { $0 > b }.count
            let size = PatchedBlock.byteCount(count: count, bitWidth: b, exceptions: e, exceptionWidth: maxWidth - b)
            if size < bestSize { (best, bestSize) = (b, size) }
        }
        let b = best
        let exceptions = (0..<count).filter { widths[$0] > b }
        var out: [UInt8] = [UInt8(b), UInt8(exceptions.count)]
        if !exceptions.isEmpty { out.append(UInt8(maxWidth - b)) }
        out += referencePack(values, count: count, bitWidth: b)
        out += exceptions.map { UInt8($0) }
        let highBytes = (maxWidth - b + 7) / 8
        for i in exceptions {
            let high = values[i] >> UInt32(b)
            for k in 0..<highBytes { out.append(UInt8(truncatingIfNeeded: high >> UInt32(8 * k))) }
        }
        #expect(out.count == bestSize)
        return out
    }

    static func randomValues(_ rng: inout SplitMix64, width: Int, count: Int = 128) -> [UInt32] {
        let mask: UInt32 = width == 32 ? .max : (1 << UInt32(width)) - 1
        return (0..<count).map { _ in UInt32(truncatingIfNeeded: rng.next()) & mask }
    }

    // MARK: Bit packing

    @Test("fixed-width packers equal the reference at every width and count", arguments: Array(0...32))
    func packEveryWidth(width: Int) {
        var rng = SplitMix64(seed: 0x9E37 &+ UInt64(width))
        for count in [0, 1, 2, 3, 7, 8, 31, 32, 33, 63, 64, 65, 95, 96, 100, 127, 128] {
            // Bits above the width must be cut off, not spill into the next value.
            let values = (0..<128).map { _ in UInt32(truncatingIfNeeded: rng.next()) }
            var out = [UInt8](repeating: 0xCC, count: 16 * 32 + 8)
            let n = out.withUnsafeMutableBytes {
                BitPacking.pack(values, count: count, bitWidth: width, to: $0.baseAddress!)
            }
            let expected = Self.referencePack(values, count: count, bitWidth: width)
            #expect(n == expected.count, "width \(width) count \(count)")
            #expect(Array(out[0..<n]) == expected, "width \(width) count \(count)")
            // Only the writer's slack past the end may be stored into.
            #expect(out[(n + RawBitWriter.slack)...].allSatisfy { $0 == 0xCC }, "wrote past the slack: width \(width) count \(count)")
        }
        // The array form of a full block: the same bytes, `16 * width` of them.
        let fitting = Self.randomValues(&rng, width: width)
        var appended: [UInt8] = [0xAA]
        fitting.withUnsafeBufferPointer { BitPacking.pack($0.baseAddress!, bitWidth: width, into: &appended) }
        #expect(appended == [0xAA] + Self.referencePack(fitting, count: 128, bitWidth: width))
    }

    // MARK: Patched blocks

    @Test("patched blocks equal the reference encoding", arguments: [1, 2, 4, 5, 17, 32, 64, 100, 127, 128])
    func patchedBlocks(count: Int) {
        var rng = SplitMix64(seed: 0x51 &+ UInt64(count))
        for width in 0...32 {
            for shape in 0..<3 {
                var values = Self.randomValues(&rng, width: width, count: count)
                if shape == 1 {
                    // Small values with a few wide exceptions (the skewed lists PFor is for).
                    values = values.map { $0 & 7 }
                    values[Int(rng.next() % UInt64(count))] = UInt32(truncatingIfNeeded: rng.next()) | 1 << 31
                    values[count - 1] |= 1 << UInt32(width == 0 ? 0 : width - 1)
                } else if shape == 2 {
                    values = values.map { $0 >> UInt32(rng.next() % 33 == 32 ? 0 : rng.next() % 32) }
                }
                let expected = Self.referencePatched(values, count: count)
                var direct = [UInt8](repeating: 0xCC, count: PatchedBlock.maxEncodedSize + 8)
                let n = values.withUnsafeBufferPointer { v in
                    direct.withUnsafeMutableBytes { PatchedBlock.encode(v.baseAddress!, count: count, to: $0.baseAddress!) }
                }
                #expect(n <= PatchedBlock.maxEncodedSize)
                #expect(Array(direct[0..<n]) == expected, "count \(count) width \(width) shape \(shape)")
                #expect(direct[(n + RawBitWriter.slack)...].allSatisfy { $0 == 0xCC })
                var appended: [UInt8] = []
                values.withUnsafeBufferPointer { PatchedBlock.encode($0.baseAddress!, count: count, into: &appended) }
                #expect(appended == expected)
            }
        }
    }

    // MARK: Bit streams and positions

    @Test func rawBitWriterMatchesBitWriter() {
        var rng = SplitMix64(seed: 31)
        for round in 0..<50 {
            var reference: [UInt8] = []
            var writer = BitWriter()
            var raw = [UInt8](repeating: 0, count: 64 * 1024)
            let n = raw.withUnsafeMutableBytes { buffer in
                var rawWriter = RawBitWriter(cursor: buffer.baseAddress!)
                for _ in 0..<(round * 40) {
                    if rng.next() % 4 == 0 {
                        let zeros = Int(rng.next() % (rng.next() % 8 == 0 ? 200 : 20))
                        writer.writeUnary(zeros, into: &reference)
                        rawWriter.writeUnary(zeros)
                    } else {
                        let bits = Int(rng.next() % 33)
                        let value = bits == 32 ? UInt32(truncatingIfNeeded: rng.next())
                            : UInt32(truncatingIfNeeded: rng.next()) & ((1 << UInt32(bits)) - 1)
                        writer.write(value, bits: bits, into: &reference)
                        rawWriter.write(value, bits: bits)
                    }
                    if rng.next() % 50 == 0 {
                        writer.flush(into: &reference)
                        rawWriter.flush()
                    }
                }
                writer.flush(into: &reference)
                rawWriter.flush()
                return rawWriter.cursor - buffer.baseAddress!
            }
            #expect(Array(raw[0..<n]) == reference, "round \(round)")
        }
    }

    @Test func positionCodesMatchTheReference() {
        var rng = SplitMix64(seed: 4242)
        var reference: [UInt8] = []
        var writer = BitWriter()
        var raw = [UInt8](repeating: 0, count: 1 << 20)
        var documents: [([UInt32], UInt32)] = [([0], 1), ([0, UInt32.max - 1], UInt32.max), ([UInt32.max - 1], UInt32.max)]
        for _ in 0..<2000 {
            let length = UInt32(rng.next() % (rng.next() % 8 == 0 ? 100_000 : 3000)) + 1
            let f = min(Int(length), rng.next() % 3 == 0 ? Int(rng.next() % 80) + 1 : 1)
            var set = Set<UInt32>()
            while set.count < f { set.insert(UInt32(rng.next() % UInt64(length))) }
            documents.append((set.sorted(), length))
        }
        let n = raw.withUnsafeMutableBytes { buffer in
            var rawWriter = RawBitWriter(cursor: buffer.baseAddress!)
            for (positions, length) in documents {
                let before = rawWriter.cursor
                let pendingBefore = rawWriter.pending
                positions.withUnsafeBufferPointer {
                    PositionCoding.encode($0, length: length, into: &writer, out: &reference)
                    #expect(PositionCoding.encode(
                        $0.baseAddress!, count: positions.count, length: length, into: &rawWriter))
                }
                // The bound the encoder reserves by: stored bytes never exceed it (plus the bits pending before).
                let stored = rawWriter.cursor - before
                #expect(stored <= PositionCoding.maxEncodedBytes(frequency: positions.count) + (pendingBefore + 7) / 8)
            }
            writer.flush(into: &reference)
            rawWriter.flush()
            return rawWriter.cursor - buffer.baseAddress!
        }
        #expect(Array(raw[0..<n]) == reference)

        // All documents in one call: the same bytes.
        let flat = documents.flatMap { $0.0 }
        let frequencies = documents.map { UInt32($0.0.count) }
        let lengths = documents.map { $0.1 }
        var batch = [UInt8](repeating: 0, count: 1 << 20)
        let m = batch.withUnsafeMutableBytes { buffer in
            var rawWriter = RawBitWriter(cursor: buffer.baseAddress!)
            let coded = PositionCoding.encodeDocuments(
                flat, frequencies: frequencies, lengths: lengths, count: documents.count, into: &rawWriter)
            #expect(coded == documents.count)
            rawWriter.flush()
            return rawWriter.cursor - buffer.baseAddress!
        }
        #expect(Array(batch[0..<m]) == reference)
    }

    @Test func riceParameterEqualsTheDivision() {
        var rng = SplitMix64(seed: 5)
        var pairs: [(UInt32, Int)] = [(2, 2), (3, 2), (4, 2), (5, 2), (UInt32.max, 2), (UInt32.max, Int(UInt32.max))]
        for _ in 0..<20_000 {
            let length = UInt32(truncatingIfNeeded: rng.next() >> (rng.next() % 32)) | 2
            let f = 2 + Int(rng.next() % UInt64(length - 1))
            pairs.append((length, f))
            pairs.append((length, 2 + Int(rng.next() % 64) % Int(length - 1)))
        }
        for (length, f) in pairs {
            let ratio = length / UInt32(f)
            let expected = ratio <= 1 ? 0 : 31 - ratio.leadingZeroBitCount
            #expect(PositionCoding.riceParameter(length: length, frequency: f) == expected, "L \(length) f \(f)")
        }
    }

    @Test func encodeDocumentsStopsAtTheFirstBadDocument() {
        var raw = [UInt8](repeating: 0, count: 256)
        raw.withUnsafeMutableBytes { buffer in
            var writer = RawBitWriter(cursor: buffer.baseAddress!)
            // Documents 0 and 1 are fine; document 2 repeats a position.
            let coded = PositionCoding.encodeDocuments(
                [3, 1, 4, 7, 7], frequencies: [1, 2, 2], lengths: [10, 10, 10], count: 3, into: &writer)
            #expect(coded == 2)
        }
    }

    @Test func invalidPositionsAreRejected() {
        var raw = [UInt8](repeating: 0, count: 256)
        raw.withUnsafeMutableBytes { buffer in
            for (positions, length): ([UInt32], UInt32) in [
                ([5], 5), ([3, 3], 10), ([4, 2], 10), ([1, 2, 10], 10), ([0], 0), ([0, 1, 2], 2),
            ] {
                var writer = RawBitWriter(cursor: buffer.baseAddress!)
                let ok = positions.withUnsafeBufferPointer {
                    PositionCoding.encode($0.baseAddress!, count: positions.count, length: length, into: &writer)
                }
                #expect(!ok, "\(positions) in \(length)")
            }
        }
    }

    @Test func tabulatedWeightBoundsEqualTheComputedOnes() {
        for q in 0...PostingListEncoder.weightSteps {
            let computed = PostingListEncoder.weightBound(step: q)
            #expect(PostingListEncoder.tabulatedWeightBound(step: q) == computed)
            if q % 4099 == 0 { #expect(PostingListEncoder.weightStep(for: Double(computed)) <= q) }
        }
    }

    // MARK: The merge's key order and run postings

    @Test func keyHandlesOrderLikeBytes() {
        var rng = SplitMix64(seed: 99)
        // Short keys, keys around 8 bytes, zero bytes and shared prefixes: where prefix comparison could go wrong.
        var keys: [[UInt8]] = [[0, 0], [0, 0, 0], [1, 97], [1, 97, 0], [1, 97, 0, 0, 0, 0, 0, 0], [1, 97, 0, 0, 0, 0, 0, 0, 0]]
        for _ in 0..<300 {
            let length = 2 + Int(rng.next() % 14)
            keys.append((0..<length).map { _ in UInt8(rng.next() % 3) })
        }
        for _ in 0..<50 {
            var key = keys[Int(rng.next() % UInt64(keys.count))]
            key.append(UInt8(rng.next() % 256))
            keys.append(key)
        }
        func handle(_ key: UnsafeRawBufferPointer) -> RunMerger.KeyHandle {
            var word: UInt64 = 0
            for i in 0..<min(8, key.count) { word |= UInt64(key[i]) << UInt64(56 - 8 * i) }
            return RunMerger.KeyHandle(
                prefix: word, length: key.count, bytes: key.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        for a in keys {
            for b in keys {
                a.withUnsafeBytes { ra in
                    b.withUnsafeBytes { rb in
                        let expected = RunFile.compareKeys(ra, rb).signum()
                        #expect(RunMerger.KeyHandle.compare(handle(ra), handle(rb)).signum() == expected, "\(a) vs \(b)")
                    }
                }
            }
        }
    }

    /// A run key whose first byte is not a field ordinal is rejected (the merger's end-of-run sentinel relies on it).
    @Test func runKeysWithABadFieldByteAreRejected() throws {
        let directory = TestDirectory("runs")
        let path = directory.path + "/bad.run"
        let writer = try RunWriter(path: path)
        let key: [UInt8] = [2, 120, 121]
        try key.withUnsafeBytes { try writer.beginEntry(key: $0, postingsLength: 3) }
        try [UInt8]([1, 1, 0]).withUnsafeBytes { try writer.out.append($0) }
        _ = try writer.finish(documentCount: 1)
        // The entry starts after the 8-byte magic: shared length 0, suffix length 3, then the key.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Array(bytes[10..<13]) == key)
        let good = try RunReader(path: path, rank: 0, documentBase: 0, bufferSize: 4096)
        good.seek(buckets: 0..<RunFile.bucketCount)
        #expect(try good.next())
        bytes[10] = 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let bad = try RunReader(path: path, rank: 0, documentBase: 0, bufferSize: 4096)
        bad.seek(buckets: 0..<RunFile.bucketCount)
        #expect(throws: CorpusIndexError.self) { try bad.next() }
    }

    /// Run postings (ChunkInverter's encoding) of random documents with one- to five-byte varints.
    @Test func runPostingsWithWideVarints() throws {
        var rng = SplitMix64(seed: 7)
        var bytes: [UInt8] = []
        var docs: [UInt32] = []
        var freqs: [UInt32] = []
        var positions: [UInt32] = []
        var previous: Int64 = -1
        for i in 0..<500 {
            let doc = previous + 1 + Int64(i % 5 == 0 ? rng.next() % 100_000 : rng.next() % 100)
            VarInt.encode(UInt64(doc - previous), into: &bytes)
            docs.append(UInt32(doc) + 17)
            previous = doc
            let f = 1 + Int(rng.next() % 6)
            var position: Int64 = -1
            for _ in 0..<f {
                let step = Int64(1 + (rng.next() % 4 == 0 ? rng.next() % 20_000_000 : rng.next() % 120))
                position += step
                VarInt.encode(UInt64(step), into: &bytes)
                positions.append(UInt32(position))
            }
            VarInt.encode(0, into: &bytes)
            freqs.append(UInt32(f))
        }
        let documentCount = UInt32(previous + 1)
        let merged = MergedPostings()
        try bytes.withUnsafeBytes {
            try merged.appendRunPostings($0, base: 17, documentCount: documentCount, file: "test")
        }
        #expect(Array(merged.docsBuffer) == docs)
        #expect(Array(merged.freqsBuffer) == freqs)
        #expect(Array(merged.positionsBuffer) == positions)

        // Cut short, a zero document delta, a document past the run, an over-long varint: all throw.
        for bad in [Array(bytes.dropLast()), [0, 1, 0], [5, 1, 0], [1, 0x80, 0x80, 0x80, 0x80, 0x80, 0]] {
            let fresh = MergedPostings()
            #expect(throws: CorpusIndexError.self) {
                try bad.withUnsafeBytes { try fresh.appendRunPostings($0, base: 0, documentCount: 4, file: "bad") }
            }
        }
    }
}
