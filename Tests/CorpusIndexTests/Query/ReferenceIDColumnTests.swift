import Foundation
import Testing

@testable import CorpusIndex

/// The reference id column of `documents.columns` (`RIDO`/`RIDS`): what names a ranked hit without the document
/// store. It must agree with the stored cables, and damage must come back as `.corrupt`, never a trap.
@Suite struct ReferenceIDColumnTests {
    @Test func columnEqualsStoredDocuments() throws {
        let dir = TestDirectory("refid-column")
        let records = TestCorpus.records(count: 300, seed: 21) + (try OnDiskQueryTests.realSamples())
        try TestIndexBuilder.build(records, directory: dir.path)
        let reader = try IndexReader(path: dir.path)
        let session = IndexSession(source: IndexQuerySource(reader: reader))
        for doc in 0..<UInt32(records.count) {
            #expect(try reader.columns.referenceIDs.referenceID(doc) == records[Int(doc)].referenceID)
            #expect(try session.referenceID(doc) == records[Int(doc)].referenceID)
        }
        #expect(throws: CorpusIndexError.self) { try session.referenceID(UInt32(records.count)) }
        let hits = try session.search("the OR embassy", top: 10)
        #expect(hits.count == 10)
        for hit in hits { #expect(try session.referenceID(hit.doc) == hit.referenceID) }
    }

    @Test func emptyAndNonASCIIIdentifiers() throws {
        let dir = TestDirectory("refid-column-odd")
        var records = TestIndexBuilder.records(5, seed: 3)
        records[1].referenceID = ""
        records[3].referenceID = "09ZÜRICH7é"
        try TestIndexBuilder.build(records, directory: dir.path)
        let reader = try IndexReader(path: dir.path)
        for (doc, record) in records.enumerated() {
            #expect(try reader.columns.referenceIDs.referenceID(UInt32(doc)) == record.referenceID)
        }
        _ = try reader.verify()
    }

    func freshIndex() throws -> TestDirectory {
        let dir = TestDirectory("refid-column-corrupt")
        try TestIndexBuilder.build(TestIndexBuilder.records(40, seed: 12), directory: dir.path)
        return dir
    }

    /// Offsets out of order (with valid checksums, as a writer bug would leave them): lookups of the documents
    /// concerned and `verify` report `RIDO`, the others still answer.
    @Test func offsetsOutOfOrderAreCorruptNotACrash() throws {
        let dir = try freshIndex()
        try StructuralCorruptionTests.rewrite(dir.path, IndexFiles.columns) { bytes, layout in
            let rido = layout.sections.first { $0.name == ReferenceIDColumn.offsetsSection }!.range
            bytes[rido.lowerBound + 4 * 6 + 2] = 0x7F  // doc 6 starts far past the heap
        }
        let reader = try IndexReader(path: dir.path)
        let column = reader.columns.referenceIDs
        #expect(try column.referenceID(0) == (try reader.documents.document(0)).referenceID)
        for doc: UInt32 in [5, 6] {
            #expect {
                _ = try column.referenceID(doc)
            } throws: { error in
                guard case .corrupt(let file, let section, _) = error as? CorpusIndexError else { return false }
                return file == IndexFiles.columns && section == "RIDO"
            }
        }
        StructuralCorruptionTests.expectCorrupt(dir.path, file: IndexFiles.columns, section: "RIDO")
    }

    /// A different id of the same length: only the cross-check against the stored cable can tell.
    @Test func idDisagreeingWithStoredDocument() throws {
        let dir = try freshIndex()
        try StructuralCorruptionTests.rewrite(dir.path, IndexFiles.columns) { bytes, layout in
            let rids = layout.sections.first { $0.name == ReferenceIDColumn.bytesSection }!.range
            bytes[rids.lowerBound + 3] ^= 0x01
        }
        StructuralCorruptionTests.expectCorrupt(dir.path, file: IndexFiles.columns, section: "RIDS")
    }

    @Test func sectionOfTheWrongSizeFailsToOpen() throws {
        let dir = try freshIndex()
        try StructuralCorruptionTests.rewrite(dir.path, IndexFiles.columns) { bytes, layout in
            let rido = layout.sections.first { $0.name == ReferenceIDColumn.offsetsSection }!.range
            bytes[rido.upperBound - 4] &+= 1  // the last offset no longer equals the heap's size
        }
        #expect {
            _ = try IndexReader(path: dir.path)
        } throws: { error in
            guard case .corrupt(_, let section, _) = error as? CorpusIndexError else { return false }
            return section == "RIDO"
        }
    }
}
