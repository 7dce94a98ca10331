import Foundation
import Testing

@testable import CorpusIndex

/// Throughput of the codecs and the format's hot paths. Not a timed assertion: it only prints figures, and runs
/// only when asked:
///
///     CORPUS_INDEX_BENCH=1 swift test -c release --filter FormatSpeed
@Suite("Format speed (manual)", .enabled(if: ProcessInfo.processInfo.environment["CORPUS_INDEX_BENCH"] != nil))
struct FormatSpeedTests {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func report(_ name: String, _ amount: Double, _ unit: String, _ time: Double) {
        print(String(format: "%-44@ %10.1f M%@/s", name as NSString, amount / time / 1e6, unit as NSString))
    }

    @Test func bitPackingAndVarInt() throws {
        var rng = SplitMix64(seed: 1)
        let blocks = 8192
        for bits in [1, 5, 8, 13, 20, 32] {
            let mask: UInt64 = bits == 32 ? 0xFFFF_FFFF : (1 << UInt64(bits)) - 1
            let values = (0..<(blocks * 128)).map { _ in UInt32(rng.next() & mask) }
            var packed: [UInt8] = []
            let packTime = Self.seconds {
                values.withUnsafeBufferPointer { v in
                    for b in 0..<blocks { BitPacking.pack(v.baseAddress! + b * 128, bitWidth: bits, into: &packed) }
                }
            }
            var out = [UInt32](repeating: 0, count: 128)
            var checksum: UInt32 = 0
            let rounds = 20
            let unpackTime = Self.seconds {
                packed.withUnsafeBytes { raw in
                    out.withUnsafeMutableBufferPointer { o in
                        for _ in 0..<rounds {
                            var offset = 0
                            for _ in 0..<blocks {
                                offset = BitPacking.unpack(raw, at: offset, bitWidth: bits, into: o.baseAddress!)!
                                checksum &+= o[7]
                            }
                        }
                    }
                }
            }
            Self.report("BitPacking.pack width \(bits)", Double(blocks * 128), "values", packTime)
            Self.report("BitPacking.unpack width \(bits)", Double(rounds * blocks * 128), "values", unpackTime)
            #expect(checksum != 1)
        }
        // Patched blocks on skewed data: mostly small values, 3% large (position-delta-like).
        let skewed = (0..<(blocks * 128)).map { _ in UInt32(rng.next() % 100 < 3 ? rng.next() % 5000 : rng.next() % 40) }
        var patched: [UInt8] = []
        let patchTime = Self.seconds {
            skewed.withUnsafeBufferPointer { v in
                for b in 0..<blocks { PatchedBlock.encode(v.baseAddress! + b * 128, into: &patched) }
            }
        }
        var decodedBlock = [UInt32](repeating: 0, count: 128)
        var patchSum: UInt32 = 0
        let unpatchTime = Self.seconds {
            patched.withUnsafeBytes { raw in
                decodedBlock.withUnsafeMutableBufferPointer { o in
                    for _ in 0..<20 {
                        var offset = 0
                        for _ in 0..<blocks {
                            offset = PatchedBlock.decode(raw, at: offset, into: o.baseAddress!)!
                            patchSum &+= o[7]
                        }
                    }
                }
            }
        }
        Self.report("PatchedBlock.encode (\(String(format: "%.2f", Double(patched.count * 8) / Double(skewed.count))) bits/value)", Double(skewed.count), "values", patchTime)
        Self.report("PatchedBlock.decode", Double(20 * skewed.count), "values", unpatchTime)
        #expect(patchSum != 1)
        let small = (0..<1_000_000).map { _ in rng.next() % 300 }
        var encoded: [UInt8] = []
        let encodeTime = Self.seconds { for v in small { VarInt.encode(v, into: &encoded) } }
        var sum: UInt64 = 0
        let decodeTime = Self.seconds {
            encoded.withUnsafeBytes { raw in
                var offset = 0
                while let (v, next) = VarInt.decode32(raw, at: offset) {
                    sum &+= UInt64(v)
                    offset = next
                }
            }
        }
        Self.report("VarInt.encode (values < 300)", Double(small.count), "values", encodeTime)
        Self.report("VarInt.decode32 (values < 300)", Double(small.count), "values", decodeTime)
        #expect(sum == small.reduce(0, +))
    }

