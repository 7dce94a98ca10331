import Foundation
import Testing
@testable import CorpusIndex

/// Block-max pruning (exact per-block maxima in the skip entries, MaxScore for disjunctions, block bounds for
/// conjunctions and phrases) returns exactly the top k of exhaustive scoring, on an on-disk index of generated
/// cables whose common terms span many 128-document blocks.
@Suite struct PruningEquivalenceTests {
    /// Random queries of every class the pruning paths serve, drawn from the cables' own words.
    static func randomQueries(_ records: [CableRecord], count: Int, seed: UInt64) -> [String] {
        var rng = TestCorpus.RNG(state: seed)
        var queries: [String] = []
        while queries.count < count {
            let words = Analyzer.tokens(of: String(decoding: records[rng.below(records.count)].body, as: UTF8.self))
            guard words.count > 8 else { continue }
            func word() -> String { words[rng.below(words.count)] }
            let at = rng.below(words.count - 3)
            let tags = records[rng.below(records.count)].tags
            switch rng.below(10) {
            case 0: queries.append(word())
            case 1: queries.append("\(word()) \(word())")
            case 2: queries.append("\(word()) \(word()) \(word())")
            case 3: queries.append("\(word()) OR \(word())")
            case 4: queries.append("\(word()) OR \(word()) OR \(word())")
            case 5: queries.append("\"\(words[at]) \(words[at + 1])\"")
            case 6: queries.append("\"\(words[at]) \(words[at + 1]) \(words[at + 2])\" \(word())")
            case 7 where !tags.isEmpty: queries.append("tag:\(tags[rng.below(tags.count)]) \(word())")
            case 8: queries.append("\(word()) \(word()) -\(word())")
            default: queries.append("date:2000..2008 \(word()) \"\(words[at]) \(words[at + 1])\"")
            }
        }
        return queries
    }

    @Test func prunedTopKEqualsExhaustiveScoring() throws {
        let generator = try DumpGenerator(cables: 600, seed: 23)
        let records = (0..<600).map { generator.record(at: $0) }
        let fixture = try OnDiskQueryTests.Fixture(records)
        // The stored block maxima are recomputed bit for bit by verification.
        _ = try IndexReader(path: fixture.directory.path).verify()
        var scored = 0
        var matched = 0
        for q in Self.randomQueries(records, count: 70, seed: 99) + ["the", "the OR of", "the of and", "\"of the\""] {
            let node = try QueryParser().parse(q)
            let expected = fixture.oracle.ranking(node)
            // Counting (bitset intersection for ANDs of comparable lists, leapfrog otherwise) is exact too.
            #expect(fixture.engine.count(node) == expected.count, "count \(q)")
            for top in [1, 10, 25] {
                let result = try fixture.engine.search(node, top: top)
                let want = Array(expected.prefix(top))
                #expect(result.hits.map(\.doc) == want.map(\.doc), "\(q) top \(top)")
                for (g, w) in zip(result.hits, want) {
                    #expect(abs(g.score - w.score) <= 1e-9 * max(1, w.score), "\(q) top \(top)")
                }
                if top == 10 {
                    scored += result.scoredDocuments
                    matched += expected.count
                }
            }
        }
        // Pruning is in effect: fewer documents scored than matched.
        #expect(scored < matched, "scored \(scored) of \(matched)")
    }

    @Test func blockMaximaBoundEveryDocumentTightly() throws {
        let generator = try DumpGenerator(cables: 600, seed: 5)
        let records = (0..<600).map { generator.record(at: $0) }
        let directory = TestDirectory("pruning-maxima")
        try TestIndexBuilder.build(records, directory: directory.path)
        let field = try IndexReader(path: directory.path).field(.body)
        let average = field.averageFieldLength
        var multiBlock = 0
        for term in ["the", "of", "and", "to", "embassy"] {
            guard let info = try field.lookup(term), info.documentFrequency > 128 else { continue }
            multiBlock += 1
            let cursor = try field.cursor(info)
            var blockMax = 0.0
            var bound = Double(cursor.blockMaxWeight)
            var last = cursor.blockLastDoc
            var termMax = 0.0
            while cursor.doc != PostingCursor.end {
                let w = PostingListEncoder.termWeight(
                    tf: cursor.freq, length: field.lengths[cursor.doc], averageLength: average)
                #expect(w <= bound, "\(term) doc \(cursor.doc)")
                blockMax = max(blockMax, w)
                termMax = max(termMax, w)
                let doc = cursor.doc
                try cursor.next()
                if doc == last {
                    // Exact: the stored bound is the block's maximum rounded up to Float32.
                    #expect(Float(bitPattern: PostingListEncoder.roundedUp(blockMax).bitPattern) == Float(bound), "\(term)")
                    blockMax = 0
                    if cursor.doc != PostingCursor.end {
                        try cursor.shallowAdvance(to: cursor.doc)
                        bound = Double(cursor.blockMaxWeight)
                        last = cursor.blockLastDoc
                    }
                }
            }
            #expect(Double(cursor.termMaxWeight) == Double(PostingListEncoder.roundedUp(termMax)), "\(term)")
        }
        #expect(multiBlock >= 3)
    }
}
