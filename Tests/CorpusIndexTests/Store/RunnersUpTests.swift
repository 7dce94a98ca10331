import Foundation
import Testing
@testable import CorpusIndex

/// A long list's runners-up (`TopScoringRunnersUp`, docs/FORMAT.md "Top-scoring documents"): the documents that
/// follow the kept ones by factor, with their frequencies and a floor above every other document of the list.
@Suite struct RunnersUpTests {
    static func corrupt(_ reason: String) -> CorpusIndexError {
        .corrupt(file: "test", section: "DOCS", reason: reason)
    }

    /// Encodes `weights` (doc `d` has factor `weights[d]`, frequency `d % 5 + 1`) with a selector keeping `kept`
    /// and `runnersUp` more; returns the bytes (after the vint length) and the decoded parts.
    static func roundTrip(_ weights: [Double], kept: Int, runnersUp: Int, gather: Int = 0) throws
        -> (bytes: [UInt8], list: TopScoringList, runners: TopScoringRunnersUp?)
    {
        var selector = TopScoringSelector()
        selector.reset(capacity: kept, runnersUp: runnersUp, gatherUpTo: gather)
        for (d, w) in weights.enumerated() { selector.add(doc: UInt32(d), freq: UInt32(d % 5 + 1), weight: w) }
        var encoded: [UInt8] = []
        selector.encode(into: &encoded)
        return try encoded.withUnsafeBytes { raw in
            let (length, after) = try #require(VarInt.decode(raw, at: 0))
            #expect(Int(length) == raw.count - after)
            let list = try TopScoringList(
                raw, start: after, end: raw.count, documentCount: weights.count, runnersUp: runnersUp > 0,
                corrupt: corrupt)
            let runners = try list.runnersUpBytes.map {
                try TopScoringRunnersUp(raw, $0, listFloor: list.floor, documentCount: weights.count, corrupt: corrupt)
            }
            return (Array(raw[after...]), list, runners)
        }
    }

