import Foundation
import Testing
@testable import CorpusIndex

/// `FieldIndexWriter.appendRunPostings` (the merge's one-pass path from run bytes to the index encoding) must write
/// exactly the files `add(term:docs:freqs:positions:)` writes with the decoded lists, however a term's documents
/// are split into runs and a run's bytes into pieces, and must reject malformed run bytes.
@Suite struct RunPostingsEncodingTests {
    static let documentCount = 3000

    /// A term's documents, frequencies and positions, and the field lengths that cover them.
    struct Term {
        var name: [UInt8]
        var docs: [UInt32] = []
        var freqs: [UInt32] = []
        var positions: [UInt32] = []
    }

    /// Terms straddling the block size, some with wide position steps (multi-byte varints, long Rice codes).
    static func corpus(seed: UInt64) -> (terms: [Term], lengths: [UInt32]) {
        var random = SplitMix64(seed: seed)
        var lengths = (0..<documentCount).map { _ in UInt32.random(in: 1...400, using: &random) }
        let sizes = [1, 2, 3, 4, 127, 128, 129, 300, 1000, documentCount]
        let terms = sizes.enumerated().map { index, size in
            var term = Term(name: Array("t\(index)".utf8))
            term.docs = Array(0..<UInt32(documentCount)).shuffled(using: &random).prefix(size).sorted()
            for doc in term.docs {
                let freq = UInt32.random(in: 1...(random.next() % 8 == 0 ? 60 : 3), using: &random)
                term.freqs.append(freq)
                var p: UInt32 = 0
                for i in 0..<freq {
                    let wide = random.next() % 16 == 0
                    p += (i == 0 ? 0 : 1) + UInt32.random(in: 0...(wide ? 3_000_000 : 90), using: &random)
                    term.positions.append(p)
                }
                lengths[Int(doc)] = max(lengths[Int(doc)], p + 1 + UInt32(random.next() % 3))
            }
            return term
        }
        return (terms, lengths)
    }

    /// The run encoding (see `ChunkInverter`) of `term`'s documents in `runBase ..< runEnd`, relative to `runBase`,
    /// and the byte offsets where each document starts.
    static func runBytes(_ term: Term, runBase: UInt32, runEnd: UInt32) -> (bytes: [UInt8], documentStarts: [Int]) {
        var bytes: [UInt8] = []
        var starts: [Int] = []
        var previous: Int64 = -1
        var positionIndex = 0
        for (doc, freq) in zip(term.docs, term.freqs) {
            defer { positionIndex += Int(freq) }
            guard doc >= runBase && doc < runEnd else { continue }
            starts.append(bytes.count)
            VarInt.encode(UInt64(Int64(doc - runBase) - previous), into: &bytes)
            previous = Int64(doc - runBase)
            var position: Int64 = -1
            for p in term.positions[positionIndex..<(positionIndex + Int(freq))] {
                VarInt.encode(UInt64(Int64(p) - position), into: &bytes)
                position = Int64(p)
            }
            bytes.append(0)
        }
        return (bytes, starts)
    }

    /// A body writer over `lengths`: copied in, or (`mapped`) read from the written lengths file, as the build
    /// does (then the merge path reads them in 16 bits, lengths from 65535 on through the escape).
    func writer(_ dir: String, lengths: [UInt32], mapped: Bool = false) throws -> FieldIndexWriter {
        let writer = try lengths.withUnsafeBufferPointer { lengths in
            guard mapped else {
                return try FieldIndexWriter(directory: dir, field: "body", documentCount: Self.documentCount, fieldLengths: lengths)
            }
            let path = "\(dir)/\(IndexFiles.lengths("body"))"
            let file = try FieldLengths.write(path: path, lengths: lengths)
            return try FieldIndexWriter(
                directory: dir, field: "body", lengths: try FieldLengths(path: path, documentCount: Self.documentCount),
                lengthsFile: file)
        }
        writer.positionsDrainBytes = 100
        return writer
    }

