import Foundation
import Testing
@testable import CorpusIndex

/// The inverter's branch-free helpers and its hash table, each checked against a plain reference.
@Suite struct ChunkInverterTests {
    /// Checks that `encode` gives exactly `VarInt.encode`'s bytes for every bit width below 2^28 and around each
    /// boundary.
    func expectVarIntBytes(seed: UInt64, _ encode: (UInt32) -> (bytes: UInt32, count: Int)) {
        var values: [UInt32] = [0, 1, 2, 126, 127, 128, 129, 16383, 16384, 16385, (1 << 21) - 1, 1 << 21, (1 << 28) - 1]
        var random = SplitMix64(seed: seed)
        for _ in 0..<20_000 { values.append(UInt32(truncatingIfNeeded: random.next() >> (36 + random.next() % 28))) }
        for value in values where value < 1 << 28 {
            var expected: [UInt8] = []
            VarInt.encode(UInt64(value), into: &expected)
            let (bytes, count) = encode(value)
            let got = (0..<count).map { UInt8(truncatingIfNeeded: bytes >> (8 * UInt32($0))) }
            #expect(got == expected, "value \(value)")
        }
    }

    /// The table-driven varint of `ChunkInverterTables` matches `VarInt`.
    @Test func tableVarintMatchesVarInt() {
        let tables = ChunkInverterTables()
        defer { tables.deallocate() }
        expectVarIntBytes(seed: 5) { tables.varint28($0) }
    }

    /// The table's key word masks are `wordMask(n)` and `wordMask(n - 8)`, for every key length.
    @Test func tableKeyWordMasksMatchWordMask() {
        let tables = ChunkInverterTables()
        defer { tables.deallocate() }
        for length in 1...40 {
            let masks = tables.keyWordMasks(length)
            #expect(masks.first == ChunkInverter.wordMask(length), "\(length)")
            #expect(masks.second == ChunkInverter.wordMask(length - 8), "\(length)")
        }
    }

    /// `wordMask(n)` keeps the first n bytes, none below 1, all from 8.
    @Test func wordMaskKeepsTheFirstBytes() {
        for n in -20...30 {
            let bytes = min(max(n, 0), 8)
            let expected: UInt64 = bytes == 8 ? ~0 : (1 << UInt64(8 * bytes)) - 1
            #expect(ChunkInverter.wordMask(n) == expected, "\(n)")
        }
    }

