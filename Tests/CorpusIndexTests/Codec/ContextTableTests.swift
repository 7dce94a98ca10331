import Foundation
import Testing

@testable import CorpusIndex

/// The context rank transform (docs/FORMAT.md, "Context rank transform"): tables chosen from counts, round trips
/// of word-coded text and of any bytes, the exact bytes of each case of the encoding, rejection of malformed
/// transforms and tables.
@Suite("Context table")
struct ContextTableTests {
    /// Word-coded `input` by `words`.
    static func coded(_ words: WordTable, _ input: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: WordTable.encodedBound(input.count))
        let n = input.withUnsafeBytes { i in out.withUnsafeMutableBytes { words.encode(i, into: $0) } }
        return Array(out[0..<n])
    }

    static func ranked(_ table: ContextTable, _ coded: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: ContextTable.outputBound(coded.count))
        let n = coded.withUnsafeBytes { i in out.withUnsafeMutableBytes { table.encode(i, into: $0) } }
        return Array(out[0..<n])
    }

    static func unranked(_ table: ContextTable, _ ranked: [UInt8]) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: ContextTable.outputBound(ranked.count))
        guard let n = ranked.withUnsafeBytes({ i in out.withUnsafeMutableBytes { table.decode(i, into: $0) } }) else { return nil }
        return Array(out[0..<n])
    }

    static func table(_ words: WordTable, _ samples: [[UInt8]]) -> ContextTable {
        let counter = ContextCounter()
        for s in samples { coded(words, s).withUnsafeBytes { counter.add($0) } }
        return counter.table()
    }

    /// Real cable text (the fixtures' 12 cables and one seed cable), cut into 2 KiB pieces.
    static let cables: [[UInt8]] = {
        let text = ["cables-first12.csv", "seed-07PRISTINA150.txt"].flatMap { name -> [UInt8] in
            let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!
            return [UInt8](try! Data(contentsOf: url))
        }
        return stride(from: 0, to: text.count, by: 2048).map { Array(text[$0..<min($0 + 2048, text.count)]) }
    }()

    @Test func chosenTableShrinksAndRoundTrips() throws {
        let sample = Array(Self.cables.joined())
        let words = sample.withUnsafeBytes { WordTable.build(sample: $0) }
        let table = Self.table(words, Self.cables)
        #expect(table == Self.table(words, Self.cables))  // deterministic
        #expect(table.count > 20)
        // Every list: 1...64 distinct codes; contexts strictly increasing.
        for i in 0..<table.count {
            #expect((1...64).contains(table.list(i).count))
            #expect(Set(table.list(i)).count == table.list(i).count)
            if i > 0 { #expect(ContextTable.key(table.previous[i - 1], table.beforePrevious[i - 1]) < ContextTable.key(table.previous[i], table.beforePrevious[i])) }
        }
        var rankedTotal = 0
        var codedTotal = 0
        for body in Self.cables {
            let coded = Self.coded(words, body)
            let ranked = Self.ranked(table, coded)
            #expect(Self.unranked(table, ranked) == coded)
            var packed: [UInt8] = []
            coded.withUnsafeBytes { ZlibBlock.compress($0, into: &packed) }
            codedTotal += packed.count
            packed.removeAll()
            ranked.withUnsafeBytes { ZlibBlock.compress($0, into: &packed) }
            rankedTotal += packed.count
        }
        // Deflate codes the ranks in fewer bytes than the word codes.
        #expect(rankedTotal < codedTotal, "\(rankedTotal) vs \(codedTotal)")
        let parsed = try table.serialized().withUnsafeBytes { try ContextTable.parse($0, file: "f", section: "DCTX table 0") }
        #expect(parsed == table)
    }

    @Test("round trip of any bytes", arguments: [0, 1, 2, 3, 4, 100, 5000])
    func anyBytes(length: Int) throws {
        let sample = Array(Self.cables.prefix(100).joined())
        let words = sample.withUnsafeBytes { WordTable.build(sample: $0) }
        let table = Self.table(words, Array(Self.cables.prefix(100)))
        var rng = SplitMix64(seed: UInt64(length) + 7)
        let vocabulary = Array("the embassy minister talks security oil of and to in , . \n".utf8) + [0, 0x7F, 0x80, 0xBF, 0xC0, 0xFE, 0xFF]
        for _ in 0..<20 {
            let mixed = (0..<length).map { _ in vocabulary[Int(rng.next() % UInt64(vocabulary.count))] }
            let random = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let allBytes = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
            for input in [mixed, random, allBytes] {
                let coded = Self.coded(words, input)
                let ranked = Self.ranked(table, coded)
                #expect(ranked.count <= ContextTable.outputBound(coded.count))
                #expect(Self.unranked(table, ranked) == coded)
                var plain: [UInt8] = []
                let back = try #require(Self.unranked(table, ranked))
                #expect(back.withUnsafeBytes { words.decode($0, into: &plain, maxOutput: 1 << 24) })
                #expect(plain == input)
            }
        }
        // An empty table changes nothing.
        let empty = ContextTable(previous: [], beforePrevious: [], lists: [])
        let coded = Self.coded(words, sample)
        #expect(Self.ranked(empty, coded) == coded)
    }

    /// A hand-made table: word codes 0 (`x`), 1, 70 and raw runs as contexts, each row of the encoding table.
    @Test func exactBytes() throws {
        let comma = ContextTable.rawToken(length: 2, packed: UInt32(UInt8(ascii: ",")) << 14 | UInt32(UInt8(ascii: " ")) << 7)
        let table = ContextTable(
            previous: [0, 0, 1, comma],
            beforePrevious: [1, ContextTable.none, ContextTable.none, ContextTable.none],
            lists: [[5], [2, 70, 3], [0], [1]])
        let cases: [(coded: [UInt8], ranked: [UInt8])] = [
            ([], []),
            ([0x80], [0x80]),  // no context at the start of a block
            ([0x80, 0xC0, 0x06], [0x80, 0x81]),  // code 70 after word 0: rank 1
            ([0x80, 0x82], [0x80, 0x80]),  // code 2 after word 0: rank 0
            ([0x80, 0x84], [0x80, 0xFF, 0x04]),  // code 4 after word 0, not listed: escaped one-byte code
            ([0x80, 0xC0, 0x00], [0x80, 0xC0, 0x00]),  // code 64, not listed: two-byte code unchanged
            ([0x81, 0x80, 0x85], [0x81, 0x80, 0x80]),  // code 5 after (0, 1): order-2 rank 0
            ([0x81, 0x80, 0x82], [0x81, 0x80, 0xFF, 0x02]),  // order-2 list has no 2 (no fallback to order 1)
            ([0x80, 0x2C, 0x20, 0x81], [0x80, 0x2C, 0x20, 0x80]),  // after the raw run ", ": word 1 is rank 0
            ([0x80, 0x2C, 0x20, 0x20, 0x81], [0x80, 0x2C, 0x20, 0x20, 0x81]),  // a 3-byte run: another token
            ([0x80, 0xFF, 0xC3, 0x82], [0x80, 0xFF, 0xC3, 0x82]),  // a run with an escape resets the context
            ([0x80, 0xFF, 0xC3], [0x80, 0xFF, 0xC3]),
        ]
        for (coded, ranked) in cases {
            #expect(Self.ranked(table, coded) == ranked, "\(coded)")
            #expect(Self.unranked(table, ranked) == coded, "\(ranked)")
        }
        // Malformed: a rank past its list, an escaped code without a list, escaped 0x40...0x7F, cut-off codes.
        for bad: [UInt8] in [[0x80, 0x83], [0xFF, 0x02], [0x80, 0xFF, 0x41], [0x80, 0xFF], [0xC0], [0x81, 0x80, 0x81]] {
            #expect(Self.unranked(table, bad) == nil, "\(bad)")
        }
    }

    /// Damaged serialized tables are `.corrupt` naming the section, never a crash.
    @Test func malformedTablesAreCorrupt() throws {
        func framed(_ columns: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            columns.withUnsafeBytes { ZlibBlock.compress($0, level: 9, into: &out) }
            return out
        }
        func columns(_ n: UInt32, _ previous: [UInt32], _ before: [UInt32], _ lengths: [UInt8], _ codes: [UInt16]) -> [UInt8] {
            var w = ByteWriter()
            w.append(n)
            for p in previous { w.append(p) }
            for p in before { w.append(p) }
            for l in lengths { w.append(l) }
            for c in codes { w.append(c) }
            return w.bytes
        }
        let none = ContextTable.none
        let good = columns(2, [3, 3], [1, none], [1, 2], [7, 8, 9])
        #expect(try framed(good).withUnsafeBytes { try ContextTable.parse($0, file: "f", section: "s") }.count == 2)
        let bad: [[UInt8]] = [
            framed(columns(2, [3, 3], [none, 1], [1, 2], [7, 8, 9])),  // out of order
            framed(columns(2, [3, 3], [1, 1], [1, 2], [7, 8, 9])),  // repeated
            framed(columns(1, [none], [1], [1], [7])),  // previous none
            framed(columns(1, [0x7F_0000], [1], [1], [7])),  // not a token
            framed(columns(1, [3], [1], [0], [])),  // empty list
            framed(columns(1, [3], [1], [65], Array(repeating: 1, count: 65))),  // too long a list
            framed(columns(1, [3], [1], [1], [16192])),  // not a word code
            framed(columns(1, [3], [1], [1], [7, 7])),  // bytes left over
            framed(columns(2, [3, 3], [1, none], [1, 2], [7, 8])),  // cut short
            framed(columns(1_000_000, [3], [1], [1], [7])),  // a count beyond the bytes
            Array(framed(good).dropLast()),  // a cut-off zlib stream
            { var f = framed(good); f[3] = 0x7F; return f }(),  // a stated length far beyond what deflate expands to
            [1, 2, 3],
            [],
        ]
        for bytes in bad {
            #expect {
                _ = try bytes.withUnsafeBytes { try ContextTable.parse($0, file: "documents.store", section: "DCTX table 0") }
            } throws: { error in
                guard case .corrupt(let f, let s, _) = error as? CorpusIndexError else { return false }
                return f == "documents.store" && s.hasPrefix("DCTX table 0")
            }
        }
    }
}
