import Foundation
import Testing
@testable import CorpusIndex

@Suite struct PostingsInversionTests {
    /// Inverts `records` cut into chunks of `chunkSize`, then merges, collecting into a NaiveIndex.
    /// Sliced terms (`slicePositions`) are concatenated back; slices must come first-to-last, uninterrupted.
    func invertAndMerge(
        _ records: [CableRecord], chunkSize: Int, threads: Int, slicePositions: Int? = nil, fanIn: Int? = nil
    ) throws -> NaiveIndex {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let inversion = PostingsInversion(runDirectory: dir.path, expectedChunkBytes: 1 << 16)
        var start = 0
        while start < records.count {
            let end = min(start + chunkSize, records.count)
            try inversion.collect(try inversion.invertChunk(records: records[start..<end]))
            start = end
        }
        var result = NaiveIndex()
        result.fieldLengths = try inversion.readFieldLengths()
        var previous: (Int, [UInt8])? = nil
        var pending: (docs: [UInt32], freqs: [UInt32], positions: [UInt32]) = ([], [], [])
        try inversion.merge(threads: threads, memoryBudget: 1 << 20, slicePositions: slicePositions, fanIn: fanIn) {
            field, term, docs, freqs, positions, slice in
            let t = Array(term)
            if slice.isFirst {
                #expect(pending.docs.isEmpty, "a new term began inside a sliced one")
                if let (pf, pt) = previous {
                    #expect(pf < field || (pf == field && pt.lexicographicallyPrecedes(t)), "terms out of order")
                }
                previous = (field, t)
            } else {
                #expect(previous.map { $0.0 == field && $0.1 == t } == true, "a slice of another term")
                #expect(!pending.docs.isEmpty && docs.first! > pending.docs.last!, "slice docs out of order")
            }
            pending.docs += docs
            pending.freqs += freqs
            pending.positions += positions
            if slice.isLast {
                result.add(field: field, term: t, docs: pending.docs, freqs: pending.freqs, positions: pending.positions)
                pending = ([], [], [])
            }
        }
        inversion.removeRuns()
        return result
    }

    @Test(arguments: [
        (1, 1, nil, nil), (7, 1, nil, nil), (50, 2, nil, nil), (1000, 2, nil, nil), (13, 4, nil, nil), (7, 1, 1, nil),
        (13, 2, 20, nil), (1, 1, nil, 2), (7, 2, 30, 5),
    ] as [(Int, Int, Int?, Int?)])
    func mergeMatchesNaiveIndex(chunkSize: Int, threads: Int, slicePositions: Int?, fanIn: Int?) throws {
        let records = SyntheticCorpus.records(count: 300, seed: 42)
        let expected = NaiveIndex(records: records)
        let got = try invertAndMerge(
            records, chunkSize: chunkSize, threads: threads, slicePositions: slicePositions, fanIn: fanIn)
        #expect(got.fieldLengths == expected.fieldLengths)
        for field in 0..<3 {
            #expect(got.postings[field].count == expected.postings[field].count)
            for (term, list) in expected.postings[field] where got.postings[field][term] != list {
                Issue.record("field \(field) term \(term) differs")
                break
            }
        }
    }

    @Test func emptyDocumentsAndEmptyChunks() throws {
        var records = SyntheticCorpus.records(count: 20, seed: 7)
        for i in stride(from: 0, to: 20, by: 3) {
            records[i].body = []
            records[i].header = []
            records[i].subject = ""
        }
        let got = try invertAndMerge(records, chunkSize: 3, threads: 2)
        #expect(got == NaiveIndex(records: records))
    }

    @Test func tokenizesExactlyLikeTheAnalyzer() throws {
        // Tokens longer than the key buffer (forcing growth mid-token), every byte value, keys of 7/8/9 bytes
        // (the inline-word boundary), and equal 8-byte prefixes with different tails.
        var body: [UInt8] = Array("abcdefg abcdefgh abcdefghi abcdefghX abcdefghY ".utf8)
        body += Array(repeating: UInt8(ascii: "Q"), count: 10_000) + [0x20]
        body += (0...255).map { UInt8($0) } + Array(" ÇA ça Ça\n".utf8)
        for _ in 0..<40 { body += Array("tail abcdefghY ".utf8) }
        let record = CableRecord(
            rowID: 1, referenceID: "X", created: CableDate(year: 2000, month: 1, day: 1)!, classification: "SECRET",
            origin: "o", header: Array(repeating: UInt8(ascii: "h"), count: 5000), body: body, subject: "Ça va")
        let got = try invertAndMerge([record, record, record], chunkSize: 2, threads: 2)
        #expect(got == NaiveIndex(records: [record, record, record]))
    }

    @Test func chunkInverterGrowsPastInitialCapacities() throws {
        // Many distinct terms force the hash table, the term table and both arenas to grow.
        var body = ""
        for i in 0..<40_000 { body += "t\(i) common " }
        let record = CableRecord(
            rowID: 1, referenceID: "X", created: CableDate(year: 2000, month: 1, day: 1)!, classification: "SECRET",
            origin: "o", header: [], body: Array(body.utf8))
        let got = try invertAndMerge([record, record], chunkSize: 1, threads: 1)
        #expect(got == NaiveIndex(records: [record, record]))
    }
}

@Suite struct MergePipelineTests {
    /// Tiny batches (every large term alone, capacity given back) must hand the consumer exactly the sequence the
    /// inline merge gives.
    @Test func tinyBatchesGiveTheInlineSequence() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let records = SyntheticCorpus.records(count: 120, seed: 9)
        let inversion = PostingsInversion(runDirectory: dir.path, expectedChunkBytes: 1 << 16)
        for start in stride(from: 0, to: records.count, by: 17) {
            try inversion.collect(try inversion.invertChunk(records: records[start..<min(start + 17, records.count)]))
        }
        func sequence(threads: Int, batchBytes: Int) throws -> [[UInt32]] {
            let readers = try inversion.runs.enumerated().map { rank, run in
                try RunReader(path: run.path, rank: rank, documentBase: run.documentBase, bufferSize: 4096)
            }
            var out: [[UInt32]] = []
            try MergePipeline.run(
                merger: RunMerger(readers: readers, slicePositions: 50), buckets: 0..<RunFile.bucketCount, threads: threads,
                batchBytes: batchBytes
            ) { key, docs, freqs, positions, slice in
                out.append(
                    key.map { UInt32($0) } + [0xFFFF_FFFF, slice.isFirst ? 1 : 0, slice.isLast ? 1 : 0] + Array(docs)
                        + Array(freqs) + Array(positions))
            }
            return out
        }
        let inline = try sequence(threads: 1, batchBytes: 1 << 20)
        #expect(inline.count > 100)
        #expect(try sequence(threads: 2, batchBytes: 64) == inline)
        #expect(try sequence(threads: 2, batchBytes: 1 << 30) == inline)
        inversion.removeRuns()
    }
}
