import Foundation
import Testing
@testable import CorpusIndex

/// The engine on real on-disk indexes (format writers, compressed postings with 128-doc blocks and skip data)
/// against the brute-force oracle: generated corpora, the generator's realistic cables, and the real sample cables.
@Suite struct OnDiskQueryTests {
    /// An index written to a temporary directory, with its engine and oracle.
    struct Fixture {
        let directory: TestDirectory
        let records: [CableRecord]
        let session: IndexSession
        let engine: QueryEngine<IndexQuerySource>
        let oracle: QueryOracle

        init(_ records: [CableRecord]) throws {
            directory = TestDirectory("query")
            self.records = records
            try TestIndexBuilder.build(records, directory: directory.path)
            session = try IndexSession(path: directory.path)
            engine = QueryEngine(source: IndexQuerySource(reader: try IndexReader(path: directory.path)))
            oracle = QueryOracle(records: records)
        }

        func check(_ queries: [String], name: String) throws {
            for q in queries {
                let node = try QueryParser().parse(q)
                let expected = oracle.ranking(node)
                let source = engine.source.beginQuery()
                let engine = QueryEngine(source: source)
                #expect(engine.matchingDocuments(node) == expected.map(\.doc).sorted(), "\(name): \(q)")
                #expect(engine.count(node) == expected.count, "\(name): count \(q)")
                for (top, offset) in [(1, 0), (10, 0), (7, 5)] {
                    let got = try engine.search(node, top: top, offset: offset).hits
                    let want = Array(expected.dropFirst(offset).prefix(top))
                    #expect(got.map(\.doc) == want.map(\.doc), "\(name): \(q) top \(top) offset \(offset)")
                    for (g, w) in zip(got, want) { #expect(abs(g.score - w.score) <= 1e-9 * max(1, w.score), "\(q)") }
                }
                #expect(throws: Never.self) { try source.endQuery() }
            }
        }
    }

    static func generated() throws -> [CableRecord] {
        let generator = try DumpGenerator(cables: 400, seed: 7)
        return (0..<400).map { generator.record(at: $0) }
    }

    static func realSamples() throws -> [CableRecord] {
        let path = Bundle.module.path(forResource: "Fixtures/cables-first12", ofType: "csv")!
        var records: [CableRecord] = []
        _ = try DumpReader(paths: [path]).forEachRecord { records.append($0) }
        return records
    }

    @Test func randomCorporaEqualBruteForce() throws {
        for (name, records) in [
            ("sorted", TestCorpus.records(count: 700, seed: 11)),
            ("unsorted", TestCorpus.records(count: 500, seed: 12, sortedDates: false)),
            ("store-records", TestIndexBuilder.records(300)),
        ] {
            try Fixture(records).check(QueryEngineTests.queries, name: name)
        }
    }

    @Test func generatedCablesEqualBruteForce() throws {
        let records = try Self.generated()
        let fixture = try Fixture(records)
        // Words, tags and origins that occur in the generated cables.
        let sample = records[17]
        let words = Analyzer.tokens(of: String(decoding: sample.body, as: UTF8.self))
        let rare = words.dropFirst(20).first { w in w.count > 6 } ?? "embassy"
        var queries = QueryEngineTests.queries
        queries += [
            words[5], "\(words[5]) \(words[9])", "\(words[5]) OR \(rare)", "\"\(words[10]) \(words[11])\"",
            "\(String(rare.prefix(3)))*", "tag:\(sample.tags.first ?? "PREL")", "origin:\"\(sample.origin)\"",
            "refid:\(sample.referenceID)", "date:\(sample.created.components.year)", "subject:\(words[3])",
            "\(rare) -\(words[5])", "NOT \(words[5])", "the OR \(rare)", "the of \(rare)",
        ]
        try fixture.check(queries, name: "generated")
        for field in MetadataField.allCases {
            for q in [nil, "the", "\(rare) OR tag:PREL"] as [String?] {
                let node = try q.map { try QueryParser().parse($0) }
                let got = fixture.engine.facets(field, restrictedTo: node)
                let want = fixture.oracle.facetCounts(field, prefix: "", node: node)
                #expect(Dictionary(uniqueKeysWithValues: got.map { ($0.value, $0.count) }) == want, "\(field) \(q ?? "")")
            }
        }
        for order in [SearchOrder.date, .dateDescending] {
            let node = try QueryParser().parse("the")
            let got = try fixture.engine.search(node, top: 20, offset: 3, order: order).hits.map(\.doc)
            #expect(got == Array(fixture.oracle.dateOrder(node, descending: order == .dateDescending).dropFirst(3).prefix(20)))
        }
    }

