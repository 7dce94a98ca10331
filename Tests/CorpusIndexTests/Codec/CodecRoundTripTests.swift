import Testing

@testable import CorpusIndex

/// One round-trip property over every codec (PISA's test_block_codecs): values survive, and the decoder consumes
/// exactly the bytes the encoder wrote.
@Suite("Codec round trips")
struct CodecRoundTripTests {
    /// A codec under test: encodes values into bytes, decodes them back returning the offset past what it read.
    struct Codec: Sendable, CustomStringConvertible {
        var description: String
        var maxValue: UInt64
        var encode: @Sendable ([UInt64]) -> [UInt8]
        var decode: @Sendable ([UInt8], Int) -> ([UInt64], Int)?
    }

    static let codecs: [Codec] = [
        Codec(description: "VarInt", maxValue: .max, encode: { values in
            var out: [UInt8] = []
            for v in values { VarInt.encode(v, into: &out) }
            return out
        }, decode: { bytes, count in
            bytes.withUnsafeBytes { raw in
                var offset = 0
                var values: [UInt64] = []
                for _ in 0..<count {
                    guard let (v, next) = VarInt.decode(raw, at: offset) else { return nil }
                    values.append(v)
                    offset = next
                }
                return (values, offset)
            }
        }),
        Codec(description: "VarInt32", maxValue: UInt64(UInt32.max), encode: { values in
            var out: [UInt8] = []
            for v in values { VarInt.encode(v, into: &out) }
            return out
        }, decode: { bytes, count in
            bytes.withUnsafeBytes { raw in
                var offset = 0
                var values: [UInt64] = []
                for _ in 0..<count {
                    guard let (v, next) = VarInt.decode32(raw, at: offset) else { return nil }
                    values.append(UInt64(v))
                    offset = next
                }
                return (values, offset)
            }
        }),
        Codec(description: "Delta+VarInt (sorted)", maxValue: UInt64(UInt32.max), encode: { values in
            var sorted = values.map { UInt32($0) }.sorted()
            sorted.withUnsafeMutableBufferPointer { Delta.encode($0) }
            var out: [UInt8] = []
            for v in sorted { VarInt.encode(UInt64(v), into: &out) }
            return out
        }, decode: { bytes, count in
            bytes.withUnsafeBytes { raw in
                var offset = 0
                var values = [UInt32](repeating: 0, count: count)
                for i in 0..<count {
                    guard let (v, next) = VarInt.decode32(raw, at: offset) else { return nil }
                    values[i] = v
                    offset = next
                }
                guard values.withUnsafeMutableBufferPointer({ Delta.decodeChecked($0.baseAddress!, count: count) })
                    != nil || count == 0
                else { return nil }
                return (values.map(UInt64.init), offset)
            }
        }),
        Codec(description: "BitPacking (128-blocks + VarInt tail)", maxValue: UInt64(UInt32.max), encode: { values in
            var out: [UInt8] = []
            var block = [UInt32](repeating: 0, count: 128)
            var i = 0
            while i + 128 <= values.count {
                for k in 0..<128 { block[k] = UInt32(values[i + k]) }
                let bits = block.withUnsafeBufferPointer { BitPacking.bitWidth($0.baseAddress!, count: 128) }
                out.append(UInt8(bits))
                block.withUnsafeBufferPointer { BitPacking.pack($0.baseAddress!, bitWidth: bits, into: &out) }
                i += 128
            }
            while i < values.count { VarInt.encode(values[i], into: &out); i += 1 }
            return out
        }, decode: { bytes, count in
            bytes.withUnsafeBytes { raw in
                var offset = 0
                var values: [UInt64] = []
                var block = [UInt32](repeating: 0, count: 128)
                while values.count + 128 <= count {
                    guard offset < raw.count else { return nil }
                    let bits = Int(raw[offset])
                    guard let next = block.withUnsafeMutableBufferPointer({
                        BitPacking.unpack(raw, at: offset + 1, bitWidth: bits, into: $0.baseAddress!)
                    }) else { return nil }
                    values += block.map(UInt64.init)
                    offset = next
                }
                while values.count < count {
                    guard let (v, next) = VarInt.decode32(raw, at: offset) else { return nil }
                    values.append(UInt64(v))
                    offset = next
                }
                return (values, offset)
            }
        }),
        Codec(description: "LZ4 block", maxValue: 255, encode: { values in
            var out: [UInt8] = []
            values.map { UInt8($0) }.withUnsafeBytes { LZ4Block.compress($0, into: &out) }
            return out
        }, decode: { bytes, _ in
            var out: [UInt8] = []
            guard let end = bytes.withUnsafeBytes({ LZ4Block.decompress($0, at: 0, into: &out) }) else { return nil }
            return (out.map(UInt64.init), end)
        }),
        Codec(description: "zlib block", maxValue: 255, encode: { values in
            var out: [UInt8] = []
            values.map { UInt8($0) }.withUnsafeBytes { ZlibBlock.compress($0, into: &out) }
            return out
        }, decode: { bytes, _ in
            var out: [UInt8] = []
            guard let end = bytes.withUnsafeBytes({ ZlibBlock.decompress($0, at: 0, into: &out) }) else { return nil }
            return (out.map(UInt64.init), end)
        }),
    ]

    /// The edge lengths around one 128-value block, plus seeded random lengths up to 5,000.
    static let lengths: [Int] = {
        var rng = SplitMix64(seed: 2024)
        return [0, 1, 2, 127, 128, 129, 255, 256, 257] + (0..<4).map { _ in Int(rng.next() % 5000) }
    }()

