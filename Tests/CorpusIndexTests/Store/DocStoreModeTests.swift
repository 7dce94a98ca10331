import Foundation
import Testing

@testable import CorpusIndex

/// Every store mode (codec, level, word table) round-trips; damage to a block or the word table is an error
/// naming the file and the block or section, never a crash.
@Suite("Document store modes")
struct DocStoreModeTests {
    static let modes: [DocStoreOptions] = [
        DocStoreOptions(compression: .lz4, wordTable: false), DocStoreOptions(compression: .lz4),
        DocStoreOptions(compression: .lz4hc, level: 2), DocStoreOptions(compression: .lz4hc, level: 9, wordTable: false),
        DocStoreOptions(compression: .zlib, level: 1), DocStoreOptions(compression: .zlib, level: 6, wordTable: false),
        DocStoreOptions(compression: .zlib, level: 9), DocStoreOptions(compression: .zlib, contextRanks: false),
        DocStoreOptions(compression: .lz4, contextRanks: true),
    ]

    static func document(_ i: Int, body: [UInt8], header: [UInt8] = []) -> CableRecord {
        CableRecord(
            rowID: i, referenceID: "09STATE\(i)", created: CableDate(minutesSinceEpoch: Int64(i)), released: nil,
            classification: "SECRET", origin: "Embassy Bern", references: [], header: header, body: body, tags: ["PREL"],
            subject: "S", markings: [])
    }

