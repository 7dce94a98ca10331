import Foundation
import Testing
@testable import CorpusIndex

/// Top-scoring documents (`TopScoringDocuments`, `QueryEngine.collectFromTopLists`): on small generated corpora
/// the lists are short (8 documents for terms in at least 1/16 of the cables), so queries on common words take
/// both the early stop and the hand-over to block-max pruning with the lists' k-th score as a floor; either way
/// the top k equals brute force.
@Suite struct TopScoringDocumentsTests {
    /// Common words of the generated cables, in AND, OR and single-term queries.
    static let queries: [String] = {
        let words = ["the", "of", "and", "to", "in", "a", "embassy", "government", "minister", "said", "that", "for"]
        var out = words
        for (i, a) in words.enumerated() {
            let b = words[(i + 3) % words.count]
            let c = words[(i + 7) % words.count]
            out += ["\(a) AND \(b)", "\(a) OR \(b)", "\(a) AND \(b) AND \(c)", "\(a) OR \(b) OR \(c)"]
        }
        return out + ["the AND the", "the OR absentword", "the AND absentword", "subject:the OR of"]
    }()

    /// Runs `queries` at several k (1 up to beyond the lists' length) against the oracle, counting how the lists
    /// served each: (answered alone, handed over with a floor, of those an AND answered by the band pass).
    static func check(_ fixture: OnDiskQueryTests.Fixture, _ queries: [String])
        throws -> (complete: Int, handedOver: Int, band: Int, outside: Int, runnersUp: Int)
    {
        var runnersUp = 0
        var complete = 0
        var handedOver = 0
        var band = 0
        var outside = 0
        for q in queries {
            let node = try QueryParser().parse(q)
            let expected = fixture.oracle.ranking(node)
            let source = fixture.engine.source.beginQuery()
            let engine = QueryEngine(source: source)
            for top in [1, 3, 10, 40] {
                let got = try engine.search(node, top: top).hits
                let want = Array(expected.prefix(top))
                #expect(got.map(\.doc) == want.map(\.doc), "\(q) top \(top)")
                for (g, w) in zip(got, want) { #expect(abs(g.score - w.score) <= 1e-9 * max(1, w.score), "\(q)") }
                // Which path the lists took, on scorers of their own.
                if let conjunctive = QueryEngine<IndexQuerySource>.topListShape(node) {
                    let set = engine.scorers(for: node, planner: QueryPlanner(source: source))
                    if set.scorers.count == node.scoringTerms.count,
                        let outcome = withExtendedLifetime(set, {
                            engine.collectFromTopLists(set.scorers, conjunctive: conjunctive, capacity: top)
                        })
                    {
                        if outcome.complete {
                            complete += 1
                            #expect(outcome.collector.sorted().map(\.doc) == want.map(\.doc), "alone: \(q) top \(top)")
                        } else {
                            handedOver += 1
                            // An AND goes on with the band pass over fresh cursors: the exact top k too.
                            let fresh = withExtendedLifetime(set) {
                                engine.collectFromTopLists(set.scorers, conjunctive: conjunctive, capacity: top) {
                                    engine.scorers(for: node, planner: QueryPlanner(source: source))
                                }
                            }
                            if conjunctive, let fresh {
                                #expect(fresh.complete, "\(q) top \(top)")
                                let hits = fresh.collector.sorted()
                                #expect(hits.map(\.doc) == want.map(\.doc), "band: \(q) top \(top)")
                                for (g, w) in zip(hits, want) {
                                    #expect(abs(g.score - w.score) <= 1e-9 * max(1, w.score), "band: \(q)")
                                }
                                band += 1
                                if fresh.readRunnersUp { runnersUp += 1 }
                                // Hits the lists do not hold: found by the band pass itself.
                                let listed = Set(set.scorers.flatMap { $0.topScoringDocuments()?.docs ?? [] })
                                outside += hits.filter { !listed.contains($0.doc) }.count
                            }
                        }
                    }
                }
            }
            #expect(throws: Never.self) { try source.endQuery() }
        }
        return (complete, handedOver, band, outside, runnersUp)
    }

    @Test func earlyStopAndHandOverEqualBruteForce() throws {
        let generator = try DumpGenerator(cables: 900, seed: 31)
        let records = (0..<900).map { generator.record(at: $0) }
        let fixture = try OnDiskQueryTests.Fixture(records)
        let reader = try IndexReader(path: fixture.directory.path)
        #expect(reader.field(.body).topScoring == TopScoringDocuments.Parameters(documentCount: 900))
        #expect(reader.field(.body).topScoring.listLength == 8)
        // The lists are recomputed from the postings, byte for byte, by verification.
        _ = try reader.verify()
        let (complete, handedOver, band, outside, runnersUp) = try Self.check(fixture, Self.queries)
        #expect(complete > 0, "no query was answered from the lists alone")
        #expect(handedOver > 0, "no query handed over to block-max pruning")
        #expect(band > 0, "no AND went on with the band pass")
        #expect(outside > 0, "the band pass never found a hit outside the lists")
        #expect(runnersUp > 0 && runnersUp < band, "band passes that read the runners-up: \(runnersUp) of \(band)")
    }

    /// With no best-bound stage (`firstStage: 0`), every candidate of an AND's lists goes through the doc-id-order
    /// stage (`settleMembers`) and the band pass: the top k still equals brute force, at every k up to past the
    /// number of matches (where nothing prunes and every match, and nothing else, must come out).
    @Test func laterStagesAloneEqualBruteForce() throws {
        let generator = try DumpGenerator(cables: 900, seed: 31)
        let fixture = try OnDiskQueryTests.Fixture((0..<900).map { generator.record(at: $0) })
        var runnersUp = 0
        var everyMatch = 0
        for q in Self.queries where q.contains(" AND ") {
            let node = try QueryParser().parse(q)
            let expected = fixture.oracle.ranking(node)
            let source = fixture.engine.source.beginQuery()
            let engine = QueryEngine(source: source)
            for top in [1, 3, 10, 40, 2000] {
                let set = engine.scorers(for: node, planner: QueryPlanner(source: source))
                guard set.scorers.count == node.scoringTerms.count else { continue }
                let outcome = withExtendedLifetime(set) {
                    engine.collectFromTopLists(set.scorers, conjunctive: true, capacity: top, firstStage: 0) {
                        engine.scorers(for: node, planner: QueryPlanner(source: source))
                    }
                }
                guard let outcome else { continue }
                #expect(outcome.complete, "\(q) top \(top)")
                let hits = outcome.collector.sorted()
                let want = Array(expected.prefix(top))
                #expect(hits.map(\.doc) == want.map(\.doc), "\(q) top \(top)")
                for (g, w) in zip(hits, want) { #expect(abs(g.score - w.score) <= 1e-9 * max(1, w.score), "\(q)") }
                if outcome.readRunnersUp { runnersUp += 1 }
                if top > expected.count { everyMatch += 1 }
            }
            #expect(throws: Never.self) { try source.endQuery() }
        }
        #expect(runnersUp > 0, "no band pass read the runners-up")
        #expect(everyMatch > 0, "no query asked for more than its matches")
    }

    /// The band pass over the lead's runners-up drops a runner-up the other term's postings lack, however high
    /// the lead alone scores it: ten cables dwell on "alpha" without "beta" (the top of alpha's list and the
    /// first of its runners-up), twenty hold alpha three times and beta, a few of those beta often (beta's best,
    /// so the lists' candidates fill the top 3), and the rest hold alpha once or not at all, beta always. The
    /// k-th score then lies far below the alpha-only runners-up, and the band pass must probe beta to drop them.
    @Test func bandPassDropsRunnersUpWithoutTheOtherTerm() throws {
        let filler = ["the", "of", "embassy", "minister", "said", "government"]
        let records = (0..<900).map { i -> CableRecord in
            var words = (0..<30).map { filler[($0 &* 7 &+ i) % filler.count] }
            if i < 10 {
                words += Array(repeating: "alpha", count: 10)
            } else {
                words.append("beta")
                if i < 30 { words += Array(repeating: "alpha", count: 3) }
                if i < 16 { words += Array(repeating: "beta", count: 5) }
                if (30..<130).contains(i) { words.append("alpha") }
            }
            return CableRecord(
                rowID: i, referenceID: "B\(i)", created: CableDate(year: 2007, month: 1 + i % 12, day: 1)!,
                classification: "SECRET", origin: "X", header: [], body: Array(words.joined(separator: " ").utf8))
        }
        let fixture = try OnDiskQueryTests.Fixture(records)
        let node = try QueryParser().parse("alpha AND beta")
        let source = fixture.engine.source.beginQuery()
        let engine = QueryEngine(source: source)
        for top in [1, 3, 5] {
            let set = engine.scorers(for: node, planner: QueryPlanner(source: source))
            let outcome = try #require(withExtendedLifetime(set) {
                engine.collectFromTopLists(set.scorers, conjunctive: true, capacity: top) {
                    engine.scorers(for: node, planner: QueryPlanner(source: source))
                }
            })
            #expect(outcome.complete && outcome.readRunnersUp, "top \(top): the band pass read the runners-up")
            let want = Array(fixture.oracle.ranking(node).prefix(top))
            #expect(outcome.collector.sorted().map(\.doc) == want.map(\.doc), "top \(top)")
            #expect(want.allSatisfy { $0.doc >= 10 }, "no alpha-only cable matches")
        }
        #expect(throws: Never.self) { try source.endQuery() }
    }

