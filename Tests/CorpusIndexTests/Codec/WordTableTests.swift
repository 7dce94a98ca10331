import Testing

@testable import CorpusIndex

@Suite("Word table")
struct WordTableTests {
    static let text = Array(
        """
        THE AMBASSADOR MET THE MINISTER ON THE ISSUE OF SECURITY. THE MINISTER SAID THAT THE GOVERNMENT WOULD \
        CONSIDER THE PROPOSAL; the embassy Embassy EMBASSY reported élection 東京 results. Pristina Pristina \
        PRISTINA xy xy z 12345 R 071200Z FM AMEMBASSY PRISTINA TO SECSTATE WASHDC
        """.utf8)

    func roundTrip(_ table: WordTable, _ input: [UInt8]) -> [UInt8]? {
        var encoded = [UInt8](repeating: 0, count: WordTable.encodedBound(input.count))
        let n = input.withUnsafeBytes { i in encoded.withUnsafeMutableBytes { table.encode(i, into: $0) } }
        var out: [UInt8] = []
        guard Array(encoded[0..<n]).withUnsafeBytes({ table.decode($0, into: &out, maxOutput: 1 << 24) }) else { return nil }
        return out
    }

    @Test func buildIsDeterministicAndShrinksText() throws {
        let sample = Array(repeating: Self.text, count: 20).flatMap { $0 }
        let a = sample.withUnsafeBytes { WordTable.build(sample: $0) }
        let b = sample.withUnsafeBytes { WordTable.build(sample: $0) }
        #expect(a == b && a.count > 10)
        // Words keep their following space; frequent ones get one-byte codes, a word never seen bare has no entry.
        let oneByte = (0..<min(a.count, WordTable.oneByteCodes)).map { Array(a.word($0)) }
        #expect(oneByte.contains(Array("THE ".utf8)) && oneByte.contains(Array("MINISTER ".utf8)))
        #expect(!(0..<a.count).contains { a.word($0) == ArraySlice("MINISTER".utf8) })
        var encoded = [UInt8](repeating: 0, count: WordTable.encodedBound(sample.count))
        let n = sample.withUnsafeBytes { i in encoded.withUnsafeMutableBytes { a.encode(i, into: $0) } }
        #expect(n < sample.count * 2 / 3)
        #expect(roundTrip(a, sample) == sample)
    }

    @Test("round trip of any bytes", arguments: [0, 1, 2, 3, 100, 5000])
    func anyBytes(length: Int) throws {
        var rng = SplitMix64(seed: UInt64(length) + 1)
        let table = Self.text.withUnsafeBytes { WordTable.build(sample: $0) }
        let alphabet = Array("THE MINISTER AMBASSADOR zq".utf8) + [0, 0x7F, 0x80, 0xBF, 0xC0, 0xFE, 0xFF]
        for _ in 0..<20 {
            let input = (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            #expect(roundTrip(table, input) == input)
            let random = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            #expect(roundTrip(table, random) == random)
        }
        #expect(roundTrip(WordTable(words: []), Self.text) == Self.text)
    }

    @Test func fullTableUsesTwoByteCodes() throws {
        // 16,192 distinct words: every code, one- and two-byte, round-trips.
        var words: [[UInt8]] = []
        for i in 0..<WordTable.maxWords {
            var w: [UInt8] = [UInt8(ascii: "a") + UInt8(i % 26), UInt8(ascii: "A") + UInt8((i / 26) % 26)]
            w.append(UInt8(ascii: "a") + UInt8(i / 676))
            words.append(w)
        }
        let table = WordTable(words: words)
        let text = words.joined(separator: [UInt8(ascii: " ")]).map { $0 }
        #expect(roundTrip(table, text) == text)
        let parsed = try table.serialized().withUnsafeBytes { try WordTable.parse($0, file: "f") }
        #expect(parsed == table)
        #expect(table.code(of: UnsafeRawBufferPointer(start: words[16_191], count: 3)) == 16_191)
    }

    @Test func malformedTransformIsRejected() throws {
        let table = WordTable(words: [Array("ab".utf8), Array("cd".utf8)])
        var out: [UInt8] = []
        for bad: [UInt8] in [[0x82], [0xC0], [0xC0, 0x00], [0xFF], [0xFF, 0x41], [0x41, 0xFE, 0xFF]] {
            #expect(!bad.withUnsafeBytes { table.decode($0, into: &out, maxOutput: 100) })
        }
        out = []
        #expect(([0x80, 0x81] as [UInt8]).withUnsafeBytes { table.decode($0, into: &out, maxOutput: 100) } && out == Array("abcd".utf8))
        out = []
        #expect(!([0x80, 0x81] as [UInt8]).withUnsafeBytes { table.decode($0, into: &out, maxOutput: 3) })
    }

    /// A word may carry its following space; the encoder prefers that entry and falls back to the bare word.
    @Test func wordsWithTheirSpace() throws {
        let table = WordTable(words: [Array("the ".utf8), Array("cat".utf8), Array("cat ".utf8), Array("sat".utf8)])
        let text = Array("the cat sat the  cat.thecat the".utf8)
        var encoded = [UInt8](repeating: 0, count: WordTable.encodedBound(text.count))
        let n = text.withUnsafeBytes { i in encoded.withUnsafeMutableBytes { table.encode(i, into: $0) } }
        #expect(Array(encoded[0..<n]) == [0x80, 0x82, 0x83, 0x20, 0x80, 0x20, 0x81, 0x2E] + Array("thecat the".utf8))
        #expect(roundTrip(table, text) == text)
        let parsed = try table.serialized().withUnsafeBytes { try WordTable.parse($0, file: "f") }
        #expect(parsed == table)
    }

    @Test func malformedSectionIsCorrupt() throws {
        for bad: [UInt8] in [[1, 0, 0], [1, 0, 0, 0, 2, 0x41], [1, 0, 0, 0, 1, 0x41], [1, 0, 0, 0, 2, 0x41, 0x31],
                             [1, 0, 0, 0, 2, 0x41, 0x20], [1, 0, 0, 0, 3, 0x41, 0x20, 0x41], [1, 0, 0, 0, 4, 0x41, 0x41, 0x20, 0x20],
                             [0xFF, 0xFF, 0, 0], [0, 0, 0, 0, 9]] {
            #expect(throws: CorpusIndexError.self) { try bad.withUnsafeBytes { try WordTable.parse($0, file: "f") } }
        }
    }
}
