import Testing

@testable import CorpusIndex

@Suite("Byte string table")
struct ByteStringTableTests {
    /// Ids are dense in first-seen order, lookups find exactly the inserted byte strings (canonically equivalent
    /// `String`s with different bytes stay apart), and the byte order matches a plain sort of the bytes, across
    /// many growths.
    @Test func idsLookupsAndOrder() {
        var rng = SplitMix64(seed: 11)
        var table = ByteStringTable()
        var reference: [[UInt8]: Int] = [:]
        var inOrder: [[UInt8]] = []
        var values: [[UInt8]] = [[], Array("é".utf8), Array("e\u{301}".utf8), [0], [0, 0], [0xFF], Array("TAGS".utf8)]
        for _ in 0..<5_000 {
            let n = Int(rng.next() % 24)
            values.append((0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next() % 5 == 0 ? rng.next() : 0x41 + rng.next() % 3) })
        }
        for _ in 0..<3 {
            for v in values {
                let (id, added) = v.withUnsafeBytes { table.insert($0) }
                if let known = reference[v] {
                    #expect(id == known && !added)
                } else {
                    #expect(id == inOrder.count && added)
                    reference[v] = id
                    inOrder.append(v)
                }
            }
        }
        #expect(table.count == inOrder.count)
        #expect(table.insert("é").id == reference[Array("é".utf8)])
        #expect(table.insert("e\u{301}").id == reference[Array("e\u{301}".utf8)])
        for (id, v) in inOrder.enumerated() {
            #expect(table.withBytes(id) { Array($0) } == v)
            #expect(v.withUnsafeBytes { table.id(of: $0) } == id)
        }
        #expect([UInt8](arrayLiteral: 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42).withUnsafeBytes { table.id(of: $0) } == nil)
        let sorted = inOrder.indices.sorted { inOrder[$0].lexicographicallyPrecedes(inOrder[$1]) }
        #expect(table.idsInByteOrder() == sorted)
    }
}