    @Test func blockCompression() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/cables-first12", withExtension: "csv"))
        let sample = try [UInt8](Data(contentsOf: url))
        var text: [UInt8] = []
        while text.count < 32 << 20 { text += sample }
        for (name, compress, decompress) in [
            ("LZ4", { (i: UnsafeRawBufferPointer, o: inout [UInt8]) in LZ4Block.compress(i, into: &o) },
             { (i: UnsafeRawBufferPointer, at: Int, o: inout [UInt8]) in LZ4Block.decompress(i, at: at, into: &o) }),
            ("zlib", { (i: UnsafeRawBufferPointer, o: inout [UInt8]) in ZlibBlock.compress(i, into: &o) },
             { (i: UnsafeRawBufferPointer, at: Int, o: inout [UInt8]) in ZlibBlock.decompress(i, at: at, into: &o) }),
        ] {
            var packed: [UInt8] = []
            let block = 64 * 1024
            let cTime = Self.seconds {
                text.withUnsafeBytes { raw in
                    var i = 0
                    while i < raw.count {
                        compress(UnsafeRawBufferPointer(rebasing: raw[i..<min(raw.count, i + block)]), &packed)
                        i += block
                    }
                }
            }
            var out: [UInt8] = []
            out.reserveCapacity(text.count)
            let dTime = Self.seconds {
                packed.withUnsafeBytes { raw in
                    var offset = 0
                    while offset < raw.count { offset = decompress(raw, offset, &out)! }
                }
            }
            #expect(out == text)
            Self.report("\(name) compress 64 KiB blocks (ratio \(String(format: "%.2f", Double(text.count) / Double(packed.count))))", Double(text.count), "B", cTime)
            Self.report("\(name) decompress 64 KiB blocks", Double(text.count), "B", dTime)
        }
        for compression in StoreCompression.allCases {
            let compressor = BlockCompressor(compression)
            for block in [64 << 10, 256 << 10] {
                var packed: [UInt8] = []
                packed.reserveCapacity(text.count)
                let time = Self.seconds {
                    text.withUnsafeBytes { raw in
                        var i = 0
                        while i < raw.count {
                            compressor.compress(UnsafeRawBufferPointer(rebasing: raw[i..<min(raw.count, i + block)]), into: &packed)
                            i += block
                        }
                    }
                }
                Self.report("BlockCompressor \(compression) \(block >> 10) KiB (ratio \(String(format: "%.2f", Double(text.count) / Double(packed.count))))", Double(text.count), "B", time)
            }
        }
        let crcTime = Self.seconds { #expect(CRC32.checksum(text) != 0) }
        Self.report("CRC32", Double(text.count), "B", crcTime)
    }