    /// The hash reads only the key's bytes: garbage past the key (or in its unused first byte when the first word
    /// is given separately) does not change it, for keys of every length up to 40 bytes.
    @Test func hashIgnoresBytesPastTheKey() {
        var random = SplitMix64(seed: 3)
        for length in 1...40 {
            var a = [UInt8](repeating: 0, count: length + 16)
            var b = [UInt8](repeating: 0xEE, count: length + 16)
            for k in 0..<length {
                a[k] = UInt8(truncatingIfNeeded: random.next() | 1)
                b[k] = a[k]
            }
            let first = a.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) } & ChunkInverter.wordMask(length)
            let ha = a.withUnsafeBytes { ChunkInverter.hash($0.baseAddress!, length, first: first) }
            let hb = b.withUnsafeBytes { ChunkInverter.hash($0.baseAddress!, length, first: first) }
            #expect(ha == hb, "length \(length)")
        }
    }

    /// Large-page memory is 2 MiB-aligned, zeroed, writable over its whole rounded size, and reusable after a free.
    @Test func largePageMemoryIsAlignedZeroedAndWritable() {
        for size in [1, 4096, 2 << 20, (2 << 20) + 1, 5 << 20] {
            let rounded = LargePageMemory.roundedSize(size)
            #expect(rounded >= size && rounded % LargePageMemory.pageSize == 0 && rounded - size < LargePageMemory.pageSize)
            let base = LargePageMemory.allocate(byteCount: size)
            #expect(UInt(bitPattern: base) % UInt(LargePageMemory.pageSize) == 0)
            let bytes = base.assumingMemoryBound(to: UInt8.self)
            #expect(bytes[0] == 0 && bytes[rounded / 2] == 0 && bytes[rounded - 1] == 0)
            bytes[rounded - 1] = 7
            #expect(bytes[rounded - 1] == 7)
            LargePageMemory.deallocate(base, byteCount: size)
        }
    }

    /// Postings per term, read back from the inverter: (doc, [positions]) lists, keyed by field byte + term.
    func postings(of inverter: ChunkInverter) -> [[UInt8]: [(UInt32, [UInt32])]] {
        var result: [[UInt8]: [(UInt32, [UInt32])]] = [:]
        for id in inverter.termIDs() {
            var bytes: [UInt8] = []
            inverter.forEachPostingPiece(of: Int(id)) { bytes += $0 }
            bytes.append(0)
            var list: [(UInt32, [UInt32])] = []
            var doc: Int64 = -1
            var at = 0
            bytes.withUnsafeBytes { raw in
                while at < raw.count {
                    let (delta, next) = VarInt.decode(raw, at: at)!
                    at = next
                    doc += Int64(delta)
                    var positions: [UInt32] = []
                    var position: Int64 = -1
                    while true {
                        let (step, next) = VarInt.decode(raw, at: at)!
                        at = next
                        if step == 0 { break }
                        position += Int64(step)
                        positions.append(UInt32(position))
                    }
                    list.append((UInt32(doc), positions))
                }
            }
            result[Array(inverter.key(of: Int(id)))] = list
        }
        return result
    }

    /// More than 2^16 distinct terms (the table grows several times), long terms (past 8 and 16 bytes, with
    /// shared 8- and 16-byte prefixes), UTF-8 bytes, keys equal but for the field, many documents and positions
    /// far apart (multi-byte deltas): every term's postings come back exactly.
    @Test func postingsRoundTripThroughGrowthAndLongKeys() {
        let inverter = ChunkInverter(expectedInputBytes: 1 << 12)
        var random = SplitMix64(seed: 11)
        // Every word ends in "q" and its number in hex, so the words are distinct ("q" is not in the alphabet).
        let alphabet = Array("abcdefghijklmnoprstuvwxyz0123456789".utf8) + Array("çé€".utf8)
        var vocabulary: [[UInt8]] = []
        for i in 0..<70_000 {
            let stem: [UInt8] = i % 3 == 0 ? Array("internationalization".utf8) : (i % 3 == 1 ? Array("abcdefgh".utf8) : [])
            let length = Int(random.next() % 12) + 1
            let middle = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            vocabulary.append(stem + middle + Array("q\(String(i, radix: 16))".utf8))
        }
        var expected: [[UInt8]: [(UInt32, [UInt32])]] = [:]
        for doc in 0..<10 {
            var fields: [[UInt8]] = [[], [], []]
            for field in 0..<3 {
                let count = field == 0 ? 2_000 + Int(random.next() % 2_000) : Int(random.next() % 40)
                // The first body holds every word once: > 2^16 distinct terms.
                var tokens: [[UInt8]] = doc == 1 && field == 0 ? vocabulary : []
                for _ in 0..<count {
                    // Zipf-like: low ranks far more often, so terms recur within and across documents.
                    let rank = Int(Double(vocabulary.count) * pow(Double(random.next() % 1_000_000) / 1e6, 4))
                    tokens.append(vocabulary[rank])
                }
                for (position, token) in tokens.enumerated() {
                    let key = [UInt8(field)] + token
                    var list = expected[key] ?? []
                    if list.last?.0 != UInt32(doc) { list.append((UInt32(doc), [])) }
                    list[list.count - 1].1.append(UInt32(position))
                    expected[key] = list
                }
                // Separators of several kinds; ASCII letters upper-cased (the analyzer lowers them, not UTF-8).
                for token in tokens {
                    fields[field] += token.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
                    fields[field] += Array(" ,\n".utf8.prefix(Int(random.next() % 3) + 1))
                }
            }
            fields[0].withUnsafeBytes { body in
                fields[1].withUnsafeBytes { subject in
                    fields[2].withUnsafeBytes { header in inverter.addDocument(body: body, subject: subject, header: header) }
                }
            }
        }
        let got = postings(of: inverter)
        #expect(inverter.termCount == expected.count)
        #expect(inverter.termCount > 1 << 16)
        #expect(got.count == expected.count)
        var mismatches = 0
        for (key, list) in expected {
            guard let other = got[key], other.count == list.count,
                zip(other, list).allSatisfy({ $0.0 == $1.0 && $0.1 == $1.1 })
            else {
                mismatches += 1
                continue
            }
        }
        #expect(mismatches == 0)
    }
}