    @Test func pruningScoresFewDocumentsOnRealPostings() throws {
        // Like real text: most cables name "kosovo" or "serbia" once, a few (here, neighbours) dwell on them. Once
        // the top 10 hold those, the 128-document blocks without them (block max frequency 1) are skipped on the
        // skip data alone.
        var rng = TestCorpus.RNG(state: 41)
        let records = (0..<4000).map { i -> CableRecord in
            let dwell = (20..<32).contains(i)
            var words = (0..<40).map { _ in TestCorpus.words[rng.below(12)] }
            words += Array(repeating: "kosovo", count: dwell ? 12 : 1)
            if i % 3 == 0 { words += Array(repeating: "serbia", count: (30..<69).contains(i) ? 9 : 1) }
            if i % 5 == 0 { words.append("police") }
            return CableRecord(
                rowID: i, referenceID: "R\(i)", created: CableDate(year: 2006, month: 1 + i % 12, day: 1)!,
                classification: "SECRET", origin: "X", header: [], body: Array(words.joined(separator: " ").utf8))
        }
        let fixture = try Fixture(records)
        for q in ["kosovo", "kosovo OR serbia", "kosovo serbia", "kosovo -police", "(kosovo serbia) OR (serbia kosovo)"] {
            let node = try QueryParser().parse(q)
            let result = try fixture.engine.search(node, top: 10)
            let matches = fixture.engine.count(node)
            #expect(result.scoredDocuments * 4 < matches, "\(q): scored \(result.scoredDocuments) of \(matches)")
            #expect(result.hits.map(\.doc) == fixture.oracle.ranking(node).prefix(10).map(\.doc), "\(q)")
        }
    }

    @Test func realSampleCables() throws {
        let records = try Self.realSamples()
        #expect(records.count == 12)
        let fixture = try Fixture(records)
        try fixture.check(
            QueryEngineTests.queries + [
                "\"preferential jurisdiction\"", "fishing", "refid:66BUENOSAIRES2481", "ref:66STATE106206",
                "origin:\"Embassy Tehran\"", "tag:P*", "date:1972", "date:1966-12-28", "date:1960..1975",
                "class:UNCLASSIFIED", "tehran OR ankara", "header:secstate", "\"sipdis\"",
            ], name: "first12")
        let session = fixture.session
        let hits = try session.search("\"preferential jurisdiction\"", top: 3)
        #expect(hits.first?.referenceID == "66BUENOSAIRES2481")
        #expect(hits.first?.snippet.contains("[PREFERENTIAL] [JURISDICTION]") == true)
        // The stored cable comes back exactly as read from the dump.
        let doc = try #require(session.documentID(referenceID: "66buenosaires2481"))
        #expect(try session.document(doc) == records[Int(doc)])
    }

    @Test func realSiteCables() throws {
        // The 1,295 cables of the December 2010 WikiLeaks site (real text, real metadata), read from its pages.
        let root = try ReaderFixtures.extractSiteTarball()
        defer { ReaderFixtures.remove(root) }
        var records: [CableRecord] = []
        _ = try DumpReader(paths: [root]).forEachRecord { records.append($0) }
        #expect(records.count == 1295)
        let fixture = try Fixture(records)
        let sample = records[100]
        let queries = [
            "embassy", "secretary", "iran nuclear", "iran OR iraq", "\"human rights\"", "\"prime minister\"",
            "\"e o\"", "E.O.", "nuclear -iran", "NOT embassy", "negotiat*", "subject:iran", "header:priority",
            "tag:PREL", "tag:K*", "tag:prel iran", "origin:\"Embassy Tehran\"", "origin:\"Embassy B*\"",
            "class:SECRET*", "class:CONFIDENTIAL", "refid:\(sample.referenceID)", "date:2009", "date:2009-12",
            "date:2008-01..2009-06", "date:..2005", "(iran OR iraq) (nuclear OR oil) -russia",
            "\"secretary of state\" OR (clinton visit)", "ref:\(sample.references.first ?? "09STATE1")",
            "president", "president minister government", "the OR of OR and",
        ]
        try fixture.check(queries, name: "site")
        let facets = fixture.engine.facets(.tags, restrictedTo: try QueryParser().parse("iran"))
        let want = fixture.oracle.facetCounts(.tags, prefix: "", node: try QueryParser().parse("iran"))
        #expect(Dictionary(uniqueKeysWithValues: facets.map { ($0.value, $0.count) }) == want)
    }

    @Test func corruptPostingsAreReportedNotCrashed() throws {
        let records = TestCorpus.records(count: 300, seed: 5)
        let directory = TestDirectory("query-corrupt")
        try TestIndexBuilder.build(records, directory: directory.path)
        let session = try IndexSession(path: directory.path)
        let before = try session.search("the OR embassy", top: 5)
        #expect(before.count == 5)
        // Overwrite the middle of the body postings with garbage.
        let path = directory.path + "/" + IndexFiles.postings("body")
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        for i in (bytes.count / 3)..<(bytes.count * 2 / 3) { bytes[i] = UInt8(truncatingIfNeeded: i &* 131) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        for q in ["the", "the OR embassy", "\"the of\"", "t*", "embassy -the"] {
            do {
                _ = try IndexSession(path: directory.path).search(q, top: 5)
            } catch let error as CorpusIndexError {
                if case .corrupt = error {} else if case .io = error {} else { Issue.record("\(q): \(error)") }
            }
        }
    }
}