    @Test func postingsAndDocStore() throws {
        let dir = TestDirectory("speed")
        var rng = SplitMix64(seed: 2)
        let documentCount = 250_000
        let terms = randomTerms(200, rng: &rng)
        var lrng = SplitMix64(seed: 3)
        var model: (lists: [ModelList], lengths: [UInt32], stats: FieldIndexStats)!
        let writeTime = try Self.seconds {
            model = try writeRandomField(
                directory: dir.path, documentCount: documentCount, terms: terms,
                listLength: { t in t < 10 ? 200_000 : Int(lrng.next() % 20_000) + 1 }, rng: &rng)
        }
        _ = writeTime
        let postings = model.lists.reduce(0) { $0 + $1.docs.count }
        let positionsTotal = model.lists.reduce(0) { $0 + $1.freqs.reduce(0) { $0 + Int($1) } }
        let again = TestDirectory("speed-again")
        let writerTime = try Self.seconds { _ = try writeModel(model.lists, lengths: model.lengths, directory: again.path) }
        Self.report("FieldIndexWriter (\(postings) postings, \(positionsTotal) positions)", Double(postings), "postings", writerTime)
        let reader = try FieldIndexReader(directory: dir.path, field: "body", documentCount: documentCount)
        let infos = try model.lists.map { l in try l.term.withUnsafeBytes { try reader.lookup($0)! } }
        var total = 0
        let scanTime = try Self.seconds {
            for info in infos {
                let c = try reader.cursor(info)
                while c.doc != PostingCursor.end {
                    total &+= Int(c.freq)
                    try c.next()
                }
            }
        }
        Self.report("PostingCursor.next + freq", Double(postings), "postings", scanTime)
        var advances = 0
        let advanceTime = try Self.seconds {
            for info in infos.prefix(10) {
                let c = try reader.cursor(info)
                var target: UInt32 = 0
                while c.doc != PostingCursor.end {
                    target = c.doc + 1000
                    try c.advance(to: target)
                    advances += 1
                }
            }
        }
        Self.report("PostingCursor.advance (+1000 docs, dense lists)", Double(advances), "advances", advanceTime)
        var positions = 0
        let posTime = try Self.seconds {
            for info in infos.prefix(10) {
                let c = try reader.cursor(info)
                while c.doc != PostingCursor.end {
                    positions += try c.positions().count
                    try c.next()
                }
            }
        }
        Self.report("PostingCursor.positions", Double(positions), "positions", posTime)
        #expect(total > 0)

        let records = TestIndexBuilder.records(20_000, seed: 5)
        var encoded: [[UInt8]] = []
        for r in records {
            var e: [UInt8] = []
            StoredDocument.encode(r, into: &e)
            encoded.append(e)
        }
        let bytes = encoded.reduce(0) { $0 + $1.count }
        for compression in StoreCompression.allCases {
            let storeDir = TestDirectory("speed-store")
            let t = try Self.seconds {
                let w = try DocStoreWriter(directory: storeDir.path, compression: compression, threads: 2)
                for _ in 0..<5 { for e in encoded { try e.withUnsafeBytes { try w.add(encoded: $0) } } }
                _ = try w.finish()
            }
            Self.report("DocStoreWriter \(compression) 2 threads (pre-encoded)", Double(5 * bytes), "B", t)
            let reader = try DocStoreReader(path: "\(storeDir.path)/\(IndexFiles.documentStore)")
            let fetches = 5000
            let f = try Self.seconds {
                for i in 0..<fetches { _ = try reader.document(UInt32((i &* 7919) % reader.documentCount)) }
            }
            Self.report("DocStoreReader.document \(compression) (random, x1000)", Double(fetches) * 1000, "docs", f)
        }
        let encodeTime = Self.seconds {
            var e: [UInt8] = []
            for r in records { e.removeAll(keepingCapacity: true); StoredDocument.encode(r, into: &e) }
        }
        Self.report("StoredDocument.encode", Double(bytes), "B", encodeTime)
    }
}

/// Opening an existing index and answering a first lookup, timed (manual):
///
///     CORPUS_INDEX_BENCH_INDEX=/path/to/index swift test --filter IndexOpenSpeed
@Suite("Index open speed (manual)", .enabled(if: ProcessInfo.processInfo.environment["CORPUS_INDEX_BENCH_INDEX"] != nil))
struct IndexOpenSpeedTests {
    @Test func openAndFirstQuery() throws {
        let path = ProcessInfo.processInfo.environment["CORPUS_INDEX_BENCH_INDEX"]!
        var index: IndexReader!
        let open = try FormatSpeedTests.seconds { index = try IndexReader(path: path) }
        var count = 0
        let query = try FormatSpeedTests.seconds {
            let body = index.field(.body)
            let a = try body.cursor(try #require(try body.lookup("embassy")))
            let b = try body.cursor(try #require(try body.lookup("minister")))
            while a.doc != PostingCursor.end {
                if try b.advance(to: a.doc) == a.doc { count += 1 }
                try a.advance(to: max(a.doc + 1, b.doc))
            }
            _ = try index.documents.document(0)
        }
        let browse = try FormatSpeedTests.seconds {
            _ = try index.keyword(.tag).children(of: "", grouping: .character)
            _ = try index.keyword(.origin).children(of: "Embassy ", grouping: .word)
        }
        print(String(format: "open %.2f ms, first AND query (%d hits) + one fetch %.2f ms, browse %.2f ms",
                     open * 1000, count, query * 1000, browse * 1000))
    }
}
