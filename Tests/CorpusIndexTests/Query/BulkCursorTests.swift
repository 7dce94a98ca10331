import Foundation
import Testing

@testable import CorpusIndex

/// The bulk moves of posting cursors the engine's pruning and counting use (`next(minimumFrequency:upTo:)`,
/// `blockRemainder`/`nextBlock`, `forEachRun`) agree with a plain walk of `next()`, across block boundaries.
@Suite struct BulkCursorTests {
    let directory = TestDirectory("bulk-cursor")

    init() throws {
        let generator = try DumpGenerator(cables: 700, seed: 31)
        try TestIndexBuilder.build((0..<700).map { generator.record(at: $0) }, directory: directory.path)
    }

    static func walk(_ field: FieldIndexReader, _ info: TermInfo) throws -> [(doc: UInt32, freq: UInt32)] {
        let cursor = try field.cursor(info)
        var out: [(UInt32, UInt32)] = []
        while cursor.doc != PostingCursor.end {
            out.append((cursor.doc, cursor.freq))
            try cursor.next()
        }
        return out
    }

    @Test func minimumFrequencyMovesMatchAPlainWalk() throws {
        let field = try IndexReader(path: directory.path).field(.body)
        var multiBlock = 0
        for term in ["the", "of", "and", "embassy", "government"] {
            guard let info = try field.lookup(term) else { continue }
            if info.documentFrequency > 256 { multiBlock += 1 }
            let all = try Self.walk(field, info)
            for minimum: UInt32 in [1, 2, 3, 5, 9] {
                for limit in [all[all.count / 3].doc, all[all.count * 2 / 3].doc, PostingCursor.end - 1] {
                    let cursor = try field.cursor(info)
                    var got: [UInt32] = []
                    var d = cursor.doc
                    while d != PostingCursor.end {
                        got.append(d)
                        d = try cursor.next(minimumFrequency: minimum, upTo: limit)
                    }
                    // From the first document on: each move lands on the next document with enough occurrences,
                    // or on the first document past `limit`, from which a plain walk (`minimum` 0) continues.
                    var want: [UInt32] = [all[0].doc]
                    var i = 1
                    while i < all.count {
                        if all[i].freq >= minimum || all[i].doc > limit { want.append(all[i].doc) }
                        if all[i].doc > limit {
                            want.append(contentsOf: all[(i + 1)...].filter { $0.freq >= minimum || $0.doc > limit }.map(\.doc))
                            break
                        }
                        i += 1
                    }
                    #expect(got == want, "\(term) minimum \(minimum) limit \(limit)")
                }
            }
        }
        #expect(multiBlock >= 2)
    }

    @Test func blockRunsMatchAPlainWalk() throws {
        let reader = try IndexReader(path: directory.path)
        let source = IndexQuerySource(reader: reader)
        for term in ["the", "of", "embassy", "kosovo"] {
            guard let info = try reader.field(.body).lookup(term) else { continue }
            let want = try Self.walk(reader.field(.body), info).map(\.doc)
            let stats = IndexQuerySource.statistics(info)
            let cursor = source.termCursor(field: .body, ordinal: info.ordinal, statistics: stats)
            var got: [DocID] = []
            cursor.forEachRun { got.append(contentsOf: $0) }
            #expect(got == want, "\(term)")
            #expect(cursor.doc == noMoreDocs)
            // The default (one `next()` at a time) gives the same runs' contents.
            let plain = ArrayDocCursor(want)
            var viaDefault: [DocID] = []
            plain.forEachRun { viaDefault.append(contentsOf: $0) }
            #expect(viaDefault == want)
        }
    }
}
