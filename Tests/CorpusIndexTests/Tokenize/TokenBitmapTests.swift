import Testing
@testable import CorpusIndex

@Suite struct TokenBitmapTests {
    /// The tokens the bitmap's cursor finds, as (start, end, lowered bytes).
    func scan(_ text: [UInt8], bitmap: TokenBitmap = TokenBitmap(capacity: 1)) -> [(Int, Int, [UInt8])] {
        text.withUnsafeBytes { bitmap.load($0) }
        var found: [(Int, Int, [UInt8])] = []
        var cursor = bitmap.tokens()
        while let (start, end) = cursor.next() {
            found.append((start, end, Array(UnsafeBufferPointer(start: bitmap.lowered + start, count: end - start))))
        }
        return found
    }

    /// What the analyzer finds in `text`.
    func analyzerTokens(_ text: [UInt8]) -> [(Int, Int, [UInt8])] {
        var scratch = TokenScratch()
        var found: [(Int, Int, [UInt8])] = []
        _ = text.withUnsafeBytes { raw in
            Analyzer.forEachToken(in: raw, scratch: &scratch) { token, range, _ in
                found.append((range.lowerBound, range.upperBound, Array(token)))
            }
        }
        return found
    }

    func expectSameTokens(_ text: [UInt8], bitmap: TokenBitmap = TokenBitmap(capacity: 1)) {
        let got = scan(text, bitmap: bitmap)
        let expected = analyzerTokens(text)
        #expect(got.count == expected.count, "\(text.count) bytes")
        for (g, e) in zip(got, expected) where g.0 != e.0 || g.1 != e.1 || g.2 != e.2 {
            Issue.record("token at \(e.0)..<\(e.1) of \(text.count) bytes: got \(g.0)..<\(g.1)")
            return
        }
    }

    /// Every byte value in every lane of the 8-byte word classifies and lowercases as `Analyzer.tokenByte` says.
    @Test func classifiesEveryByteInEveryLane() {
        for lane in 0..<8 {
            for byte in 0..<256 {
                let filler: UInt64 = 0x2E  // '.', a separator, in the other lanes
                var word: UInt64 = 0
                for k in 0..<8 { word |= (k == lane ? UInt64(byte) : filler) << (8 * UInt64(k)) }
                let (lowered, mask) = TokenBitmap.classify(word)
                let expected = Analyzer.tokenByte[byte]
                #expect(UInt8(truncatingIfNeeded: lowered >> (8 * UInt64(lane))) == expected, "byte \(byte) lane \(lane)")
                #expect(mask == (expected != 0 ? UInt8(1) << lane : 0), "byte \(byte) lane \(lane)")
                #expect(lowered & ~(0xFF << (8 * UInt64(lane))) == 0)
            }
        }
        // All token bytes at once: no carry between lanes (digits, letters, high bytes next to each other).
        let (lowered, mask) = TokenBitmap.classify(0x5A41_FF80_7A61_3930)
        #expect(mask == 0xFF && lowered == 0x7A61_FF80_7A61_3930)
    }

    /// The 16-byte `classify16` is `classify` on each of its two lanes: every byte value in every one of the 16
    /// places, and random words.
    @Test func classify16IsClassifyOnBothLanes() {
        func check(_ a: UInt64, _ b: UInt64) {
            let (lowered, mask) = TokenBitmap.classify16(SIMD2(a, b))
            let (loweredA, maskA) = TokenBitmap.classify(a)
            let (loweredB, maskB) = TokenBitmap.classify(b)
            #expect(lowered[0] == loweredA && lowered[1] == loweredB, "\(a) \(b)")
            #expect(mask == UInt16(maskA) | UInt16(maskB) << 8, "\(a) \(b)")
        }
        let filler: UInt64 = 0x2E2E_2E2E_2E2E_2E2E
        for place in 0..<16 {
            for byte in 0..<256 {
                let word = filler & ~(0xFF << UInt64(8 * (place % 8))) | UInt64(byte) << UInt64(8 * (place % 8))
                if place < 8 { check(word, filler) } else { check(filler, word) }
            }
        }
        var random = SplitMix64(seed: 16)
        for _ in 0..<10_000 { check(random.next(), random.next()) }
    }

    /// Texts of every length around the word boundaries, with tokens that start, end or cross them.
    @Test func findsTheAnalyzersTokensAtWordBoundaries() {
        let bitmap = TokenBitmap(capacity: 1)
        for length in 0..<200 {
            expectSameTokens(Array(repeating: UInt8(ascii: "A"), count: length), bitmap: bitmap)
            expectSameTokens(Array(repeating: UInt8(ascii: " "), count: length), bitmap: bitmap)
            expectSameTokens((0..<length).map { $0 % 3 == 2 ? 0x20 : UInt8(0x41 + $0 % 26) }, bitmap: bitmap)
            expectSameTokens((0..<length).map { $0 % 64 == 63 ? 0x2C : 0xC3 }, bitmap: bitmap)
        }
    }

    /// Random bytes (all 256 values, or mostly token bytes so that tokens run long), reusing one bitmap across
    /// texts of shrinking and growing sizes (stale bits and bytes from a longer text must not leak).
    @Test func findsTheAnalyzersTokensInRandomText() {
        var random = SplitMix64(seed: 99)
        let bitmap = TokenBitmap(capacity: 1)
        for round in 0..<300 {
            let length = Int(random.next() % (round % 10 == 0 ? 70_000 : 300))
            let text: [UInt8] = (0..<length).map { _ in
                let r = random.next()
                if round % 2 == 0 { return UInt8(truncatingIfNeeded: r) }
                return r % 40 == 0 ? 0x20 : UInt8(truncatingIfNeeded: 0x41 + (r >> 8) % 58)
            }
            expectSameTokens(text, bitmap: bitmap)
        }
    }

    /// The padding contract: 8 zero bytes before the text, and zeros (not stale bytes) for 16 bytes past it.
    @Test func paddingIsZero() {
        let bitmap = TokenBitmap(capacity: 1)
        let long = Array(repeating: UInt8(ascii: "z"), count: 500)
        long.withUnsafeBytes { bitmap.load($0) }
        let short = Array("ab".utf8)
        short.withUnsafeBytes { bitmap.load($0) }
        for k in 1...TokenBitmap.frontPadding { #expect(bitmap.lowered[-k] == 0) }
        for k in 2..<(2 + TokenBitmap.backPadding) { #expect(bitmap.lowered[k] == 0, "byte \(k)") }
        var cursor = bitmap.tokens()
        #expect(cursor.next()! == (0, 2))
        #expect(cursor.next() == nil)
        #expect(cursor.next() == nil)
    }
}