    /// Pages past the first (`offset`) come out of the same collection: equal to the oracle's slice.
    @Test func offsetPagesEqualBruteForce() throws {
        let generator = try DumpGenerator(cables: 900, seed: 31)
        let fixture = try OnDiskQueryTests.Fixture((0..<900).map { generator.record(at: $0) })
        for q in ["the AND of AND embassy", "minister AND said", "government OR minister", "the"] {
            let node = try QueryParser().parse(q)
            let expected = fixture.oracle.ranking(node)
            let source = fixture.engine.source.beginQuery()
            for (top, offset) in [(10, 5), (3, 7), (5, 30), (10, 2000)] {
                let got = try QueryEngine(source: source).search(node, top: top, offset: offset).hits
                let want = Array(expected.dropFirst(offset).prefix(top))
                #expect(got.map(\.doc) == want.map(\.doc), "\(q) top \(top) offset \(offset)")
            }
            #expect(throws: Never.self) { try source.endQuery() }
        }
    }

    /// Random access into a posting list (`probeFrequency`, the top-scoring lists' probes): in any order, present
    /// documents give their frequency and absent ones (before the first, between, after the last) 0; on long
    /// lists (many blocks, skip entries decoded as far as needed) and a single-block list.
    @Test func probesAnswerInAnyOrder() throws {
        let records = TestIndexBuilder.records(400, seed: 12)
        let dir = TestDirectory()
        try TestIndexBuilder.build(records, directory: dir.path)
        let field = try IndexReader(path: dir.path).field(.body)
        var rng = SplitMix64(seed: 5)
        var probed = 0
        for term in ["the", "of", "embassy", "minister"] {
            guard let info = try field.lookup(term) else { continue }
            var expected: [UInt32: UInt32] = [:]
            let walk = try field.cursor(info)
            while walk.doc != PostingCursor.end {
                expected[walk.doc] = walk.freq
                try walk.next()
            }
            var targets = Array(0..<UInt32(400)) + [UInt32(400), 100_000, .max - 1]
            for i in stride(from: targets.count - 1, to: 0, by: -1) {
                targets.swapAt(i, Int(rng.next() % UInt64(i + 1)))
            }
            let probe = try field.cursor(info)
            for t in targets {
                #expect(try probe.probeFrequency(t) == expected[t] ?? 0, "\(term) doc \(t)")
            }
            // Descending, then the same document twice.
            for t in targets.sorted(by: >).prefix(50) + [targets[0], targets[0]] {
                #expect(try probe.probeFrequency(t) == expected[t] ?? 0, "\(term) doc \(t)")
            }
            probed += 1
        }
        #expect(probed >= 3)
        // A single-block list (at most 128 documents).
        var found: TermInfo?
        for ordinal in 0..<field.termCount {
            let info = try field.termInfo(ordinal: ordinal)
            if info.documentFrequency > 3 && info.documentFrequency < 128 {
                found = info
                break
            }
        }
        let rare = try #require(found)
        let walk = try field.cursor(rare)
        var expected: [UInt32: UInt32] = [:]
        while walk.doc != PostingCursor.end {
            expected[walk.doc] = walk.freq
            try walk.next()
        }
        let probe = try field.cursor(rare)
        for t in (0..<UInt32(400)).reversed() { #expect(try probe.probeFrequency(t) == expected[t] ?? 0) }
    }

    /// The band pass's length limits are exact for its first test, `(score + othersFloor) * slack > theta`: for
    /// any frequency and length, a document that passes is within the limit, and one just past a limit fails
    /// (the limits are neither loose nor vacuous).
    @Test func lengthLimitsKeepExactlyTheDocumentsAboveTheBar() {
        typealias Engine = QueryEngine<IndexQuerySource>
        let limits = UnsafeMutablePointer<UInt32>.allocate(capacity: Engine.lengthLimitCount)
        defer { limits.deallocate() }
        var rng = SplitMix64(seed: 9)
        var cut = 0
        for _ in 0..<200 {
            let w = BM25(documentCount: 100_000, documentFrequency: Int(rng.next() % 90_000) + 1,
                         averageFieldLength: Double(rng.next() % 900 + 20))
            let othersFloor = Double(rng.next() % 1000) / 1000 * 3
            let theta = othersFloor + Double(rng.next() % 1000) / 1000 * w.idf * 2.2 - 0.2
            Engine.lengthLimits(w, theta: theta, othersFloor: othersFloor, into: limits)
            func passes(_ tf: UInt32, _ length: UInt32) -> Bool {
                (w.score(tf: tf, fieldLength: length) + othersFloor) * Engine.slack > theta
            }
            for tf in UInt32(1)..<UInt32(Engine.lengthLimitCount - 1) where limits[Int(tf)] < UInt32.max {
                #expect(!passes(tf, limits[Int(tf)] + 1), "tf \(tf): the limit \(limits[Int(tf)]) is loose")
                if limits[Int(tf)] > 0 { #expect(passes(tf, limits[Int(tf)]), "tf \(tf): the limit cuts a passing length") }
            }
            for _ in 0..<200 {
                let tf = UInt32(rng.next() % 80) + 1
                let length = UInt32(rng.next() % 4000)
                let limit = limits[Int(min(tf, UInt32(Engine.lengthLimitCount - 1)))]
                if passes(tf, length) {
                    #expect(length <= limit, "tf \(tf) length \(length) theta \(theta)")
                } else if length > limit {
                    cut += 1
                }
            }
        }
        #expect(cut > 1000, "the limits cut nothing")
    }

    /// Duplicated cables give exactly equal scores: ties must resolve to the lower doc id on every path.
    @Test func tiesResolveToTheLowerDocID() throws {
        let generator = try DumpGenerator(cables: 300, seed: 8)
        var records = (0..<300).map { generator.record(at: $0) }
        for i in stride(from: 0, to: 300, by: 3) { records[i].body = records[(i * 7 + 5) % 300].body }
        let fixture = try OnDiskQueryTests.Fixture(records)
        let (complete, handedOver, _, _, _) = try Self.check(fixture, Self.queries)
        #expect(complete + handedOver > 0)
    }

    /// However many postings are gathered before selection starts (none, a few, exactly the list, more than it,
    /// past the 64 Ki cap), the kept documents and so the bytes are the same: the exact top `capacity` under
    /// (factor descending, doc ascending), checked against a sort. Coarse factors make many ties.
    @Test func gatheringLimitDoesNotChangeTheSelection() throws {
        var rng = SystemRandomNumberGenerator()
        for (n, capacity) in [(1, 1), (7, 8), (300, 16), (5000, 64), (70_000, 32)] {
            var weights: [Double] = []
            for _ in 0..<n { weights.append(Double(Int.random(in: 0..<40, using: &rng)) / 8) }
            let ranked: [Int] = (0..<n).sorted { (a: Int, b: Int) -> Bool in
                weights[a] != weights[b] ? weights[a] > weights[b] : a < b
            }
            let expected: [UInt32] = ranked.prefix(capacity).sorted().map { UInt32($0) }
            var encodings: [[UInt8]] = []
            var selector = TopScoringSelector()
            for gather in [0, 3, capacity, n / 2, n, n + 5, 1 << 20] {
                selector.reset(capacity: capacity, gatherUpTo: gather)
                for d in 0..<n { selector.add(doc: UInt32(d), freq: UInt32(d % 5 + 1), weight: weights[d]) }
                var bytes: [UInt8] = []
                selector.encode(into: &bytes)
                encodings.append(bytes)
            }
            #expect(Set(encodings).count == 1, "n \(n), capacity \(capacity)")
            let list = try encodings[0].withUnsafeBytes { raw -> TopScoringList in
                let (_, after) = try #require(VarInt.decode(raw, at: 0))
                return try TopScoringList(raw, start: after, end: raw.count, documentCount: n) {
                    CorpusIndexError.corrupt(file: "test", section: "DOCS", reason: $0)
                }
            }
            #expect(list.docs == expected, "n \(n), capacity \(capacity)")
        }
    }

    /// Gathered postings are thinned by a threshold read from a sample of every 16th factor before the heap is
    /// built; the kept set must stay the exact top `capacity` when the sample misleads (the sampled postings all
    /// best, so too few reach the threshold), when factors trend with the doc id, and with wide ties.
    @Test(arguments: [0, 1, 2, 3])
    func sampledThresholdKeepsTheExactSelection(shape: Int) throws {
        let n = 20_000
        let capacity = shape == 0 ? 1500 : 300
        let weights: [Double] = (0..<n).map { d in
            switch shape {
            case 0: return d % 16 == 0 ? 2.0 : 1.0 + Double(d % 7) / 100  // the sample sees only the best
            case 1: return Double(d) / Double(n)  // rising with the doc id
            case 2: return Double(n - d) / Double(n)  // falling
            default: return Double(d % 3) / 4  // three values: ties everywhere
            }
        }
        let ranked = (0..<n).sorted { weights[$0] != weights[$1] ? weights[$0] > weights[$1] : $0 < $1 }
        let expected = ranked.prefix(capacity).sorted().map { UInt32($0) }
        var selector = TopScoringSelector()
        selector.reset(capacity: capacity, gatherUpTo: n)
        for d in 0..<n { selector.add(doc: UInt32(d), freq: 1, weight: weights[d]) }
        var bytes: [UInt8] = []
        selector.encode(into: &bytes)
        let list = try bytes.withUnsafeBytes { raw -> TopScoringList in
            let (_, after) = try #require(VarInt.decode(raw, at: 0))
            return try TopScoringList(raw, start: after, end: raw.count, documentCount: n) {
                CorpusIndexError.corrupt(file: "test", section: "DOCS", reason: $0)
            }
        }
        #expect(list.docs == expected)
    }

    /// Probes decode only the skip entries' last docs and block ends, ahead of their other fields; a cursor that
    /// probed far ahead and is then walked (advance, block maxima, positions) reads the same as a fresh one.
    @Test func probedCursorsWalkLikeFreshOnes() throws {
        let records = TestIndexBuilder.records(5000, seed: 3)
        let dir = TestDirectory()
        try TestIndexBuilder.build(records, directory: dir.path)
        let field = try IndexReader(path: dir.path).field(.body)
        let info = try #require(try field.lookup("the"))
        #expect(info.documentFrequency > 32 * 128, "the list must have more skip entries than are decoded at first")
        let fresh = try field.cursor(info)
        let probed = try field.cursor(info)
        #expect(try probed.probeFrequency(4990) >= 0)
        #expect(try probed.probeFrequency(2500) >= 0)
        let probedAgain = try field.cursor(info)
        _ = try probedAgain.probeFrequency(4999)
        for target in stride(from: UInt32(0), to: 5000, by: 37) {
            try fresh.shallowAdvance(to: target)
            try probedAgain.shallowAdvance(to: target)
            #expect(fresh.blockMaxFreq == probedAgain.blockMaxFreq, "doc \(target)")
            #expect(fresh.blockMinFieldLength == probedAgain.blockMinFieldLength, "doc \(target)")
            #expect(fresh.blockMaxWeight == probedAgain.blockMaxWeight, "doc \(target)")
            let a = try fresh.advance(to: target)
            let b = try probedAgain.advance(to: target)
            #expect(a == b, "doc \(target)")
            if a != PostingCursor.end {
                #expect(fresh.freq == probedAgain.freq)
                #expect(Array(try fresh.positions()) == Array(try probedAgain.positions()), "positions at doc \(a)")
            }
        }
        #expect(fresh.termMaxWeight == probed.termMaxWeight)
    }

    /// The selector keeps the best factors, ties to the lower doc id, and its encoding decodes to them.
    @Test func selectorKeepsTheBestAndRoundTrips() throws {
        var selector = TopScoringSelector()
        selector.reset(capacity: 5)
        let weights: [Double] = [0.5, 1.5, 1.5, 0.2, 2.0, 1.5, 0.9, 1.5, 0.1, 2.1]
        for (d, w) in weights.enumerated() { selector.add(doc: UInt32(d * 3), freq: UInt32(d + 1), weight: w) }
        var bytes: [UInt8] = []
        selector.encode(into: &bytes)
        let list = try bytes.withUnsafeBytes { raw -> TopScoringList in
            let (length, after) = try #require(VarInt.decode(raw, at: 0))
            #expect(Int(length) == raw.count - after)
            return try TopScoringList(raw, start: after, end: raw.count, documentCount: 100) {
                CorpusIndexError.corrupt(file: "test", section: "DOCS", reason: $0)
            }
        }
        // Kept: 2.1 (doc 27), 2.0 (doc 12), and of the four 1.5s the first three (docs 3, 6, 15).
        #expect(list.docs == [3, 6, 12, 15, 27])
        #expect(list.freqs == [2, 3, 5, 6, 10])
        #expect(list.floor >= 1.5 && list.floor < 1.5 + 1e-4)
        for (i, d) in list.docs.enumerated() {
            #expect(list.weightBounds[i] >= weights[Int(d) / 3])
            #expect(list.weightBounds[i] <= weights[Int(d) / 3] + (list.ceiling - list.floor) * 29 / 225 + 1e-4)
        }
        // A truncated or tampered list is an error, not a crash.
        for cut in [1, 3, 6, bytes.count - 1] {
            let short = Array(bytes.prefix(cut))
            #expect(throws: CorpusIndexError.self) {
                try short.withUnsafeBytes { raw in
                    _ = try TopScoringList(raw, start: 1, end: raw.count, documentCount: 100) {
                        CorpusIndexError.corrupt(file: "test", section: "DOCS", reason: $0)
                    }
                }
            }
        }
        #expect(throws: CorpusIndexError.self) {
            try bytes.withUnsafeBytes { raw in
                _ = try TopScoringList(raw, start: 1, end: raw.count, documentCount: 20) {
                    CorpusIndexError.corrupt(file: "test", section: "DOCS", reason: $0)
                }
            }
        }
    }

