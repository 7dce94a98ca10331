import Foundation
import Testing
@testable import CorpusIndex

/// `FieldIndexWriter.beginTerm` / `append` / `endTerm` (slices of any size) must write the same bytes as one-shot
/// `add(term:...)`, for text and keyword fields, across block boundaries and mid-term position draining.
@Suite struct StreamedTermTests {
    /// One term's full lists.
    struct TermList {
        var term: [UInt8]
        var docs: [UInt32]
        var freqs: [UInt32]
        var positions: [UInt32]
    }

    static let documentCount = 3000

    /// Terms whose document frequencies straddle the block size (1, 3, 4, 127, 128, 129, 256, 1000, all docs).
    static func terms(seed: UInt64) -> [TermList] {
        var random = SplitMix64(seed: seed)
        let sizes = [1, 3, 4, 5, 127, 128, 129, 255, 256, 257, 1000, 2048, documentCount]
        return sizes.enumerated().map { index, size in
            let docs = Array(0..<UInt32(documentCount)).shuffled(using: &random).prefix(size).sorted()
            var freqs: [UInt32] = []
            var positions: [UInt32] = []
            for _ in docs {
                let freq = UInt32.random(in: 1...(random.next() % 8 == 0 ? 40 : 3), using: &random)
                freqs.append(freq)
                var p: UInt32 = 0
                for _ in 0..<freq {
                    p += UInt32.random(in: 1...50, using: &random)
                    positions.append(p)
                }
            }
            return TermList(term: Array("term\(String(format: "%03d", index))".utf8), docs: docs, freqs: freqs, positions: positions)
        }
    }

    static func lengths(seed: UInt64) -> [UInt32] {
        var random = SplitMix64(seed: seed)
        return (0..<documentCount).map { _ in UInt32.random(in: 0...400, using: &random) }
    }

    func write(_ terms: [TermList], keyword: Bool, in dir: String, slicing: (inout SplitMix64) -> Int?) throws {
        // Positions must be below the field length (docs/FORMAT.md section 6): lengths cover the last position.
        var lengths = Self.lengths(seed: 5)
        for list in terms {
            var end = 0
            for (d, f) in zip(list.docs, list.freqs) {
                end += Int(f)
                lengths[Int(d)] = max(lengths[Int(d)], list.positions[end - 1] + 1)
            }
        }
        let writer = keyword
            ? try FieldIndexWriter(directory: dir, keywordField: "tags", documentCount: Self.documentCount)
            : try lengths.withUnsafeBufferPointer {
                try FieldIndexWriter(directory: dir, field: "body", documentCount: Self.documentCount, fieldLengths: $0)
            }
        writer.positionsDrainBytes = 64
        var random = SplitMix64(seed: 99)
        for list in terms {
            guard let firstSlice = slicing(&random) else {
                try list.term.withUnsafeBytes { term in
                    if keyword {
                        try list.docs.withUnsafeBufferPointer { try writer.add(term: term, docs: $0) }
                    } else {
                        try list.docs.withUnsafeBufferPointer { d in
                            try list.freqs.withUnsafeBufferPointer { f in
                                try list.positions.withUnsafeBufferPointer { try writer.add(term: term, docs: d, freqs: f, positions: $0) }
                            }
                        }
                    }
                }
                continue
            }
            list.term.withUnsafeBytes { writer.beginTerm($0) }
            var start = 0
            var positionStart = 0
            var slice = firstSlice
            while true {
                let end = min(list.docs.count, start + slice)
                let positionEnd = positionStart + list.freqs[start..<end].reduce(0) { $0 + Int($1) }
                if keyword {
                    try list.docs[start..<end].withUnsafeBufferPointer { try writer.append(docs: $0) }
                } else {
                    try list.docs[start..<end].withUnsafeBufferPointer { d in
                        try list.freqs[start..<end].withUnsafeBufferPointer { f in
                            try list.positions[positionStart..<positionEnd].withUnsafeBufferPointer {
                                try writer.append(docs: d, freqs: f, positions: $0)
                            }
                        }
                    }
                }
                start = end
                positionStart = positionEnd
                if start >= list.docs.count { break }
                slice = slicing(&random) ?? 1
            }
            try writer.endTerm()
        }
        _ = try writer.finish()
    }

    func expectIdentical(_ a: String, _ b: String) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: a).sorted()
        #expect(!names.isEmpty)
        #expect(names == (try FileManager.default.contentsOfDirectory(atPath: b).sorted()))
        for name in names {
            #expect(FileManager.default.contents(atPath: a + "/" + name) == FileManager.default.contents(atPath: b + "/" + name), "\(name) differs")
        }
    }

    @Test(arguments: [false, true])
    func streamedTermsAreByteIdenticalToOneShot(keyword: Bool) throws {
        let terms = Self.terms(seed: 17)
        let oneShot = try TemporaryDirectory()
        defer { oneShot.remove() }
        try write(terms, keyword: keyword, in: oneShot.path) { _ in nil }
        // Slices of one doc, of exactly a block, and random sizes including empty slices.
        let slicings: [(inout SplitMix64) -> Int?] = [
            { _ in 1 }, { _ in 128 }, { _ in 129 }, { Int($0.next() % 300) },
        ]
        for slicing in slicings {
            let streamed = try TemporaryDirectory()
            defer { streamed.remove() }
            try write(terms, keyword: keyword, in: streamed.path, slicing: slicing)
            try expectIdentical(oneShot.path, streamed.path)
        }
    }

    @Test func streamedTermRejectsDocumentsOutOfOrderAcrossSlices() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let writer = try FieldIndexWriter(directory: dir.path, keywordField: "tags", documentCount: 10)
        Array("a".utf8).withUnsafeBytes { writer.beginTerm($0) }
        try [UInt32(3), 5].withUnsafeBufferPointer { try writer.append(docs: $0) }
        #expect(throws: CorpusIndexError.self) {
            try [UInt32(5)].withUnsafeBufferPointer { try writer.append(docs: $0) }
        }
    }
}
