import Testing

@testable import CorpusIndex

/// Round trips of the patched (PFor) block codec, full and partial: every width, exceptions at the block's ends,
/// random data, and the decoder rejecting damaged headers.
@Suite("Codec patched blocks")
struct PatchedBlockTests {
    /// Encodes 128 values, decodes them back and checks the size the header announces.
    static func roundTrip(_ values: [UInt32]) throws {
        var out: [UInt8] = [0xEE]  // a leading byte: decoding at a non-zero offset
        values.withUnsafeBufferPointer { PatchedBlock.encode($0.baseAddress!, into: &out) }
        var decoded = [UInt32](repeating: 0xDEAD, count: 128)
        let end = out.withUnsafeBytes { raw in
            decoded.withUnsafeMutableBufferPointer { PatchedBlock.decode(raw, at: 1, into: $0.baseAddress!) }
        }
        #expect(end == out.count)
        #expect(out.withUnsafeBytes { PatchedBlock.encodedSize($0, at: 1) } == out.count - 1)
        #expect(decoded == values)
    }

    @Test(arguments: 0...32) func everyWidth(width: Int) throws {
        var rng = SplitMix64(seed: UInt64(width))
        let mask: UInt32 = width == 32 ? .max : (1 << UInt32(width)) - 1
        try Self.roundTrip((0..<128).map { _ in UInt32(truncatingIfNeeded: rng.next()) & mask })
        // All values at the maximum of the width.
        try Self.roundTrip([UInt32](repeating: mask, count: 128))
    }

    /// Partial blocks (a stream's last 1...127 values) at every width, with exceptions at both ends.
    @Test(arguments: [1, 2, 3, 4, 5, 31, 33, 64, 100, 127])
    func partialBlocks(count: Int) throws {
        var rng = SplitMix64(seed: UInt64(count))
        for width in 0...32 {
            let mask: UInt32 = width == 32 ? .max : (1 << UInt32(width)) - 1
            var values = (0..<count).map { _ in UInt32(truncatingIfNeeded: rng.next()) & mask }
            values[0] = mask
            values[count - 1] |= UInt32(truncatingIfNeeded: rng.next()) | 1 << 31
            var out: [UInt8] = [0xEE]
            values.withUnsafeBufferPointer { PatchedBlock.encode($0.baseAddress!, count: count, into: &out) }
            out.append(0xAB)  // a trailing byte must not be read
            var decoded = [UInt32](repeating: 7, count: 128)
            let end = out.withUnsafeBytes { raw in
                decoded.withUnsafeMutableBufferPointer {
                    PatchedBlock.decode(raw, at: 1, count: count, into: $0.baseAddress!)
                }
            }
            #expect(end == out.count - 1)
            #expect(Array(decoded[0..<count]) == values)
        }
    }

    @Test func exceptionsAtBlockEnds() throws {
        for big: UInt32 in [2, 255, 256, 70_000, .max] {
            var values = [UInt32](repeating: 1, count: 128)
            values[0] = big
            values[127] = big
            try Self.roundTrip(values)
            values = [UInt32](repeating: 0, count: 128)
            values[127] = big
            try Self.roundTrip(values)
            values[0] = big
            try Self.roundTrip(values)
        }
    }

    @Test func exceptionsAreChosenWhenTheyPay() {
        var values = [UInt32](repeating: 3, count: 128)
        values[5] = 1 << 20
        var out: [UInt8] = []
        values.withUnsafeBufferPointer { PatchedBlock.encode($0.baseAddress!, into: &out) }
        // The worked example of docs/FORMAT.md: width 2, one exception of 19 high bits, 39 bytes.
        #expect(Array(out[0..<3]) == [2, 1, 19])
        #expect(out.count == 39)
        #expect(Array(out[35...]) == [5, 0, 0, 4])
    }

    @Test func randomSkewedBlocks() throws {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<300 {
            let base = Int(rng.next() % 12)
            let rate = rng.next() % 40
            try Self.roundTrip((0..<128).map { _ in
                let v = UInt32(truncatingIfNeeded: rng.next()) & ((1 << UInt32(base)) - 1)
                return rng.next() % 100 < rate ? v | UInt32(truncatingIfNeeded: rng.next() % (1 << 24)) : v
            })
        }
    }

    @Test func damagedHeadersAreRejected() {
        var values = [UInt32](repeating: 1, count: 128)
        values[9] = 1000
        var good: [UInt8] = []
        values.withUnsafeBufferPointer { PatchedBlock.encode($0.baseAddress!, into: &good) }
        var out = [UInt32](repeating: 0, count: 128)
        func decodes(_ bytes: [UInt8]) -> Bool {
            bytes.withUnsafeBytes { raw in
                out.withUnsafeMutableBufferPointer { PatchedBlock.decode(raw, at: 0, into: $0.baseAddress!) } != nil
            }
        }
        #expect(decodes(good))
        var bad = good; bad[0] = 33; #expect(!decodes(bad))  // width over 32
        bad = good; bad[1] = 129; #expect(!decodes(bad))  // too many exceptions
        bad = good; bad[2] = 32; #expect(!decodes(bad))  // exception width + width over 32
        bad = good; bad[2] = 0; #expect(!decodes(bad))  // exception width 0
        #expect(!decodes(Array(good.dropLast())))  // truncated
        bad = good; bad[3 + 16] = 200; #expect(!decodes(bad))  // exception index over 127
        bad = good; bad[bad.count - 1] = 0x80; #expect(!decodes(bad))  // high bits wider than stated
    }
}

