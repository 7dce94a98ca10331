import Testing

@testable import CorpusIndex

@Suite("Document store")
struct DocStoreTests {
    @Test("round trip and random access", arguments: StoreCompression.allCases, [512, 64 * 1024])
    func roundTrip(compression: StoreCompression, blockSize: Int) throws {
        let dir = TestDirectory()
        let records = TestIndexBuilder.records(700, seed: 3)
        let writer = try DocStoreWriter(directory: dir.path, compression: compression, blockSize: blockSize, threads: 2)
        for r in records { try writer.add(r) }
        #expect(writer.documentCount == records.count)
        _ = try writer.finish()
        let reader = try DocStoreReader(path: "\(dir.path)/\(IndexFiles.documentStore)")
        #expect(reader.documentCount == records.count)
        #expect(reader.compression == compression)
        if blockSize == 512 { #expect(reader.blockCount > 50) }
        var rng = SplitMix64(seed: 1)
        for _ in 0..<200 {
            let d = Int(rng.next() % UInt64(records.count))
            #expect(try reader.document(UInt32(d)) == records[d])
        }
        #expect(try reader.document(0) == records[0])
        #expect(try reader.document(UInt32(records.count - 1)) == records.last!)
        #expect(try reader.verifyAll() == records.count)
        var streamed: [CableRecord] = []
        try reader.forEachDocument(in: 100..<350) { doc, record in
            #expect(doc == UInt32(100 + streamed.count))
            streamed.append(record)
            return true
        }
        #expect(streamed == Array(records[100..<350]))
        var firstTwo = 0
        try reader.forEachDocument(in: 0..<UInt32.max) { _, _ in firstTwo += 1; return firstTwo < 2 }
        #expect(firstTwo == 2)
        #expect(throws: CorpusIndexError.self) { try reader.document(UInt32(records.count)) }
    }

    @Test func blockCuttingIsDeterministic() throws {
        let records = TestIndexBuilder.records(300, seed: 9)
        var sums: [UInt32] = []
        for threads in [1, 2] {
            let dir = TestDirectory()
            let w = try DocStoreWriter(directory: dir.path, blockSize: 4096, threads: threads)
            for r in records { try w.add(r) }
            sums.append(try w.finish().crc32)
        }
        #expect(sums[0] == sums[1])
    }

    /// A block keeps the documents' metadata, headers and bodies as separate streams (docs/FORMAT.md): the raw
    /// payload of a one-block store is the 3n lengths, then the n metadata parts, the headers, the bodies.
    @Test func blockPayloadHoldsSeparateStreams() throws {
        let records = TestIndexBuilder.records(5, seed: 4) + [
            CableRecord(
                rowID: nil, referenceID: "X", created: CableDate(minutesSinceEpoch: 0), released: nil,
                classification: "", origin: "", references: [], header: [], body: [], tags: [], subject: "",
                markings: [])
        ]
        let dir = TestDirectory()
        let writer = try DocStoreWriter(directory: dir.path, compression: .lz4, wordTable: false, threads: 1)
        for r in records { try writer.add(r) }
        _ = try writer.finish()
        let file = try ContainerFile(path: "\(dir.path)/\(IndexFiles.documentStore)", kind: FileKind.documentStore)
        var payload: [UInt8] = []
        #expect(LZ4Block.decompress(try file.section(DocStoreWriter.blocksSection), at: 0, into: &payload) != nil)
        var expected: [UInt8] = []
        var streams: [[UInt8]] = [[], [], []]
        for r in records {
            var encoded: [UInt8] = []
            StoredDocument.encode(r, into: &encoded)
            let parts = try encoded.withUnsafeBytes { try StoredDocument.parts($0, file: "t", section: "s") }
            for (k, range) in [parts.metadata, parts.header, parts.body].enumerated() {
                VarInt.encode(UInt64(range.count), into: &expected)
                streams[k] += encoded[range]
            }
            #expect(Array(encoded[parts.header]) == r.header && Array(encoded[parts.body]) == r.body)
        }
        #expect(payload == expected + streams[0] + streams[1] + streams[2])
        let reader = try DocStoreReader(path: "\(dir.path)/\(IndexFiles.documentStore)")
        for (d, r) in records.enumerated() { #expect(try reader.document(UInt32(d)) == r) }
    }

    @Test func emptyStore() throws {
        let dir = TestDirectory()
        _ = try DocStoreWriter(directory: dir.path).finish()
        let reader = try DocStoreReader(path: "\(dir.path)/\(IndexFiles.documentStore)")
        #expect(reader.documentCount == 0)
        #expect(try reader.verifyAll() == 0)
    }

    @Test func storedDocumentKeepsEveryField() throws {
        let record = CableRecord(
            rowID: -5, referenceID: "7575LIBREVILLE1895", created: CableDate(minutesSinceEpoch: -3),
            released: CableDate(minutesSinceEpoch: .max / 4), classification: "", origin: "** Dhahran",
            references: ["", "06STATE202745"], header: [0, 0xFF], body: [], tags: ["OVIP (STEINBERG, JAMES B.)"],
            subject: "é", markings: ["SIPDIS"])
        var bytes: [UInt8] = []
        StoredDocument.encode(record, into: &bytes)
        let back = try bytes.withUnsafeBytes { try StoredDocument.decode($0, file: "t", section: "s") }
        #expect(back == record)
        // Any truncation is an error, not a crash.
        for cut in 0..<bytes.count {
            #expect(throws: CorpusIndexError.self) {
                try Array(bytes[0..<cut]).withUnsafeBytes { try StoredDocument.decode($0, file: "t", section: "s") }
            }
        }
    }
}
