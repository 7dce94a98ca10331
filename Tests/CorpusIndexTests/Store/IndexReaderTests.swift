import Foundation
import Testing

@testable import CorpusIndex

@Suite("Index reader, keyword fields and verify")
struct IndexReaderTests {
    @Test func openQueryAndVerify() throws {
        let dir = TestDirectory()
        let records = TestIndexBuilder.records(400)
        let written = try TestIndexBuilder.build(records, directory: dir.path)
        let index = try IndexReader(path: dir.path)
        #expect(index.manifest == written)
        #expect(index.documentCount == records.count)
        let report = try index.verify()
        #expect(report.documentsChecked == records.count)
        #expect(report.filesChecked == written.files.count)
        #expect(report.postingsChecked > 0)

        // A term query against a linear scan of the records.
        let body = index.field(.body)
        let info = try #require(try body.lookup("kosovo"))
        let expected = records.indices.filter { Analyzer.tokens(of: String(decoding: records[$0].body, as: UTF8.self)).contains("kosovo") }
        var docs: [Int] = []
        let cursor = try body.cursor(info)
        while cursor.doc != PostingCursor.end {
            docs.append(Int(cursor.doc))
            try cursor.next()
        }
        #expect(docs == expected)
        #expect(try body.lookup("東京") != nil)
        #expect(try body.lookup("absent") == nil)
        #expect(body.fieldLength(3) == UInt32(Analyzer.tokens(of: String(decoding: records[3].body, as: UTF8.self)).count))

        // Columns and the stored record.
        for d in [0, 17, 399] {
            let r = records[d]
            #expect(index.columns.created(UInt32(d)) == r.created.minutesSinceEpoch)
            #expect(index.columns.released(UInt32(d)) == r.released?.minutesSinceEpoch)
            #expect(index.columns.rowID(UInt32(d)) == r.rowID.map(Int64.init))
            let origin = index.keyword(.origin)
            #expect(try origin.value(ordinal: Int(index.columns.originOrdinal(UInt32(d)))) == r.origin)
            #expect(try index.keyword(.classification).value(ordinal: Int(index.columns.classificationOrdinal(UInt32(d)))) == r.classification)
            #expect(try index.keyword(.month).value(ordinal: Int(index.columns.monthOrdinal(UInt32(d)))) == MetadataIndexWriter.monthKey(r.created))
            #expect(try index.documents.document(UInt32(d)) == r)
        }
    }

    @Test func keywordLookupPrefixListingAndChildren() throws {
        let dir = TestDirectory()
        let records = TestIndexBuilder.records(300, seed: 4)
        try TestIndexBuilder.build(records, directory: dir.path)
        let index = try IndexReader(path: dir.path)
        let tags = index.keyword(.tag)
        let allTags = Set(records.flatMap(\.tags)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        #expect(try tags.entries(in: 0..<tags.valueCount).map(\.value) == allTags)
        for prefix in ["", "P", "PRE", "OVIP (", "Z", "HUMAN R"] {
            let expected = allTags.filter { $0.hasPrefix(prefix) }
            let range = try tags.prefixRange(prefix)
            #expect(try tags.entries(in: range).map(\.value) == expected, "prefix \(prefix)")
            let docs = try tags.documents(in: range)
            let expectedDocs = records.indices.filter { records[$0].tags.contains { $0.hasPrefix(prefix) } }.map(UInt32.init)
            #expect(docs == expectedDocs, "prefix \(prefix)")
        }
        for entry in try tags.entries(in: 0..<tags.valueCount) {
            #expect(entry.documentCount == records.filter { $0.tags.contains(entry.value) }.count)
        }
        // Children by character under "P": PGOV, PREF, PREL -> groups "PG", "PR".
        let children = try tags.children(of: "P", grouping: .character)
        #expect(children.map(\.label) == ["PG", "PR"])
        let pr = children[1]
        #expect(pr.documentCount == records.filter { $0.tags.contains { $0.hasPrefix("PR") } }.count)
        // Origins by word: "Embassy " -> Berlin, Bern, Pristina; top level -> first words.
        let origins = index.keyword(.origin)
        let top = try origins.children(of: "", grouping: .word)
        #expect(top.map(\.label) == ["**", "Consulate", "Embassy", "Embasy", "Mission", "Secretary"])
        let embassy = try origins.children(of: "Embassy ", grouping: .word)
        #expect(embassy.map(\.label) == ["Embassy Berlin", "Embassy Bern", "Embassy Pristina"])
        #expect(embassy.allSatisfy { $0.isValue })
        let embassyCounts = embassy.map { g in records.filter { $0.origin == g.label }.count }
        #expect(embassy.map(\.documentCount) == embassyCounts)
        // Exact reference and refid lookups.
        let refid = index.keyword(.refid)
        let info = try #require(try refid.lookup(records[42].referenceID))
        let cursor = try refid.cursor(ordinal: info.ordinal)
        #expect(cursor.doc == 42)
        let reference = try #require(records.first { !$0.references.isEmpty }?.references.first)
        let citing = try index.keyword(.reference).documents(in: try index.keyword(.reference).prefixRange(reference))
        #expect(citing == records.indices.filter { records[$0].references.contains { $0.hasPrefix(reference) } }.map(UInt32.init))
    }

    @Test func emptyIndex() throws {
        let dir = TestDirectory()
        try TestIndexBuilder.build([], directory: dir.path)
        let index = try IndexReader(path: dir.path)
        #expect(index.documentCount == 0)
        #expect(try index.field(.body).lookup("a") == nil)
        #expect(try index.field(.body).prefixRange("") == 0..<0)
        #expect(try index.keyword(.tag).children(of: "", grouping: .character).isEmpty)
        let report = try index.verify()
        #expect(report.postingsChecked == 0)
    }

    @Test func missingManifestIsAnIOError() throws {
        let dir = TestDirectory()
        #expect {
            _ = try IndexReader(path: dir.path)
        } throws: { error in
            guard case .io(let path, _, _) = error as? CorpusIndexError else { return false }
            return path.hasSuffix(IndexFiles.manifest)
        }
    }

