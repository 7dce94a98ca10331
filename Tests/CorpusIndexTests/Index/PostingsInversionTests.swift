import Foundation
import Testing
@testable import CorpusIndex

@Suite struct PostingsInversionTests {
    /// Inverts `records` cut into chunks of `chunkSize` (waves of `threads` chunks inverted concurrently, collected
    /// in order), then merges, collecting into a NaiveIndex.
    /// Sliced terms (`slicePositions`) are concatenated back; slices must come first-to-last, uninterrupted.
    func invertAndMerge(
        _ records: [CableRecord], chunkSize: Int, threads: Int, slicePositions: Int? = nil, fanIn: Int? = nil
    ) throws -> NaiveIndex {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let inversion = PostingsInversion(runDirectory: dir.path, expectedChunkBytes: 1 << 16)
        let chunks = stride(from: 0, to: records.count, by: chunkSize).map { records[$0..<min($0 + chunkSize, records.count)] }
        for waveStart in stride(from: 0, to: chunks.count, by: threads) {
            let wave = Array(chunks[waveStart..<min(waveStart + threads, chunks.count)])
            let slots = DisjointSlots<Result<PostingsInversion.Run, Error>>(count: wave.count)
            DispatchQueue.concurrentPerform(iterations: wave.count) { i in
                slots[i] = Result { try inversion.invertChunk(records: wave[i]) }
            }
            for run in slots.takeAll() { try inversion.collect(try run.get()) }
        }
        var result = NaiveIndex()
        result.fieldLengths = try inversion.readFieldLengths()
        var previous: (Int, [UInt8])? = nil
        var pending: (docs: [UInt32], freqs: [UInt32], positions: [UInt32]) = ([], [], [])
        try inversion.merge(memoryBudget: 1 << 20, slicePositions: slicePositions, fanIn: fanIn) {
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

@Suite struct PartitionedMergeTests {
    /// Segments cover every non-empty bucket once, in order, never across a field, at about equal sizes.
    @Test func segmentsCoverTheBucketsInOrderWithinFields() {
        var random = SplitMix64(seed: 21)
        var bytes = [Int](repeating: 0, count: RunFile.bucketCount)
        for b in 0..<RunFile.bucketCount where random.next() % 3 != 0 { bytes[b] = Int(random.next() % 10_000) }
        bytes[0 * 256 + 116] = 400_000  // one huge bucket (a "t" in the body)
        bytes[2 * 256 + 7] = 0
        for (count, threads) in [(1, 1), (2, 1), (5, 2), (16, 2), (16, 1), (64, 8), (10_000, 2)] {
            let segments = PartitionedMerge.segments(bucketBytes: bytes, count: count, threads: threads)
            var next = 0
            for segment in segments {
                #expect(segment.buckets.lowerBound >= next)
                #expect(segment.buckets.lowerBound / 256 == segment.field && (segment.buckets.upperBound - 1) / 256 == segment.field)
                #expect(bytes[next..<segment.buckets.lowerBound].allSatisfy { $0 == 0 }, "a non-empty bucket skipped")
                #expect(segment.bytes == bytes[segment.buckets].reduce(0, +))
                #expect(segment.bytes > 0)
                next = segment.buckets.upperBound
            }
            #expect(bytes[next...].allSatisfy { $0 == 0 })
            let total = bytes.reduce(0, +)
            let base = total / count
            #expect(segments.count <= 4 * count + RunFile.fieldCount)
            // Every segment but a field's last reaches its target, which is total / count until the bytes left
            // get below 2 × threads of it, then shrinks down to a quarter of it; none passes its target by more
            // than one bucket.
            var remaining = total
            for (segment, following) in zip(segments, segments.dropFirst()) {
                let target = PartitionedMerge.segmentTarget(remaining: remaining, total: total, count: count, threads: threads)
                #expect(target <= max(base, 1) && target >= max(base / 4, 1))
                #expect(target == max(base / 4, 1) || target == max(base, 1) || target == remaining / (2 * threads))
                if following.field == segment.field {
                    #expect(segment.bytes >= target)
                    #expect(segment.bytes - bytes[segment.buckets.upperBound - 1] < target)
                }
                remaining -= segment.bytes
            }
        }
        // The tail shrinks: with 2 threads the last segments of a long field are smaller than the first ones.
        let flat = [Int](repeating: 1_000, count: 256) + [Int](repeating: 0, count: RunFile.bucketCount - 256)
        let guided = PartitionedMerge.segments(bucketBytes: flat, count: 16, threads: 2)
        #expect(guided.first!.bytes == 16_000 && guided.last!.bytes <= 4_000)
        #expect(zip(guided, guided.dropFirst()).allSatisfy { $0.bytes >= $1.bytes || $1.buckets.upperBound == 256 })
    }

    /// A failing worker stops the merge, the error comes out and no part file is left behind.
    @Test func aFailingSegmentLeavesNoPartFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let runs = dir.path + "/runs"
        try FileManager.default.createDirectory(atPath: runs, withIntermediateDirectories: true)
        let records = SyntheticCorpus.records(count: 120, seed: 4)
        let inversion = PostingsInversion(runDirectory: runs, expectedChunkBytes: 1 << 16)
        for start in stride(from: 0, to: records.count, by: 13) {
            try inversion.collect(try inversion.invertChunk(records: records[start..<min(start + 13, records.count)]))
        }
        let writers = try inversion.makeFieldWriters(directory: dir.path)
        // A run whose first entry is garbage: the worker merging that segment fails.
        let corrupt = inversion.runs.first!.path
        let handle = try #require(FileHandle(forWritingAtPath: corrupt))
        try handle.seek(toOffset: 8)
        handle.write(Data([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]))
        try handle.close()
        #expect(throws: CorpusIndexError.self) {
            try inversion.merge(into: writers, threads: 2, memoryBudget: 1 << 20, segmentsPerThread: 50)
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: runs).filter { $0.hasPrefix("part-") }
        #expect(left.isEmpty, "part files left behind: \(left)")
        inversion.removeRuns()
    }
}