    /// Damaged top-scoring documents (re-checksummed): verify names the postings file, and queries that read the
    /// list report an error or answer, never crash.
    @Test func damagedListsAreReported() throws {
        let records = TestIndexBuilder.records(400, seed: 12)
        let base = TestDirectory()
        try TestIndexBuilder.build(records, directory: base.path)
        let info = try #require(try IndexReader(path: base.path).field(.body).lookup("the"))
        // (what, the mutation at the list's first byte, i.e. its vint length)
        let mutations: [(String, (inout [UInt8], Int) -> Void)] = [
            ("length", { b, at in b[at] ^= 0x40 }),
            ("count", { b, at in b[at + 1] ^= 0x07 }),
            ("floor step", { b, at in b[at + 2] ^= 0xFF }),
            ("doc block width", { b, at in b[at + 6] = 40 }),
            ("first doc", { b, at in b[at + 9] ^= 0x10 }),
            ("last byte", { b, at in
                let (length, after) = b.withUnsafeBytes { VarInt.decode($0, at: at)! }
                b[after + Int(length) - 1] ^= 0x30
            }),
        ]
        for (what, mutate) in mutations {
            let dir = TestDirectory()
            for name in try FileManager.default.contentsOfDirectory(atPath: base.path) {
                try FileManager.default.copyItem(atPath: "\(base.path)/\(name)", toPath: "\(dir.path)/\(name)")
            }
            try StructuralCorruptionTests.rewrite(dir.path, IndexFiles.postings("body")) { bytes, layout in
                let docs = layout.sections.first { $0.name == FieldIndexWriter.docsSection }!.range
                mutate(&bytes, docs.lowerBound + Int(info.postingsOffset))
            }
            StructuralCorruptionTests.expectCorrupt(dir.path, file: IndexFiles.postings("body"), section: "DOCS")
            let source = IndexQuerySource(reader: try IndexReader(path: dir.path))
            for q in ["the", "the AND of", "the OR and"] {
                let view = source.beginQuery()
                _ = try? QueryEngine(source: view).search(q, top: 5)
                _ = try? view.endQuery()
            }
            _ = what
        }
    }
}