    @Test func versionChecks() throws {
        let dir = TestDirectory()
        try TestIndexBuilder.build(TestIndexBuilder.records(5), directory: dir.path)
        let path = "\(dir.path)/\(IndexFiles.columns)"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[8] = 99  // format version field of the header
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: CorpusIndexError.formatTooNew(file: IndexFiles.columns, found: 99, supported: IndexFormat.current)) {
            _ = try ContainerFile(path: path, kind: FileKind.columns)
        }
        bytes[8] = 0
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: CorpusIndexError.formatTooOld(file: IndexFiles.columns, found: 0, oldestSupported: IndexFormat.oldestSupported)) {
            _ = try ContainerFile(path: path, kind: FileKind.columns)
        }
    }

    /// Flips bytes all over a small index: verify must name the damaged file, and opening and querying must never
    /// crash (they may succeed on bytes they do not read, or throw).
    @Test func flippedBytesAreDetected() throws {
        let dir = TestDirectory()
        let records = TestIndexBuilder.records(30, seed: 8)
        let manifest = try TestIndexBuilder.build(records, directory: dir.path, blockSize: 2048)
        var rng = SplitMix64(seed: 77)
        var trials = 0
        for file in manifest.files + [WrittenFile(name: IndexFiles.manifest, size: 0, crc32: 0)] {
            let path = "\(dir.path)/\(file.name)"
            let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            // A sample of the header, the section table and footer, and the rest.
            var positions = [0, 5, 9, original.count - 1, original.count - 6, original.count - 12, original.count - 20,
                             original.count - 30, original.count - 40]
            for _ in 0..<10 { positions.append(Int(rng.next() % UInt64(original.count))) }
            for position in Set(positions) {
                var damaged = original
                damaged[position] ^= UInt8(1 << (rng.next() % 8)) | 1
                try Data(damaged).write(to: URL(fileURLWithPath: path))
                defer { try? Data(original).write(to: URL(fileURLWithPath: path)) }
                trials += 1
                do {
                    let index = try IndexReader(path: dir.path)
                    exerciseQueries(index)
                    do {
                        _ = try index.verify()
                        Issue.record("verify missed a flipped byte at \(position) of \(file.name)")
                    } catch let error as CorpusIndexError {
                        guard case .corrupt(let named, _, _) = error else {
                            Issue.record("unexpected \(error)")
                            continue
                        }
                        #expect(named == file.name, "flip at \(position) of \(file.name) reported in \(named)")
                    }
                } catch let error as CorpusIndexError {
                    switch error {
                    case .corrupt, .formatTooNew, .formatTooOld: break
                    default: Issue.record("open failed with \(error)")
                    }
                }
            }
            try Data(original).write(to: URL(fileURLWithPath: path))
        }
        #expect(trials > 400)
        _ = try IndexReader(path: dir.path).verify()
    }

    /// Runs lookups, cursors and fetches, ignoring errors: only crashes would fail.
    func exerciseQueries(_ index: IndexReader) {
        for field in TextField.allCases {
            let reader = index.field(field)
            for term in ["kosovo", "the", "status", "東京", "subject"] {
                guard let info = try? reader.lookup(term), let cursor = try? reader.cursor(info) else { continue }
                _ = try? cursor.shallowAdvance(to: 10)
                _ = cursor.blockMaxFreq
                while cursor.doc != PostingCursor.end {
                    guard (try? cursor.positions()) != nil, (try? cursor.advance(to: cursor.doc + 2)) != nil else { break }
                }
            }
            _ = try? reader.prefixRange("s")
        }
        for field in KeywordField.allCases {
            _ = try? index.keyword(field).children(of: "", grouping: .word)
        }
        for d in 0..<UInt32(index.documentCount) where d % 7 == 0 { _ = try? index.documents.document(d) }
    }
}