    /// The kept documents are the best `kept` (ties to the lower doc id), the runners-up the next ones, in doc
    /// order with their frequencies; every other document's factor is within the runners-up floor, which is
    /// within the list's; the kept part is the same bytes as without runners-up.
    @Test(arguments: [(200, 8, 32), (5000, 64, 256), (70_000, 32, 128), (40, 8, 100), (8, 8, 32), (30, 8, 0)])
    func runnersUpFollowTheKeptDocuments(n: Int, kept: Int, runnersUp: Int) throws {
        var rng = SystemRandomNumberGenerator()
        let weights = (0..<n).map { _ in Double(Int.random(in: 0..<400, using: &rng)) / 200 }
        let ranked = (0..<n).sorted { weights[$0] != weights[$1] ? weights[$0] > weights[$1] : $0 < $1 }
        for gather in [0, n] {
            let (bytes, list, runners) = try Self.roundTrip(weights, kept: kept, runnersUp: runnersUp, gather: gather)
            #expect(list.docs == ranked.prefix(kept).sorted().map { UInt32($0) })
            let (alone, _, _) = try Self.roundTrip(weights, kept: kept, runnersUp: 0)
            #expect(Array(bytes.prefix(alone.count)) == alone, "the kept part changed")
            guard runnersUp > 0 else {
                #expect(runners == nil && bytes.count == alone.count)
                continue
            }
            let r = try #require(runners)
            let expected = ranked.dropFirst(kept).prefix(runnersUp).sorted()
            #expect(r.docs == expected.map { UInt32($0) })
            #expect(r.freqs == expected.map { UInt32($0 % 5 + 1) })
            #expect(r.floor <= list.floor)
            let listed = Set(list.docs).union(r.docs)
            for d in 0..<n where !listed.contains(UInt32(d)) { #expect(weights[d] <= r.floor, "doc \(d)") }
            if let lowest = expected.map({ weights[$0] }).min() {
                #expect(r.floor >= lowest && r.floor < lowest + 1e-4)
            } else {
                #expect(r.docs.isEmpty && r.floor == list.floor)
            }
        }
    }

    /// Damaged runners-up are errors naming what is wrong, never crashes or wrong answers: any cut, a floor above
    /// the list's, trailing bytes, doc ids out of range, and runners-up where the parameters say none (or none
    /// where they say some).
    @Test func damagedRunnersUpAreErrors() throws {
        let weights = (0..<500).map { Double(($0 * 7919) % 1000) / 500 }
        let (bytes, _, runners) = try Self.roundTrip(weights, kept: 8, runnersUp: 32)
        // Where the runners-up start in `bytes` (the list without its vint length).
        let range = try #require(try bytes.withUnsafeBytes { raw in
            try TopScoringList(raw, start: 0, end: raw.count, documentCount: 500, runnersUp: true, corrupt: Self.corrupt)
                .runnersUpBytes
        })
        #expect(try #require(runners).docs.count == 32)
        func decode(_ b: [UInt8], end: Int? = nil, documentCount: Int = 500) throws {
            try b.withUnsafeBytes { raw in
                let list = try TopScoringList(
                    raw, start: 0, end: end ?? raw.count, documentCount: documentCount, runnersUp: true, corrupt: Self.corrupt)
                let part = try #require(list.runnersUpBytes)
                _ = try TopScoringRunnersUp(raw, part, listFloor: list.floor, documentCount: documentCount, corrupt: Self.corrupt)
            }
        }
        try decode(bytes)
        for cut in [range.lowerBound + 1, range.lowerBound + 2, range.lowerBound + 5, bytes.count - 1] {
            #expect(throws: CorpusIndexError.self, "cut at \(cut)") { try decode(Array(bytes.prefix(cut))) }
        }
        #expect(throws: CorpusIndexError.self, "trailing byte") { try decode(bytes + [0]) }
        var high = bytes
        high[range.lowerBound + 1] = 0xFF
        high[range.lowerBound + 2] = 0xFF
        #expect(throws: CorpusIndexError.self, "floor above the list's") { try decode(high) }
        #expect(throws: CorpusIndexError.self, "doc ids out of range") {
            try decode(bytes, documentCount: Int(try #require(runners).docs.last!))
        }
        // The list's own parameters decide whether runners-up follow.
        #expect(throws: CorpusIndexError.self) {
            try bytes.withUnsafeBytes { raw in
                _ = try TopScoringList(raw, start: 0, end: raw.count, documentCount: 500, runnersUp: false, corrupt: Self.corrupt)
            }
        }
        #expect(throws: CorpusIndexError.self) {
            try bytes.withUnsafeBytes { raw in
                _ = try TopScoringList(raw, start: 0, end: range.lowerBound, documentCount: 500, runnersUp: true, corrupt: Self.corrupt)
            }
        }
    }

    /// In a built index every long list carries its runners-up (TOPS says how many), equal to what its postings
    /// give: the next documents by factor after the kept ones, every other posting within their floor.
    @Test func indexListsCarryTheirRunnersUp() throws {
        let generator = try DumpGenerator(cables: 900, seed: 31)
        let dir = TestDirectory()
        try TestIndexBuilder.build((0..<900).map { generator.record(at: $0) }, directory: dir.path)
        let field = try IndexReader(path: dir.path).field(.body)
        #expect(field.topScoring.runnerUpLength == 3 * field.topScoring.listLength)
        let average = field.averageFieldLength
        var lists = 0
        for ordinal in 0..<field.termCount {
            let info = try field.termInfo(ordinal: ordinal)
            let cursor = try field.cursor(info)
            guard let list = try cursor.topScoringDocuments() else { continue }
            let runners = try #require(try cursor.runnersUp(of: list))
            lists += 1
            var postings: [(doc: UInt32, freq: UInt32, weight: Double)] = []
            while cursor.doc != PostingCursor.end {
                let w = PostingListEncoder.termWeight(tf: cursor.freq, length: field.lengths[cursor.doc], averageLength: average)
                postings.append((cursor.doc, cursor.freq, w))
                try cursor.next()
            }
            let ranked = postings.sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.doc < $1.doc }
            let next = ranked.dropFirst(list.docs.count).prefix(Int(field.topScoring.runnerUpLength)).sorted { $0.doc < $1.doc }
            #expect(runners.docs == next.map(\.doc), "term \(ordinal)")
            #expect(runners.freqs == next.map(\.freq), "term \(ordinal)")
            let listed = Set(list.docs).union(runners.docs)
            for p in postings where !listed.contains(p.doc) { #expect(p.weight <= runners.floor, "term \(ordinal)") }
        }
        #expect(lists > 10)
    }
}
