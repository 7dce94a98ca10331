import Foundation
import Testing

@testable import CorpusIndex

/// Damage that keeps every checksum valid (as a writer bug would): verify's structural checks must still find it
/// and name the file and section.
@Suite("Structural corruption")
struct StructuralCorruptionTests {
    /// Rewrites `name` through `mutate`, then recomputes its footer CRC and its manifest entry.
    static func rewrite(_ dir: String, _ name: String, _ mutate: (inout [UInt8], ContainerFile) throws -> Void) throws {
        let path = "\(dir)/\(name)"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let layout = try ContainerFile(path: path, kind: FourCC(rawValue: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self) }))
        try mutate(&bytes, layout)
        let crc = CRC32.checksum(Array(bytes[0..<(bytes.count - 8)]))
        withUnsafeBytes(of: crc.littleEndian) { for i in 0..<4 { bytes[bytes.count - 8 + i] = $0[i] } }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var manifest = try Manifest.read(directory: dir)
        let i = try #require(manifest.files.firstIndex { $0.name == name })
        manifest.files[i].crc32 = CRC32.checksum(bytes)
        try manifest.write(toDirectory: dir)
    }

    static func expectCorrupt(_ dir: String, file: String, section: String) {
        #expect {
            _ = try IndexReader(path: dir).verify()
        } throws: { error in
            guard case .corrupt(let f, let s, _) = error as? CorpusIndexError else { return false }
            return f == file && s == section
        }
    }

    /// Where the skip table of a body list starting at `listStart` begins: after its top-scoring documents (a
    /// `vint` byte length and that many bytes; "the" is common enough to have them).
    static func skipTable(_ bytes: [UInt8], _ listStart: Int) -> Int {
        bytes.withUnsafeBytes { raw in
            let (length, after) = VarInt.decode(raw, at: listStart)!
            return after + Int(length)
        }
    }

    func freshIndex() throws -> TestDirectory {
        let dir = TestDirectory()
        try TestIndexBuilder.build(TestIndexBuilder.records(400, seed: 12), directory: dir.path)
        _ = try IndexReader(path: dir.path).verify()
        return dir
    }

    @Test func columnDisagreeingWithStoredDocument() throws {
        let dir = try freshIndex()
        try Self.rewrite(dir.path, IndexFiles.columns) { bytes, layout in
            let crtd = layout.sections.first { $0.name == MetadataColumns.createdSection }!.range
            bytes[crtd.lowerBound + 8 * 5] ^= 0x01
        }
        Self.expectCorrupt(dir.path, file: IndexFiles.columns, section: "CRTD")
    }

    @Test func skipEntryWithWrongBlockMaximum() throws {
        let dir = try freshIndex()
        let info = try #require(try IndexReader(path: dir.path).field(.body).lookup("the"))
        #expect(info.documentFrequency > 128)
        try Self.rewrite(dir.path, IndexFiles.postings("body")) { bytes, layout in
            let docs = layout.sections.first { $0.name == FieldIndexWriter.docsSection }!.range
            // Skip entry 0's maxFrequency - 1 field: after the 6 width bytes and the entry's first two fields.
            let table = Self.skipTable(bytes, docs.lowerBound + Int(info.postingsOffset))
            #expect(bytes[table + 2] > 0)
            let bit = 8 * PackedSkipTable.headerSize + Int(bytes[table]) + Int(bytes[table + 1])
            bytes[table + bit / 8] ^= UInt8(1 << (bit % 8))
        }
        Self.expectCorrupt(dir.path, file: IndexFiles.postings("body"), section: "DOCS")
    }

    /// Damaged packed skip tables (re-checksummed, so only the structural checks can catch them): widths out of
    /// range, a last-doc delta, block sizes and a weight step changed, and a position of a doc at its field
    /// length. Each is reported as corrupt, by verify and by a cursor walking the list, never a crash.
    @Test func damagedSkipTablesAndPositions() throws {
        let base = try freshIndex()
        let info = try #require(try IndexReader(path: base.path).field(.body).lookup("the"))
        #expect(info.documentFrequency > 128)
        // (byte offset from the table's start or a bit offset, the mutation)
        let mutations: [(String, (inout [UInt8], Int) -> Void)] = [
            ("doc width 33", { b, t in b[t] = 33 }),
            ("weight width 17", { b, t in b[t + 5] = 17 }),
            ("entry 0 last doc", { b, t in b[t + 6] ^= 0x01 }),
            ("entry 0 block bytes", { b, t in
                let bit = 48 + Int(b[t])
                b[t + bit / 8] ^= UInt8(1 << (bit % 8))
            }),
            ("entry 1 weight step", { b, t in
                let w = (0..<6).map { Int(b[t + $0]) }
                let bit = 48 + w.reduce(0, +) + w[0..<5].reduce(0, +) + w[5] - 1
                b[t + bit / 8] ^= UInt8(1 << (bit % 8))
            }),
        ]
        for (name, mutate) in mutations {
            let dir = TestDirectory()
            try TestIndexBuilder.build(TestIndexBuilder.records(400, seed: 12), directory: dir.path)
            try Self.rewrite(dir.path, IndexFiles.postings("body")) { bytes, layout in
                let docs = layout.sections.first { $0.name == FieldIndexWriter.docsSection }!.range
                mutate(&bytes, Self.skipTable(bytes, docs.lowerBound + Int(info.postingsOffset)))
            }
            Self.expectCorrupt(dir.path, file: IndexFiles.postings("body"), section: "DOCS")
            // A cursor over the list either throws or, for a damage only verify can see (a weight step), walks it.
            let field = try IndexReader(path: dir.path).field(.body)
            do {
                let cursor = try field.cursor(info)
                _ = cursor.termMaxWeight
                while cursor.doc != PostingCursor.end {
                    _ = try cursor.positions()
                    try cursor.advance(to: cursor.doc + 200)
                }
            } catch let error as CorpusIndexError {
                guard case .corrupt = error else {
                    Issue.record("\(name): \(error)")
                    continue
                }
            }
        }
    }

    @Test func dictionaryOutOfOrder() throws {
        let dir = try freshIndex()
        try Self.rewrite(dir.path, IndexFiles.terms(IndexFiles.keywordStem(.classification))) { bytes, layout in
            // The first value "CONFIDENTIAL" becomes "ZONFIDENTIAL", above its successors.
            let blocks = layout.sections.first { $0.name == TermDictionaryWriter.blocksSection }!.range
            #expect(bytes[blocks.lowerBound + 2] == UInt8(ascii: "C"))
            bytes[blocks.lowerBound + 2] = UInt8(ascii: "Z")
        }
        Self.expectCorrupt(dir.path, file: IndexFiles.terms("kw-classification"), section: "TBLK")
    }

    @Test func truncatedFileFailsToOpen() throws {
        let dir = try freshIndex()
        let path = "\(dir.path)/\(IndexFiles.documentStore)"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try IndexReader(path: dir.path)
        } throws: { error in
            guard case .corrupt(let f, _, _) = error as? CorpusIndexError else { return false }
            return f == IndexFiles.documentStore
        }
    }

    /// Writes random garbage (1–4 runs of 1–16 bytes) into the sections of one of `names` per trial (keeping
    /// header, section table and footer readable), calls `body`, and restores the file.
    static func withGarbage(
        in dir: String, _ names: [String], trials: Int, seed: UInt64, _ body: () throws -> Void
    ) throws {
        var rng = SplitMix64(seed: seed)
        let originals = try names.map { try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(dir)/\($0)"))) }
        for trial in 0..<trials {
            let f = trial % names.count
            var bytes = originals[f]
            let sections = 16..<(bytes.count - 32 - 72)
            for _ in 0..<Int(rng.next() % 4 + 1) {
                let at = sections.lowerBound + Int(rng.next() % UInt64(sections.count))
                for k in at..<min(at + Int(rng.next() % 16 + 1), sections.upperBound) {
                    bytes[k] = UInt8(truncatingIfNeeded: rng.next())
                }
            }
            let path = "\(dir)/\(names[f])"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            defer { try? Data(originals[f]).write(to: URL(fileURLWithPath: path)) }
            try body()
        }
    }

    /// Random garbage over the dictionary, postings and positions of a field (checksums are not read when
    /// querying): walking every term, cursor and position list must throw or succeed, never crash.
    @Test func randomGarbageNeverCrashesReaders() throws {
        let dir = try freshIndex()
        var failures = 0
        let names = [IndexFiles.terms("body"), IndexFiles.postings("body"), IndexFiles.positions("body")]
        try Self.withGarbage(in: dir.path, names, trials: 150, seed: 31) {
            do {
                let reader = try FieldIndexReader(directory: dir.path, field: "body", documentCount: 400)
                _ = try reader.prefixRange("s")
                _ = try reader.lookup("security")
                try reader.dictionary.forEachTerm(in: 0..<reader.termCount) { _, info in
                    let cursor = try reader.cursor(info)
                    _ = try cursor.shallowAdvance(to: 200)
                    while cursor.doc != PostingCursor.end {
                        _ = try cursor.positions()
                        try cursor.next()
                    }
                    return true
                }
            } catch is CorpusIndexError {
                failures += 1
            }
        }
        #expect(failures > 50)
    }

    /// The same for the document store and the keyword fields.
    @Test func randomGarbageNeverCrashesStoreOrKeywords() throws {
        let dir = try freshIndex()
        let names = [IndexFiles.documentStore, IndexFiles.terms("kw-tag"), IndexFiles.postings("kw-tag")]
        try Self.withGarbage(in: dir.path, names, trials: 150, seed: 32) {
            if let store = try? DocStoreReader(path: "\(dir.path)/\(IndexFiles.documentStore)") {
                for d in stride(from: 0, to: 400, by: 37) { _ = try? store.document(UInt32(d)) }
                try? store.forEachDocument(in: 0..<400) { _, _ in true }
            }
            if let tags = try? KeywordIndexReader(directory: dir.path, field: .tag, documentCount: 400) {
                _ = try? tags.children(of: "", grouping: .character)
                _ = try? tags.documents(in: 0..<tags.valueCount)
                _ = try? tags.entries(in: 0..<tags.valueCount)
            }
        }
    }
}