    @Test("round trip consumes exactly what was written", arguments: codecs, lengths)
    func roundTrip(codec: Codec, length: Int) throws {
        var rng = SplitMix64(seed: UInt64(length) &* 7919 &+ 1)
        for shape in 0..<4 {
            let values: [UInt64] = (0..<length).map { i in
                switch shape {
                case 0: return 0
                case 1: return codec.maxValue
                case 2: return rng.next() % (1 << (rng.next() % 64)) & codec.maxValue
                default: return UInt64(i % 7) & codec.maxValue
                }
            }
            let bytes = codec.encode(values)
            let decoded = try #require(codec.decode(bytes, length), "decode failed, shape \(shape)")
            if codec.description.hasPrefix("Delta") {
                #expect(decoded.0 == values.sorted(), "shape \(shape)")
            } else {
                #expect(decoded.0 == values, "shape \(shape)")
            }
            #expect(decoded.1 == bytes.count, "consumed \(decoded.1) of \(bytes.count) bytes, shape \(shape)")
            // A decoder given a truncated buffer reports failure instead of reading past it.
            if !bytes.isEmpty, codec.description != "VarInt", codec.description != "VarInt32" || length > 0 {
                let cut = Array(bytes.dropLast())
                let partial = codec.decode(cut, length)
                #expect(partial == nil || partial!.1 <= cut.count)
            }
        }
    }

    @Test("every bit width packs and unpacks 128 random values", arguments: Array(0...32))
    func bitWidths(bits: Int) throws {
        var rng = SplitMix64(seed: UInt64(bits))
        let mask: UInt64 = bits == 32 ? 0xFFFF_FFFF : (1 << UInt64(bits)) - 1
        var values = (0..<128).map { _ in UInt32(rng.next() & mask) }
        if bits > 0 { values[5] = UInt32(mask) }
        let width = values.withUnsafeBufferPointer { BitPacking.bitWidth($0.baseAddress!, count: 128) }
        #expect(width == bits)
        var out: [UInt8] = [0xAA]
        values.withUnsafeBufferPointer { BitPacking.pack($0.baseAddress!, bitWidth: bits, into: &out) }
        #expect(out.count == 1 + BitPacking.packedByteCount(bitWidth: bits))
        var back = [UInt32](repeating: 7, count: 128)
        let end = out.withUnsafeBytes { raw in
            back.withUnsafeMutableBufferPointer { BitPacking.unpack(raw, at: 1, bitWidth: bits, into: $0.baseAddress!) }
        }
        #expect(end == out.count)
        #expect(back == values)
    }

    @Test(
        "checked gap decoding equals a 64-bit running sum, large gaps (2^25 and up, wrapping 32 bits) included",
        arguments: [0, 24, 25, 26, 31, 32])
    func increasingGaps(bits: Int) {
        var rng = SplitMix64(seed: UInt64(bits) &+ 500)
        for count in [1, 2, 7, 127, 128] {
            for firstMayBeZero in [false, true] {
                let base = UInt32(rng.next() % 1000)
                let mask: UInt64 = bits == 32 ? 0xFFFF_FFFF : (1 << UInt64(max(bits, 1))) - 1
                var gaps = (0..<count).map { _ in UInt32(max(1, rng.next() & mask)) }
                if bits > 0 { gaps[count / 2] = UInt32(mask) }  // the widest gap, somewhere
                if firstMayBeZero { gaps[0] = 0 }
                var expected: [UInt32] = []
                var wide = UInt64(base)
                for g in gaps {
                    wide += UInt64(g)
                    expected.append(UInt32(truncatingIfNeeded: wide))
                }
                var values = gaps
                let total = values.withUnsafeMutableBufferPointer {
                    Delta.decodeIncreasing($0.baseAddress!, count: count, base: base, firstMayBeZero: firstMayBeZero)
                }
                #expect(total == wide, "bits \(bits), count \(count)")
                #expect(values == expected)
            }
        }
    }

    @Test("a zero gap is rejected anywhere in a block; the first only when it must be above 0")
    func zeroGapsAreRejected() {
        for position in [0, 1, 63, 127] {
            for large in [false, true] {
                var gaps = [UInt32](repeating: large ? 1 << 26 : 3, count: 128)
                gaps[position] = 0
                let total = gaps.withUnsafeMutableBufferPointer {
                    Delta.decodeIncreasing($0.baseAddress!, count: 128, base: 5, firstMayBeZero: false)
                }
                #expect(total == nil, "zero gap at \(position)")
                var again = gaps
                let allowed = again.withUnsafeMutableBufferPointer {
                    Delta.decodeIncreasing($0.baseAddress!, count: 128, base: 5, firstMayBeZero: true)
                }
                #expect((allowed != nil) == (position == 0), "zero gap at \(position), first may be 0")
            }
        }
    }

    @Test func corruptCompressedBlocksAreRejected() {
        let text = [UInt8]((0..<5000).map { UInt8(($0 * 31) % 251) })
        for codec in ["lz4", "zlib"] {
            var packed: [UInt8] = []
            text.withUnsafeBytes {
                if codec == "lz4" { LZ4Block.compress($0, into: &packed) } else { ZlibBlock.compress($0, into: &packed) }
            }
            // Wrong stated length.
            var wrong = packed
            wrong[0] &+= 1
            var out: [UInt8] = []
            let r = wrong.withUnsafeBytes {
                codec == "lz4" ? LZ4Block.decompress($0, at: 0, into: &out) : ZlibBlock.decompress($0, at: 0, into: &out)
            }
            #expect(r == nil, "\(codec)")
        }
    }

    @Test func crc32MatchesKnownValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        let a = Array("hello ".utf8), b = Array("world".utf8)
        #expect(CRC32.checksum(b, continuing: CRC32.checksum(a)) == CRC32.checksum(a + b))
    }
}
