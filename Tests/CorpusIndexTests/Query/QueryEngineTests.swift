import Testing
@testable import CorpusIndex

/// The engine against the brute-force oracle on generated corpora: match sets, top-k rankings, date orders,
/// counts and facets, for every construct of the language.
@Suite struct QueryEngineTests {
    static let queries: [String] = [
        "embassy", "trafficking", "nonexistentword", "EMBASSY",
        "trafficking persons", "trafficking AND persons", "kosovo OR serbia", "kosovo OR nonexistentword",
        "\"trafficking in persons\"", "\"the of the\"", "\"persons in trafficking\"", "e.o.", "06STATE-202745",
        "traffick*", "t*", "zzz*", "subject:kosovo", "header:embassy", "body:iran subject:nuclear",
        "subject:\"human rights\"", "subject:traffic*", "tag:PHUM", "tag:phum", "tag:K*", "tag:*", "tag:OVIP*",
        "origin:\"Embassy Pristina\"", "origin:\"Embassy B*\"", "class:SECRET", "class:SECRET*", "class:secret*",
        "class:UNCLASSIFIED", "refid:06BERLIN101", "refid:06berlin101", "ref:05PRISTINA103", "ref:07STATE*",
        "date:2006", "date:2006-03", "date:2006-03-05", "date:2006-01..2007-06", "date:..2005-06", "date:2008-02..",
        "NOT embassy", "-embassy", "embassy -minister", "embassy NOT minister", "NOT tag:PHUM NOT tag:PREL",
        "(kosovo OR serbia) AND police", "kosovo OR serbia police", "kosovo OR (serbia police)",
        "(iran OR oil) (trade OR bank) -army", "tag:PHUM trafficking date:2006..2007",
        "origin:\"Embassy Pristina\" OR class:SECRET*", "NOT (kosovo OR serbia)", "-(-embassy)",
        "kosovo OR NOT serbia", "\"human rights\" OR \"security council\" OR visit",
        "café", "the of embassy minister trafficking in persons", "(((kosovo)))",
        "the", "the of", "the OR of OR in", "police court judge press",
        "(kosovo police) OR (serbia court)", "embassy OR (\"human rights\" police)", "(the of) OR (in trafficking)",
        "(kosovo OR serbia) (police OR court) -judge", "the (of OR in) -(embassy minister)",
    ]

    static let corpora: [(name: String, records: [CableRecord], blockSize: Int)] = [
        ("sorted-200-b4", TestCorpus.records(count: 200, seed: 1), 4),
        ("unsorted-300-b2", TestCorpus.records(count: 300, seed: 2, sortedDates: false), 2),
        ("sorted-400-b128", TestCorpus.records(count: 400, seed: 3), 128),
    ]

