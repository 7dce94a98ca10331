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
            bytes[docs.lowerBound + Int(info.postingsOffset) + 8] &+= 1  // skip entry 0: maxFrequency
        }
        Self.expectCorrupt(dir.path, file: IndexFiles.postings("body"), section: "DOCS")
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
}