@Suite("Keyword unions")
struct KeywordUnionTests {
    /// `documents(in:)` by sorting (few postings) and by bitset (many) against a set union.
    @Test(arguments: [3, 2000])
    func unionMatchesModel(listLength: Int) throws {
        let dir = TestDirectory()
        var rng = SplitMix64(seed: UInt64(listLength))
        let documentCount = 10_000
        let writer = try FieldIndexWriter(directory: dir.path, keywordField: IndexFiles.keywordStem(.tag), documentCount: documentCount)
        var model: [[UInt32]] = []
        for value in ["A", "AB", "ABC", "B"] {
            let docs = Set((0..<listLength).map { _ in UInt32(rng.next() % UInt64(documentCount)) }).sorted()
            model.append(docs)
            try Array(value.utf8).withUnsafeBytes { t in try docs.withUnsafeBufferPointer { try writer.add(term: t, docs: $0) } }
        }
        _ = try writer.finish()
        let tags = try KeywordIndexReader(directory: dir.path, field: .tag, documentCount: documentCount)
        let range = try tags.prefixRange("A")
        #expect(range == 0..<3)
        #expect(try tags.documents(in: range) == Set(model[0] + model[1] + model[2]).sorted())
        #expect(try tags.documentCount(in: range) == Set(model[0] + model[1] + model[2]).count)
        let groups = try tags.children(of: "A", grouping: .character)
        #expect(groups.map(\.label) == ["AB"])
        #expect(groups.first?.ordinals == 1..<3)
        #expect(groups.first?.isValue == true)
    }

    /// The row id and date columns are 4 bytes wide: extreme but valid values round-trip, and values beyond them
    /// stop the build with an error naming the document (not a silent truncation).
    @Test func fourByteColumnsRoundTripAndRejectOutOfRange() throws {
        var records = TestIndexBuilder.records(3, seed: 9)
        records[0].rowID = 4_294_967_294
        records[0].created = try #require(CableDate(year: 6053, month: 1, day: 23, hour: 2, minute: 7))
        records[1].rowID = nil
        records[1].released = nil
        records[2].created = try #require(CableDate(year: 1, month: 1, day: 1))
        let dir = TestDirectory()
        try TestIndexBuilder.build(records, directory: dir.path)
        let index = try IndexReader(path: dir.path)
        for (d, r) in records.enumerated() {
            #expect(index.columns.rowID(UInt32(d)) == r.rowID.map(Int64.init))
            #expect(index.columns.created(UInt32(d)) == r.created.minutesSinceEpoch)
            #expect(index.columns.released(UInt32(d)) == r.released?.minutesSinceEpoch)
        }
        _ = try index.verify()

        var late = records
        late[1].released = CableDate(year: 6053, month: 1, day: 23, hour: 2, minute: 8)
        var bigRow = records
        bigRow[2].rowID = 4_294_967_295
        for bad in [late, bigRow] {
            let badDir = TestDirectory()
            #expect {
                try TestIndexBuilder.build(bad, directory: badDir.path)
            } throws: { error in
                guard case let .invalidArgument(message) = error as? CorpusIndexError else { return false }
                return message.contains("4-byte column") && message.contains(bad[1].referenceID) == (bad == late)
            }
        }
    }
}