/// `TopScoringDocuments.frequencyBound`: outside a list's top-scoring documents, a document's frequency is capped
/// by the list's floor at its length (and 0 — the term absent — for documents too short to hold it outside the
/// list), which the top-k collectors use in place of the floor.
@Suite struct FrequencyBoundTests {
    /// Every posting of every list with top-scoring documents, in a generated index: a document not kept has a
    /// frequency within the bound at its length; the bound is tight (one more occurrence would pass the floor),
    /// and it does rule some terms out of short documents.
    @Test func everyDocumentOutsideTheListIsWithinTheBound() throws {
        let generator = try DumpGenerator(cables: 900, seed: 31)
        let dir = TestDirectory()
        try TestIndexBuilder.build((0..<900).map { generator.record(at: $0) }, directory: dir.path)
        let field = try IndexReader(path: dir.path).field(.body)
        let average = field.averageFieldLength
        var lists = 0
        var checked = 0
        var belowFloor = 0
        var absentByLength = 0
        for ordinal in 0..<field.termCount {
            let info = try field.termInfo(ordinal: ordinal)
            let cursor = try field.cursor(info)
            guard let list = try cursor.topScoringDocuments() else { continue }
            lists += 1
            let kept = Set(list.docs)
            let thresholds = (1...UInt32(40)).map {
                TopScoringDocuments.lengthThreshold(tf: $0, floor: list.floor, averageLength: average)
            }
            while cursor.doc != PostingCursor.end {
                if !kept.contains(cursor.doc) {
                    let length = field.lengths[cursor.doc]
                    let bound = TopScoringDocuments.frequencyBound(length: length, floor: list.floor, averageLength: average)
                    #expect(cursor.freq <= bound, "term \(ordinal) doc \(cursor.doc)")
                    // The length thresholds the collectors tabulate give the same bound.
                    let tabulated = thresholds.prefix { $0 <= length }.count
                    #expect(tabulated == min(Int(bound), 40), "term \(ordinal) length \(length)")
                    #expect(PostingListEncoder.termWeight(tf: bound + 1, length: length, averageLength: average) > list.floor)
                    if PostingListEncoder.termWeight(tf: bound, length: length, averageLength: average) < list.floor * 0.97 {
                        belowFloor += 1
                    }
                    checked += 1
                }
                try cursor.next()
            }
            for doc in 0..<UInt32(900) where !kept.contains(doc) {
                if TopScoringDocuments.frequencyBound(length: field.lengths[doc], floor: list.floor, averageLength: average) == 0 {
                    absentByLength += 1
                }
            }
        }
        #expect(lists > 10)
        #expect(checked > 10_000)
        #expect(belowFloor > checked / 10, "the bound is rarely below the floor")
        #expect(absentByLength > 0, "no document is too short for any term")
    }

