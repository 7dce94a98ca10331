import Testing

@testable import CorpusIndex

/// One posting list of the model the tests compare the reader against.
struct ModelList {
    var term: [UInt8]
    var docs: [UInt32]
    var freqs: [UInt32]
    var positions: [[UInt32]]
}

/// Builds a random field index of `documentCount` documents and returns the model.
func writeRandomField(
    directory: String, field: String = "body", documentCount: Int, terms: [[UInt8]], listLength: (Int) -> Int,
    rng: inout SplitMix64
) throws -> (lists: [ModelList], lengths: [UInt32], stats: FieldIndexStats) {
    var lengths = (0..<documentCount).map { _ in UInt32(rng.next() % 500) + 1 }
    var lists: [ModelList] = []
    for (t, term) in terms.enumerated() {
        let n = min(documentCount, max(1, listLength(t)))
        var chosen = Set<UInt32>()
        if n == documentCount {
            chosen = Set((0..<UInt32(documentCount)))
        } else {
            while chosen.count < n { chosen.insert(UInt32(rng.next() % UInt64(documentCount))) }
        }
        let docs = chosen.sorted()
        let freqs = docs.map { _ in rng.next() % 4 == 0 ? UInt32(rng.next() % 40) + 1 : 1 }
        let positions = freqs.map { f -> [UInt32] in
            var p = UInt32(rng.next() % 100)
            return (0..<Int(f)).map { _ in
                p += UInt32(rng.next() % 1000) + 1
                return p
            }
        }
        lists.append(ModelList(term: term, docs: docs, freqs: freqs, positions: positions))
    }
    // Positions are below the field length (the format requires it): lengths cover the last position, so many
    // documents end exactly on one.
    for list in lists {
        for (d, p) in zip(list.docs, list.positions) { lengths[Int(d)] = max(lengths[Int(d)], p.last! + 1) }
    }
    return (lists, lengths, try writeModel(lists, lengths: lengths, directory: directory, field: field))
}

/// Writes model lists with a `FieldIndexWriter`.
func writeModel(_ lists: [ModelList], lengths: [UInt32], directory: String, field: String = "body") throws -> FieldIndexStats {
    let documentCount = lengths.count
    let writer = try lengths.withUnsafeBufferPointer {
        try FieldIndexWriter(directory: directory, field: field, documentCount: documentCount, fieldLengths: $0)
    }
    for list in lists {
        let flat = list.positions.flatMap { $0 }
        try list.term.withUnsafeBytes { term in
            try list.docs.withUnsafeBufferPointer { d in
                try list.freqs.withUnsafeBufferPointer { f in
                    try flat.withUnsafeBufferPointer { p in try writer.add(term: term, docs: d, freqs: f, positions: p) }
                }
            }
        }
    }
    return try writer.finish()
}

func randomTerms(_ count: Int, rng: inout SplitMix64) -> [[UInt8]] {
    let alphabet: [[UInt8]] = ["a", "b", "c", "z", "é", "日本", "0", "9"].map { Array($0.utf8) }
    var set = Set<[UInt8]>()
    while set.count < count {
        var t: [UInt8] = []
        let len = rng.next() % 20 == 0 ? Int(rng.next() % 300) + 1 : Int(rng.next() % 8) + 1
        for _ in 0..<len { t += alphabet[Int(rng.next() % UInt64(alphabet.count))] }
        set.insert(t)
    }
    return set.sorted { $0.lexicographicallyPrecedes($1) }
}