    /// Writes `records` with `options` (and `blockSize`), reads every one back, checks `verifyAll`.
    @discardableResult
    static func roundTrip(_ records: [CableRecord], _ options: DocStoreOptions, blockSize: Int) throws -> DocStoreReader {
        let dir = TestDirectory()
        var options = options
        options.blockSize = blockSize
        let writer = try DocStoreWriter(directory: dir.path, options: options, threads: 2)
        for r in records { try writer.add(r) }
        _ = try writer.finish()
        let reader = try DocStoreReader(path: "\(dir.path)/\(IndexFiles.documentStore)")
        #expect(reader.options == options)
        #expect((reader.wordTableCount == 0) == (!options.wordTable || records.isEmpty))
        #expect(reader.documentCount == records.count)
        for (d, r) in records.enumerated().reversed() { #expect(try reader.document(UInt32(d)) == r) }
        #expect(try reader.verifyAll() == records.count)
        return reader
    }

    @Test("round trips", arguments: modes)
    func roundTrips(options: DocStoreOptions) throws {
        try Self.roundTrip([], options, blockSize: 4096)
        try Self.roundTrip([Self.document(0, body: [])], options, blockSize: 4096)
        try Self.roundTrip([Self.document(0, body: Array("ONE CABLE".utf8), header: [0xC3, 0xA9, 0xFF])], options, blockSize: 4096)
        try Self.roundTrip(TestIndexBuilder.records(300, seed: 21), options, blockSize: 4096)
        // A document far larger than a block, between small ones: it gets a block of its own.
        let big = Array(String(repeating: "THE MINISTER SAID 12 TIMES É ", count: 9000).utf8)
        let reader = try Self.roundTrip(
            [Self.document(0, body: Array("A".utf8)), Self.document(1, body: big), Self.document(2, body: [])], options,
            blockSize: 4096)
        #expect(reader.blockCount == 2)
    }

    /// Blocks end right after the first document that brings the payload to >= blockSize: with 1 KiB bodies and a
    /// 4 KiB block, every block boundary falls inside the fourth document, and documents around every boundary
    /// read back.
    @Test("block boundaries", arguments: modes)
    func blockBoundaries(options: DocStoreOptions) throws {
        let records = (0..<64).map { Self.document($0, body: Array(repeating: UInt8(ascii: "A") + UInt8($0 % 26), count: 1024)) }
        let reader = try Self.roundTrip(records, options, blockSize: 4096)
        #expect(reader.blockCount == 16)
        var seen: [UInt32] = []
        try reader.forEachDocument(in: 3..<9) { doc, record in
            #expect(record == records[Int(doc)])
            seen.append(doc)
            return true
        }
        #expect(seen == Array(3..<9))
    }

    /// A store with a word table over real-looking cables: the table is chosen from the first blocks, recorded in
    /// DWRD, and the store is smaller than without it.
    @Test func wordTableShrinksCables() throws {
        let records = TestIndexBuilder.records(1500, seed: 8)
        var sizes: [Bool: UInt64] = [:]
        for words in [false, true] {
            let dir = TestDirectory()
            let writer = try DocStoreWriter(directory: dir.path, compression: .lz4, wordTable: words, threads: 1)
            for r in records { try writer.add(r) }
            sizes[words] = try writer.finish().size
            let reader = try DocStoreReader(path: "\(dir.path)/\(IndexFiles.documentStore)")
            #expect(try reader.verifyAll() == records.count)
            if words { #expect(try reader.wordTableCount == 1 && reader.wordTable(0).count > 15) }
        }
        #expect(try #require(sizes[true]) < #require(sizes[false]))
    }

    /// Word-table segments: each segment gets a table chosen from its first blocks, so a drift in the text (here
    /// from lower case to capitals) gets a new table; the file is the same whatever the thread count.
    @Test func wordTableSegmentsFollowTheText() throws {
        let records = TestIndexBuilder.records(1200, seed: 4).enumerated().map { i, r in
            var r = r
            if i >= 600 { r.body = r.body.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 } }
            return r
        }
        var checksums: [UInt32] = []
        for threads in [1, 2] {
            let dir = TestDirectory()
            let writer = try DocStoreWriter(
                directory: dir.path, options: DocStoreOptions(compression: .lz4hc, blockSize: 2048), threads: threads)
            writer.wordSampleBytes = 8 << 10
            writer.wordSegmentBytes = 64 << 10
            for r in records { try writer.add(r) }
            checksums.append(try writer.finish().crc32)
            let reader = try DocStoreReader(path: "\(dir.path)/\(IndexFiles.documentStore)")
            #expect(reader.wordTableCount > 5)
            let first = try reader.wordTable(0)
            let last = try reader.wordTable(reader.wordTableCount - 1)
            #expect(first != last)
            #expect((0..<first.count).contains { first.word($0).starts(with: "kosovo".utf8) })
            #expect((0..<last.count).contains { last.word($0).starts(with: "KOSOVO".utf8) })
            #expect(try reader.verifyAll() == records.count)
            for d in stride(from: 0, to: records.count, by: 37) { #expect(try reader.document(UInt32(d)) == records[d]) }
        }
        #expect(checksums[0] == checksums[1])
    }

    /// Flips or truncates bytes of one block of a store: reading that block must throw `.corrupt` naming
    /// documents.store and the block, never crash; other blocks still read.
    @Test("damaged blocks", arguments: modes)
    func damagedBlock(options: DocStoreOptions) throws {
        let dir = TestDirectory()
        var options = options
        options.blockSize = 2048
        let records = TestIndexBuilder.records(120, seed: 5)
        let writer = try DocStoreWriter(directory: dir.path, options: options, threads: 2)
        for r in records { try writer.add(r) }
        _ = try writer.finish()
        let path = "\(dir.path)/\(IndexFiles.documentStore)"
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let file = try ContainerFile(path: path, kind: FileKind.documentStore)
        let blocks = file.sections.first { $0.name == DocStoreWriter.blocksSection }!.range
        let reader = try DocStoreReader(path: path)
        // Block 1's span: from the DIDX entry.
        let index = try file.section(DocStoreWriter.indexSection)
        let start = blocks.lowerBound + Int(index.loadUnaligned(fromByteOffset: 16 + 8, as: UInt64.self))
        let end = blocks.lowerBound + Int(index.loadUnaligned(fromByteOffset: 32 + 8, as: UInt64.self))
        let firstDocOfBlock1 = Int(index.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
        #expect(reader.blockCount > 3)
        var rng = SplitMix64(seed: 3)
        let damages: [(inout [UInt8]) -> Void] = [
            { $0[start + 3] ^= 0x40 },  // the stated uncompressed length
            { $0[start + 4] &+= 1 },  // the stated compressed length
            { $0[start + 8] = 0xFF },  // the first payload byte
            { for i in (start + 8)..<end { $0[i] = UInt8(truncatingIfNeeded: rng.next()) } },  // garbage payload
            { for i in (start + 8 + (end - start - 8) / 2)..<end { $0[i] = 0 } },  // second half zeroed
        ]
        for damage in damages {
            var bytes = original
            damage(&bytes)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let damaged = try DocStoreReader(path: path)
            #expect(try damaged.document(0) == records[0])
            do {
                let record = try damaged.document(UInt32(firstDocOfBlock1))
                // A flip may, rarely, still decode; then it must not be mistaken for the original.
                #expect(record != records[firstDocOfBlock1])
            } catch let error as CorpusIndexError {
                guard case .corrupt(let f, let section, let reason) = error else {
                    Issue.record("not .corrupt: \(error)")
                    continue
                }
                #expect(f == IndexFiles.documentStore)
                #expect(section.contains("block 1") || reason.contains("block 1"), "\(section): \(reason)")
            }
        }
    }

    /// A flipped byte in the word table: `verify` reports the file (its CRC-32); with the checksums recomputed (a
    /// writer bug), a table byte that is no longer a letter is reported in "DWRD table 0".
    @Test func verifyCatchesDamagedWordTable() throws {
        let dir = TestDirectory()
        try TestIndexBuilder.build(TestIndexBuilder.records(300, seed: 2), directory: dir.path)
        _ = try IndexReader(path: dir.path).verify()
        let path = "\(dir.path)/\(IndexFiles.documentStore)"
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let file = try ContainerFile(path: path, kind: FileKind.documentStore)
        let table = try #require(file.sections.first { $0.name == DocStoreWriter.wordsSection }).range
        var bytes = [UInt8](original)
        bytes[table.lowerBound + 13] ^= 0x20  // the first letter's case: still a word, caught by the CRC
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try IndexReader(path: dir.path).verify()
        } throws: { error in
            guard case .corrupt(let f, _, _) = error as? CorpusIndexError else { return false }
            return f == IndexFiles.documentStore
        }
        try original.write(to: URL(fileURLWithPath: path))
        try StructuralCorruptionTests.rewrite(dir.path, IndexFiles.documentStore) { bytes, layout in
            let table = layout.sections.first { $0.name == DocStoreWriter.wordsSection }!.range
            bytes[table.lowerBound + 13] = UInt8(ascii: "1")  // no longer a letter
        }
        #expect {
            _ = try IndexReader(path: dir.path).verify()
        } throws: { error in
            guard case .corrupt(let f, let s, _) = error as? CorpusIndexError else { return false }
            return f == IndexFiles.documentStore && s == "DWRD table 0"
        }
        // Reading does not check the letters (decoding never depends on them): every document still decodes,
        // the damaged word now reads with a digit.
        let records = TestIndexBuilder.records(300, seed: 2)
        let reader = try DocStoreReader(path: path)
        #expect(reader.documentCount == records.count)
        var changed = 0
        for (d, original) in records.enumerated() {
            let record = try reader.document(UInt32(d))
            if record.body != original.body || record.header != original.header { changed += 1 }
        }
        #expect(changed > 0)
    }

    /// zlib with word tables: each segment has a preset dictionary in DDIC (one per word table: the last 32 KiB
    /// of the segment's transformed sample, all of it when shorter), and every block's zlib stream names it (FDICT).
    @Test func zlibSegmentsHaveDictionaries() throws {
        let records = TestIndexBuilder.records(1200, seed: 4)
        let dir = TestDirectory()
        let writer = try DocStoreWriter(directory: dir.path, options: DocStoreOptions(compression: .zlib, blockSize: 2048), threads: 2)
        writer.wordSampleBytes = 8 << 10
        writer.wordSegmentBytes = 64 << 10
        for r in records { try writer.add(r) }
        _ = try writer.finish()
        let path = "\(dir.path)/\(IndexFiles.documentStore)"
        let reader = try DocStoreReader(path: path)
        #expect(reader.wordTableCount > 5)
        #expect(try reader.verifyAll() == records.count)
        for d in stride(from: 0, to: records.count, by: 29) { #expect(try reader.document(UInt32(d)) == records[d]) }
        let file = try ContainerFile(path: path, kind: FileKind.documentStore)
        let dictionaries = try file.section(DocStoreWriter.dictionariesSection)
        #expect(Int(dictionaries.loadUnaligned(as: UInt32.self)) == reader.wordTableCount)
        let offsets = (0...reader.wordTableCount).map {
            $0 == reader.wordTableCount ? dictionaries.count : Int(dictionaries.loadUnaligned(fromByteOffset: 4 + 4 * $0, as: UInt32.self))
        }
        // Samples of 8 KiB transform to less than 32 KiB: each dictionary is its whole transformed sample.
        #expect(zip(offsets, offsets.dropFirst()).allSatisfy { $1 - $0 > 1024 && $1 - $0 <= DocStoreWriter.maxDictionaryBytes })
        let blocks = try file.section(DocStoreWriter.blocksSection)
        let index = try file.section(DocStoreWriter.indexSection)
        for b in 0..<reader.blockCount {
            let offset = Int(index.loadUnaligned(fromByteOffset: 16 * b + 8, as: UInt64.self))
            #expect(blocks[offset + 9] & 0x20 != 0, "block \(b): FDICT not set")
        }
        // lz4 stores have no dictionaries.
        let lz4 = TestDirectory()
        let lz4Writer = try DocStoreWriter(directory: lz4.path, options: DocStoreOptions(compression: .lz4, blockSize: 2048))
        for r in records.prefix(100) { try lz4Writer.add(r) }
        _ = try lz4Writer.finish()
        let lz4File = try ContainerFile(path: "\(lz4.path)/\(IndexFiles.documentStore)", kind: FileKind.documentStore)
        #expect(!lz4File.sections.contains { $0.name == DocStoreWriter.dictionariesSection })
    }

    /// A zlib block needs its dictionary: without it, or with another, it does not decode (zlib checks the
    /// dictionary's Adler-32), and `verify` names the block; a bad DDIC count or size is reported in "DDIC".
    @Test func damagedDictionaryIsCorrupt() throws {
        let compressor = BlockCompressor(.zlib)
        let text = Array(String(repeating: "THE MINISTER SAID THE EMBASSY ", count: 50).utf8)
        let dictionary = Array("THE MINISTER SAID".utf8)
        var framed: [UInt8] = []
        text.withUnsafeBytes { compressor.compress($0, dictionary: dictionary, into: &framed) }
        var out: [UInt8] = []
        #expect(framed.withUnsafeBytes { ZlibBlock.decompress($0, at: 0, into: &out) } == nil)
        #expect(framed.withUnsafeBytes { f in Array("THE MINISTER SAIT".utf8).withUnsafeBytes { ZlibBlock.decompress(f, at: 0, into: &out, dictionary: $0) } } == nil)
        #expect(framed.withUnsafeBytes { f in dictionary.withUnsafeBytes { ZlibBlock.decompress(f, at: 0, into: &out, dictionary: $0) } } == framed.count)
        #expect(out == text)

        let dir = TestDirectory()
        try TestIndexBuilder.build(TestIndexBuilder.records(300, seed: 2), directory: dir.path, compression: .zlib, blockSize: 4096)
        _ = try IndexReader(path: dir.path).verify()
        let damages: [(section: String, damage: (inout [UInt8], Range<Int>) -> Void)] = [
            ("DBLK", { bytes, ddic in bytes[ddic.upperBound - 1] ^= 0x01 }),  // the dictionary's last byte
            ("DDIC", { bytes, ddic in bytes[ddic.lowerBound] &+= 1 }),  // one dictionary more than tables
            ("DDIC", { bytes, ddic in bytes[ddic.lowerBound + 4] = 0xFF }),  // the first offset out of place
        ]
        try Self.expectVerifyReports(damages, in: DocStoreWriter.dictionariesSection, of: dir, exact: true)
    }

    /// Context tables per segment (zlib's default): each segment's table is chosen from its first blocks, the
    /// file is the same whatever the thread count, and every document reads back.
    @Test func contextTablesPerSegment() throws {
        let records = TestIndexBuilder.records(1200, seed: 4)
        var checksums: [UInt32] = []
        var sizes: [UInt64] = []
        for (threads, ranks) in [(1, true), (2, true), (2, false)] {
            let dir = TestDirectory()
            let writer = try DocStoreWriter(
                directory: dir.path, options: DocStoreOptions(compression: .zlib, blockSize: 2048, contextRanks: ranks),
                threads: threads)
            writer.wordSampleBytes = 8 << 10
            writer.contextSampleBytes = 32 << 10
            writer.wordSegmentBytes = 64 << 10
            for r in records { try writer.add(r) }
            let written = try writer.finish()
            if ranks { checksums.append(written.crc32) }
            sizes.append(written.size)
            let path = "\(dir.path)/\(IndexFiles.documentStore)"
            let reader = try DocStoreReader(path: path)
            #expect(reader.options.contextRanks == ranks)
            #expect(reader.wordTableCount > 5)
            #expect(try reader.verifyAll() == records.count)
            for d in stride(from: 0, to: records.count, by: 31) { #expect(try reader.document(UInt32(d)) == records[d]) }
            let file = try ContainerFile(path: path, kind: FileKind.documentStore)
            #expect(file.sections.contains { $0.name == DocStoreWriter.contextsSection } == ranks)
            if ranks {
                let contexts = try file.section(DocStoreWriter.contextsSection)
                #expect(Int(contexts.loadUnaligned(as: UInt32.self)) == reader.wordTableCount)
                #expect(try (0..<reader.wordTableCount).allSatisfy { try reader.contextTable($0).count > 0 })
            }
        }
        #expect(checksums[0] == checksums[1])
        // (These records are random words, with no word-to-word structure: sizes are compared on real text in
        // ContextTableTests and on the full-size dump in docs/FORMAT.md.)
        #expect(sizes[1] != sizes[2])
    }

    /// A damaged context table: with the checksums recomputed, `verify` names "DCTX table 0" (a table that no
    /// longer inflates) or "DCTX" (a bad table count); a rank past its list names the block.
    @Test func damagedContextTableIsCorrupt() throws {
        let dir = TestDirectory()
        try TestIndexBuilder.build(TestIndexBuilder.records(300, seed: 2), directory: dir.path, compression: .zlib, blockSize: 4096)
        _ = try IndexReader(path: dir.path).verify()
        let damages: [(section: String, damage: (inout [UInt8], Range<Int>) -> Void)] = [
            ("DCTX table 0", { bytes, dctx in bytes[dctx.lowerBound + 8 + 8 + 4] ^= 0x55 }),  // inside the zlib stream
            ("DCTX table 0", { bytes, dctx in bytes[dctx.lowerBound + 8] &+= 1 }),  // the inflated length
            ("DCTX", { bytes, dctx in bytes[dctx.lowerBound] &+= 1 }),  // one table more than word tables
            ("DCTX", { bytes, dctx in bytes[dctx.lowerBound + 4] = 0xFF }),  // the first offset out of place
        ]
        try Self.expectVerifyReports(damages, in: DocStoreWriter.contextsSection, of: dir, exact: false)
    }

    /// Header fields that do not fit: an unknown level or transform, or a transform without its DWRD section.
    @Test func inconsistentHeaderIsCorrupt() throws {
        let dir = TestDirectory()
        try TestIndexBuilder.build(TestIndexBuilder.records(50, seed: 2), directory: dir.path)
        for (field, value) in [(24, UInt8(13)), (28, UInt8(2)), (28, UInt8(3)), (28, UInt8(0)), (16, UInt8(2))] {
            let copy = TestDirectory()
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
                try FileManager.default.copyItem(atPath: "\(dir.path)/\(name)", toPath: "\(copy.path)/\(name)")
            }
            try StructuralCorruptionTests.rewrite(copy.path, IndexFiles.documentStore) { bytes, layout in
                let header = layout.sections.first { $0.name == DocStoreWriter.headerSection }!.range
                bytes[header.lowerBound + field] = value
            }
            #expect(throws: CorpusIndexError.self) { _ = try DocStoreReader(path: "\(copy.path)/\(IndexFiles.documentStore)") }
        }
    }
}

extension DocStoreOptions: CustomTestStringConvertible {
    public var testDescription: String { label }
}

extension DocStoreModeTests {
    /// For each damage: a copy of the index at `dir` whose document-store section `target` is damaged must fail
    /// `verify` with `.corrupt` naming the document store and the damage's section (equal to it, or starting
    /// with it when not `exact`).
    static func expectVerifyReports(
        _ damages: [(section: String, damage: (inout [UInt8], Range<Int>) -> Void)], in target: FourCC,
        of dir: TestDirectory, exact: Bool
    ) throws {
        for (section, damage) in damages {
            let copy = TestDirectory()
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
                try FileManager.default.copyItem(atPath: "\(dir.path)/\(name)", toPath: "\(copy.path)/\(name)")
            }
            try StructuralCorruptionTests.rewrite(copy.path, IndexFiles.documentStore) { bytes, layout in
                damage(&bytes, layout.sections.first { $0.name == target }!.range)
            }
            #expect {
                _ = try IndexReader(path: copy.path).verify()
            } throws: { error in
                guard case .corrupt(let f, let s, _) = error as? CorpusIndexError else { return false }
                return f == IndexFiles.documentStore && (exact ? s == section : s.hasPrefix(section))
            }
        }
    }
}
