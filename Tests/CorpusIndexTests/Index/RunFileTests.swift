import Testing
@testable import CorpusIndex

@Suite struct RunFileTests {
    /// The radix sort is a stable sort by prefix: random prefixes, prefixes sharing most bytes (passes skipped),
    /// many duplicates, tiny and empty inputs.
    @Test func radixSortIsAStableSortByPrefix() {
        var random = SplitMix64(seed: 17)
        let shapes: [(count: Int, make: (inout SplitMix64) -> UInt64)] = [
            (0, { $0.next() }), (1, { $0.next() }), (2, { _ in 5 }), (1000, { $0.next() }),
            (3000, { 0x0061_0000_0000_0000 | ($0.next() % 300) << 16 }), (2000, { $0.next() % 7 }),
            (500, { ($0.next() % 3) << 56 | 0x6162_6300_0000 }),
        ]
        for shape in shapes {
            var entries = (0..<shape.count).map { SIMD2(shape.make(&random), UInt64($0)) }
            let expected = entries.enumerated().sorted { a, b in
                a.element.x != b.element.x ? a.element.x < b.element.x : a.offset < b.offset
            }.map(\.element)
            RunFile.radixSortByPrefix(&entries)
            #expect(entries == expected)
        }
    }

    /// Term ids come out in key byte order, keys longer than 8 bytes with a common 8-byte prefix included.
    @Test func sortedTermIDsAreInKeyOrder() {
        let inverter = ChunkInverter(expectedInputBytes: 1 << 16)
        var random = SplitMix64(seed: 8)
        var words: [String] = []
        for _ in 0..<3000 {
            let length = Int(random.next() % 14) + 1
            let stem = random.next() % 2 == 0 ? "internatio" : ""
            words.append(stem + String((0..<length).map { _ in Character(UnicodeScalar(UInt8(97 + random.next() % 6))) }))
        }
        let text = Array(words.joined(separator: " ").utf8)
        let subject = Array(words.prefix(50).joined(separator: " ").utf8)
        text.withUnsafeBytes { body in
            subject.withUnsafeBytes { s in inverter.addDocument(body: body, subject: s, header: s) }
        }
        let keys = RunFile.sortedTermIDs(inverter).map { Array(inverter.key(of: Int($0))) }
        #expect(keys.count == inverter.termCount)
        #expect(keys == keys.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(Set(keys).count == keys.count)
    }
}