@Suite("Field index")
struct FieldIndexTests {
    @Test(
        "postings round trip at lengths 1, 127, 128, 129, 255, 256, 257, 10000 and random",
        arguments: [1, 2, 127, 128, 129, 255, 256, 257, 10_000, -1])
    func postingsRoundTrip(length: Int) throws {
        let dir = TestDirectory()
        var rng = SplitMix64(seed: UInt64(bitPattern: Int64(length)) &+ 11)
        let documentCount = 20_000
        let terms = randomTerms(40, rng: &rng)
        var lrng = SplitMix64(seed: 3)
        let model = try writeRandomField(
            directory: dir.path, documentCount: documentCount, terms: terms,
            listLength: { _ in length > 0 ? length : Int(lrng.next() % 3000) + 1 }, rng: &rng)
        #expect(model.stats.termCount == terms.count)
        let reader = try FieldIndexReader(directory: dir.path, field: "body", documentCount: documentCount)
        #expect(reader.termCount == terms.count)
        for (ordinal, list) in model.lists.enumerated() {
            let info = try #require(try list.term.withUnsafeBytes { try reader.lookup($0) })
            #expect(info.ordinal == ordinal)
            #expect(Int(info.documentFrequency) == list.docs.count)
            #expect(info.collectionFrequency == list.freqs.reduce(0) { $0 + UInt64($1) })
            #expect(info.maxFrequency == list.freqs.max()!)
            #expect(info.minFieldLength == list.docs.map { model.lengths[Int($0)] }.min()!)
            let cursor = try reader.cursor(info)
            var docs: [UInt32] = []
            var freqs: [UInt32] = []
            var positions: [[UInt32]] = []
            while cursor.doc != PostingCursor.end {
                docs.append(cursor.doc)
                freqs.append(cursor.freq)
                // Read positions for every other doc only: the lazy skip over the others must stay in step.
                positions.append(docs.count % 2 == 0 ? Array(try cursor.positions()) : list.positions[docs.count - 1])
                try cursor.next()
            }
            #expect(docs == list.docs)
            #expect(freqs == list.freqs)
            #expect(positions == list.positions)
        }
        for d in [0, 1, documentCount - 1] { #expect(reader.fieldLength(UInt32(d)) == model.lengths[d]) }
        #expect(reader.totalTokens == model.lengths.reduce(0) { $0 + UInt64($1) })
    }

    @Test("advance(to:) equals a linear scan; shallow advance and block maxima match the blocks")
    func advanceAndBlockMax() throws {
        let dir = TestDirectory()
        var rng = SplitMix64(seed: 99)
        let documentCount = 50_000
        let terms = randomTerms(6, rng: &rng)
        let sizes = [1, 100, 128, 129, 5000, 30_000]
        let model = try writeRandomField(
            directory: dir.path, documentCount: documentCount, terms: terms, listLength: { sizes[$0] }, rng: &rng)
        let reader = try FieldIndexReader(directory: dir.path, field: "body", documentCount: documentCount)
        for list in model.lists {
            let info = try #require(try list.term.withUnsafeBytes { try reader.lookup($0) })
            // Random increasing targets.
            for trial in 0..<20 {
                let cursor = try reader.cursor(info)
                var target: UInt32 = 0
                var i = 0
                while true {
                    target += UInt32(rng.next() % UInt64(trial == 0 ? 3 : 4000))
                    let got = try cursor.advance(to: target)
                    while i < list.docs.count && list.docs[i] < target { i += 1 }
                    let expected = i < list.docs.count ? list.docs[i] : PostingCursor.end
                    #expect(got == expected)
                    if got == PostingCursor.end { break }
                    #expect(cursor.freq == list.freqs[i])
                    if trial % 3 == 0 { #expect(Array(try cursor.positions()) == list.positions[i]) }
                }
            }
            // Block maxima via shallow advance.
            let cursor = try reader.cursor(info)
            for b in 0..<((list.docs.count + 127) / 128) {
                let slice = (b * 128)..<min(list.docs.count, b * 128 + 128)
                let first = list.docs[slice.lowerBound]
                let last = try cursor.shallowAdvance(to: first)
                #expect(last == list.docs[slice.upperBound - 1])
                #expect(cursor.blockLastDoc == last)
                #expect(cursor.blockMaxFreq >= list.freqs[slice].max()!)
                if list.docs.count > 128 {
                    #expect(cursor.blockMaxFreq == list.freqs[slice].max()!)
                    #expect(cursor.blockMinFieldLength == slice.map { model.lengths[Int(list.docs[$0])] }.min()!)
                }
                #expect(cursor.doc == list.docs[0], "shallow advance must not move the cursor")
            }
            #expect(try cursor.shallowAdvance(to: list.docs.last! + 1) == PostingCursor.end)
        }
    }

    @Test("dictionary exact, prefix and iteration agree with a sorted array")
    func dictionary() throws {
        let dir = TestDirectory()
        var rng = SplitMix64(seed: 5)
        var terms = randomTerms(3000, rng: &rng)
        terms[0] = []  // the empty term sorts first
        let model = try writeRandomField(
            directory: dir.path, documentCount: 100, terms: terms, listLength: { _ in 1 }, rng: &rng)
        _ = model
        let dict = try FieldIndexReader(directory: dir.path, field: "body", documentCount: 100).dictionary
        #expect(dict.termCount == terms.count)
        for (i, t) in terms.enumerated() where i % 7 == 0 || i < 40 || i > terms.count - 40 {
            #expect(try dict.term(ordinal: i) == t)
            #expect(try t.withUnsafeBytes { try dict.lookup($0) }?.ordinal == i)
        }
        // Absent terms.
        for _ in 0..<300 {
            var t = terms[Int(rng.next() % UInt64(terms.count))]
            t.append(UInt8(rng.next() % 256))
            let present = terms.contains(t)
            #expect((try t.withUnsafeBytes { try dict.lookup($0) } != nil) == present)
        }
        // Prefixes: every prefix of some terms, plus random bytes.
        var prefixes: [[UInt8]] = [[], [0xFF], Array("a".utf8), Array("zz".utf8)]
        for _ in 0..<200 {
            let t = terms[Int(rng.next() % UInt64(terms.count))]
            prefixes.append(Array(t.prefix(Int(rng.next() % UInt64(t.count + 1)))))
        }
        for p in prefixes {
            let expected = terms.indices.filter { terms[$0].starts(with: p) }
            let range = try p.withUnsafeBytes { try dict.prefixRange($0) }
            #expect(Array(range) == expected, "prefix \(p)")
        }
        var seen: [[UInt8]] = []
        try dict.forEachTerm(in: 10..<2500) { t, info in
            #expect(info.ordinal == 10 + seen.count)
            seen.append(Array(t))
            return true
        }
        #expect(seen == Array(terms[10..<2500]))
    }

    @Test func writerRejectsBadInput() throws {
        let dir = TestDirectory()
        let lengths: [UInt32] = [1, 1, 1]
        let w = try lengths.withUnsafeBufferPointer {
            try FieldIndexWriter(directory: dir.path, field: "body", documentCount: 3, fieldLengths: $0)
        }
        func add(_ term: String, _ docs: [UInt32], _ freqs: [UInt32], _ pos: [UInt32]) throws {
            try Array(term.utf8).withUnsafeBytes { t in
                try docs.withUnsafeBufferPointer { d in
                    try freqs.withUnsafeBufferPointer { f in
                        try pos.withUnsafeBufferPointer { p in try w.add(term: t, docs: d, freqs: f, positions: p) }
                    }
                }
            }
        }
        try add("b", [0, 2], [1, 1], [0, 0])
        #expect(throws: CorpusIndexError.self) { try add("a", [0], [1], [0]) }  // order
        #expect(throws: CorpusIndexError.self) { try add("c", [2, 1], [1, 1], [0, 0]) }  // docs order
        #expect(throws: CorpusIndexError.self) { try add("d", [3], [1], [0]) }  // doc >= count
        #expect(throws: CorpusIndexError.self) { try add("e", [0], [2], [0]) }  // positions count
        #expect(throws: CorpusIndexError.self) { try add("f", [0], [2], [3, 3]) }  // positions order
        #expect(throws: CorpusIndexError.self) { try add("g", [0], [1], [1]) }  // position >= field length 1
        #expect(throws: CorpusIndexError.self) { try add("h", [], [], []) }  // length 0: an empty list
        try add("i", [1], [1], [0])  // the writer is still usable after rejected terms
        _ = try w.finish()
    }
}