    /// Edge cases: a floor at the ceiling gives no cap; a zero-length field and a zero average are handled.
    @Test func edges() {
        #expect(TopScoringDocuments.frequencyBound(length: 10, floor: 2.2, averageLength: 100) == .max)
        #expect(TopScoringDocuments.frequencyBound(length: 0, floor: 1.0, averageLength: 100) == 0)
        // w(1, 0) = 2.2 / 1.3 ≈ 1.69: a floor above it allows one occurrence, (2 occurrences: 4.4 / 2.3 ≈ 1.91).
        #expect(TopScoringDocuments.frequencyBound(length: 0, floor: 1.8, averageLength: 100) == 1)
        #expect(TopScoringDocuments.frequencyBound(length: 0, floor: 1.0, averageLength: 0) == 0)
        let many = TopScoringDocuments.frequencyBound(length: 1_000_000, floor: 2.0, averageLength: 1)
        #expect(many > 1000 && many < .max)
        #expect(TopScoringDocuments.lengthThreshold(tf: 1, floor: 2.2, averageLength: 100) == 0)
        #expect(TopScoringDocuments.lengthThreshold(tf: 1, floor: 1.8, averageLength: 100) == 0)
        // w(2, len) = 4.4 / (2.3 + 0.009 len) <= 1.8 from len = 17 ((4.4 / 1.8 − 2.3) / 0.009 = 16.05).
        #expect(TopScoringDocuments.lengthThreshold(tf: 2, floor: 1.8, averageLength: 100) == 17)
        #expect(TopScoringDocuments.lengthThreshold(tf: 1, floor: 1e-12, averageLength: 100) == .max)
    }
}