    @Test func atLeastFortyQueries() { #expect(Self.queries.count >= 40) }

    @Test(arguments: 0..<3)
    func matchSetsEqualBruteForce(corpus: Int) throws {
        let c = Self.corpora[corpus]
        let source = MemoryQuerySource(records: c.records, blockSize: c.blockSize)
        let engine = QueryEngine(source: source)
        let oracle = QueryOracle(records: c.records)
        for q in Self.queries {
            let node = try QueryParser().parse(q)
            let expected = oracle.matchingDocuments(node)
            #expect(engine.matchingDocuments(node) == expected, "\(c.name): \(q)")
            #expect(engine.count(node) == expected.count, "\(c.name): count \(q)")
        }
    }

    @Test(arguments: 0..<3)
    func topKEqualsBruteForceBM25(corpus: Int) throws {
        let c = Self.corpora[corpus]
        let source = MemoryQuerySource(records: c.records, blockSize: c.blockSize)
        let engine = QueryEngine(source: source)
        let oracle = QueryOracle(records: c.records)
        for q in Self.queries {
            let node = try QueryParser().parse(q)
            let expected = oracle.ranking(node)
            for (top, offset) in [(1, 0), (10, 0), (5, 7), (1000, 0)] {
                let got = try engine.search(node, top: top, offset: offset).hits
                let want = Array(expected.dropFirst(offset).prefix(top))
                #expect(got.map(\.doc) == want.map(\.doc), "\(c.name): \(q) top \(top) offset \(offset)")
                for (g, w) in zip(got, want) { #expect(abs(g.score - w.score) <= 1e-9 * max(1, w.score), "\(q)") }
            }
        }
    }

    @Test(arguments: 0..<3)
    func dateOrdersEqualBruteForce(corpus: Int) throws {
        let c = Self.corpora[corpus]
        let engine = QueryEngine(source: MemoryQuerySource(records: c.records, blockSize: c.blockSize))
        let oracle = QueryOracle(records: c.records)
        for q in ["embassy", "tag:PHUM", "NOT kosovo", "date:2006", "traffick* OR class:SECRET"] {
            let node = try QueryParser().parse(q)
            for descending in [false, true] {
                let want = oracle.dateOrder(node, descending: descending)
                let got = try engine.search(node, top: 15, offset: 3, order: descending ? .dateDescending : .date).hits
                #expect(got.map(\.doc) == Array(want.dropFirst(3).prefix(15)), "\(c.name): \(q) \(descending)")
                for h in got { #expect(abs(h.score - oracle.score(node, Int(h.doc))) < 1e-9) }
            }
        }
    }

    @Test(arguments: 0..<3)
    func facetsEqualBruteForce(corpus: Int) throws {
        let c = Self.corpora[corpus]
        let engine = QueryEngine(source: MemoryQuerySource(records: c.records, blockSize: c.blockSize))
        let oracle = QueryOracle(records: c.records)
        for field in MetadataField.allCases {
            for (prefix, q) in [("", nil), ("", "kosovo"), ("E", "trafficking OR tag:PHUM"), ("2006", "NOT iran")] as [(String, String?)] {
                let node = try q.map { try QueryParser().parse($0) }
                let got = engine.facets(field, prefix: prefix, restrictedTo: node)
                let want = oracle.facetCounts(field, prefix: prefix, node: node)
                #expect(Dictionary(uniqueKeysWithValues: got.map { ($0.value, $0.count) }) == want, "\(field) \(prefix) \(q ?? "")")
                #expect(got.map(\.value) == got.map(\.value).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
            }
        }
    }

    @Test func pruningStillScoresTheWinners() throws {
        // A common term over many blocks: the top 3 must equal the brute force even though most blocks are skipped.
        let records = TestCorpus.records(count: 600, seed: 9)
        let engine = QueryEngine(source: MemoryQuerySource(records: records, blockSize: 8))
        let oracle = QueryOracle(records: records)
        for q in ["the", "the of", "embassy minister"] {
            let node = try QueryParser().parse(q)
            #expect(try engine.search(node, top: 3).hits.map(\.doc) == oracle.ranking(node).prefix(3).map(\.doc))
        }
    }
}

@Suite struct WidePrefixTests {
    @Test func prefixOverAHugeVocabularyUsesTheBitsetAndMatchesBruteForce() throws {
        // 3,000 distinct words starting with "a": far above the heap-union limit.
        let records = (0..<600).map { i in
            CableRecord(
                rowID: i, referenceID: "R\(i)", created: CableDate(year: 2006, month: 1, day: 1)!,
                classification: "SECRET", origin: "X", header: [],
                body: Array("a\(i * 5) a\(i * 5 + 1) a\(i * 5 + 2) b\(i) common a\(i * 5 + 3) a\(i * 5 + 4)".utf8))
        }
        let engine = QueryEngine(source: MemoryQuerySource(records: records, blockSize: 16))
        let oracle = QueryOracle(records: records)
        for q in ["a*", "a1*", "a* -b1*", "common a2*", "NOT a*"] {
            let node = try QueryParser().parse(q)
            #expect(engine.matchingDocuments(node) == oracle.matchingDocuments(node), "\(q)")
            #expect(try engine.search(node, top: 10).hits.map(\.doc) == oracle.ranking(node).prefix(10).map(\.doc))
        }
    }
}