    @Test(arguments: [1, 4, 29], [false, true])
    func runPostingsGiveTheFilesOfTheDecodedLists(runCount: Int, mapped: Bool) throws {
        let (terms, lengths) = Self.corpus(seed: 3)
        let expected = try TemporaryDirectory()
        let got = try TemporaryDirectory()
        defer { expected.remove(); got.remove() }
        let whole = try writer(expected.path, lengths: lengths)
        for term in terms {
            try term.name.withUnsafeBytes { name in
                try term.docs.withUnsafeBufferPointer { d in
                    try term.freqs.withUnsafeBufferPointer { f in
                        try term.positions.withUnsafeBufferPointer { try whole.add(term: name, docs: d, freqs: f, positions: $0) }
                    }
                }
            }
        }
        _ = try whole.finish()

        #expect(lengths.contains { $0 > 65535 }, "the 16-bit lengths' escape is not exercised")
        let streamed = try writer(got.path, lengths: lengths, mapped: mapped)
        var random = SplitMix64(seed: 17)
        // Consecutive runs of random sizes; each run's bytes handed over in pieces cut at document starts.
        var bounds = (1..<runCount).map { _ in UInt32(random.next() % UInt64(Self.documentCount)) }.sorted()
        bounds = [0] + bounds + [UInt32(Self.documentCount)]
        for term in terms {
            term.name.withUnsafeBytes { streamed.beginTerm($0) }
            for r in 0..<runCount {
                let (bytes, starts) = Self.runBytes(term, runBase: bounds[r], runEnd: bounds[r + 1])
                guard !bytes.isEmpty else { continue }
                var cuts = starts.filter { _ in random.next() % 5 == 0 }.filter { $0 > 0 }
                cuts.append(bytes.count)
                var previous: Int64 = -1
                var from = 0
                try bytes.withUnsafeBytes { all in
                    for cut in cuts where cut > from {
                        try streamed.appendRunPostings(
                            UnsafeRawBufferPointer(rebasing: all[from..<cut]), base: bounds[r],
                            runDocumentCount: bounds[r + 1] - bounds[r], previousDocument: &previous, file: "run \(r)")
                        from = cut
                    }
                }
            }
            try streamed.endTerm()
        }
        _ = try streamed.finish()

        let names = try FileManager.default.contentsOfDirectory(atPath: expected.path).sorted()
        #expect(names.count == 4)
        #expect(names == (try FileManager.default.contentsOfDirectory(atPath: got.path).sorted()))
        for name in names {
            let a = FileManager.default.contents(atPath: expected.path + "/" + name)
            let b = FileManager.default.contents(atPath: got.path + "/" + name)
            #expect(a != nil && a == b, "\(name) differs")
        }
    }

    /// The word-at-a-time count of a document's position varints equals a byte-by-byte count, wherever the
    /// terminator falls relative to 8-byte words and the end of the bytes, and with 0x01 bytes past it (which the
    /// zero-byte test can mark too).
    @Test func positionCountingMatchesABytewiseCount() {
        var random = SplitMix64(seed: 23)
        for _ in 0..<5000 {
            let length = 1 + Int(random.next() % 40)
            var bytes = (0..<length).map { _ -> UInt8 in
                switch random.next() % 6 {
                case 0: return 0x80 | UInt8(truncatingIfNeeded: random.next())
                case 1: return 1
                default: return UInt8(1 + random.next() % 127)
                }
            }
            if random.next() % 3 != 0 { bytes[Int(random.next() % UInt64(length))] = 0 }
            let start = Int(random.next() % UInt64(length))
            var expected: (count: UInt32, end: Int)? = nil
            var count: UInt32 = 0
            for j in start..<length {
                if bytes[j] == 0 { expected = (count, j + 1); break }
                if bytes[j] < 0x80 { count += 1 }
            }
            var i = start
            let got = bytes.withUnsafeBufferPointer { PostingListEncoder.countPositions($0.baseAddress!, count: length, at: &i) }
            #expect(got == expected?.count)
            if let expected { #expect(i == expected.end) }
        }
    }

    /// Malformed run bytes throw `.corrupt` naming the run, never write past the encoder's room or crash.
    @Test func malformedRunPostingsThrow() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let lengths = [UInt32](repeating: 10, count: Self.documentCount)
        let cases: [(String, [UInt8])] = [
            ("empty", []),
            ("no terminator", [1, 1]),
            ("no positions", [1, 0]),
            ("zero document delta", [1, 1, 0, 0, 1, 0]),
            ("document past the run", [5, 1, 0]),
            ("position at the field length", [1, 11, 0]),
            ("later position at the field length", [1, 1, 2, 8, 0]),
            ("huge step", [1, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0]),
            ("zero step in a non-minimal varint", [1, 1, 0x80, 0]),
            ("varint running into the terminator", [1, 2, 0x83, 0, 1, 1, 0]),
            ("over-long varint", [1, 0x80, 0x80, 0x80, 0x80, 0x80, 0]),
        ]
        for (reason, bytes) in cases {
            let writer = try writer(dir.path, lengths: lengths)
            Array("t".utf8).withUnsafeBytes { writer.beginTerm($0) }
            var previous: Int64 = -1
            let error = #expect(throws: CorpusIndexError.self, "\(reason)") {
                try bytes.withUnsafeBytes {
                    try writer.appendRunPostings(
                        $0, base: 100, runDocumentCount: 4, previousDocument: &previous, file: "run-x")
                }
            }
            guard case .corrupt(let file, _, _) = error else {
                Issue.record("\(reason): \(String(describing: error)) is not .corrupt")
                continue
            }
            #expect(file == "run-x")
        }
        // Well-formed bytes of the same shape pass.
        let writer = try writer(dir.path, lengths: lengths)
        Array("t".utf8).withUnsafeBytes { writer.beginTerm($0) }
        var previous: Int64 = -1
        try [UInt8]([1, 1, 2, 7, 0, 2, 10, 0]).withUnsafeBytes {
            try writer.appendRunPostings($0, base: 100, runDocumentCount: 4, previousDocument: &previous, file: "run-x")
        }
        #expect(previous == 2)
        try writer.endTerm()
    }
}
