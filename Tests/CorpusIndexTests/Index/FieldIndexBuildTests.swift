import Foundation
import Testing
@testable import CorpusIndex

/// Runs → merge → the format's FieldIndexWriter → FieldIndexReader, compared with the naive index.
@Suite struct FieldIndexBuildTests {
    func buildFields(
        _ records: [CableRecord], chunkSize: Int, threads: Int, drainBytes: Int? = nil, fanIn: Int? = nil,
        segmentsPerThread: Int = 8, in dir: String
    ) throws -> PostingsInversion {
        let runs = dir + "/runs"
        try FileManager.default.createDirectory(atPath: runs, withIntermediateDirectories: true)
        let inversion = PostingsInversion(runDirectory: runs, expectedChunkBytes: 1 << 16)
        for start in stride(from: 0, to: records.count, by: chunkSize) {
            try inversion.collect(try inversion.invertChunk(records: records[start..<min(start + chunkSize, records.count)]))
        }
        let writers = try inversion.makeFieldWriters(directory: dir)
        if let drainBytes { for writer in writers { writer.positionsDrainBytes = drainBytes } }
        try inversion.merge(
            into: writers, threads: threads, memoryBudget: 1 << 20, fanIn: fanIn, segmentsPerThread: segmentsPerThread)
        for writer in writers { _ = try writer.finish() }
        inversion.removeRuns()
        #expect(try FileManager.default.contentsOfDirectory(atPath: runs).isEmpty, "run files left behind")
        try FileManager.default.removeItem(atPath: runs)
        return inversion
    }

    func readFields(_ dir: String, documentCount: Int) throws -> NaiveIndex {
        try NaiveIndex(fields: TextField.allCases.map {
            try FieldIndexReader(directory: dir, field: $0.rawValue, documentCount: documentCount)
        })
    }

    @Test func postingsDecodeToTheNaiveIndex() throws {
        let records = SyntheticCorpus.records(count: 400, seed: 3)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        _ = try buildFields(records, chunkSize: 37, threads: 2, in: dir.path)
        let got = try readFields(dir.path, documentCount: records.count)
        let expected = NaiveIndex(records: records)
        #expect(got.fieldLengths == expected.fieldLengths)
        for field in 0..<3 {
            #expect(got.postings[field].count == expected.postings[field].count)
            #expect(got.postings[field] == expected.postings[field])
        }
    }

    @Test func filesAreByteIdenticalAcrossThreadsAndChunking() throws {
        let records = SyntheticCorpus.records(count: 250, seed: 11)
        let a = try TemporaryDirectory()
        let b = try TemporaryDirectory()
        defer { a.remove(); b.remove() }
        _ = try buildFields(records, chunkSize: 250, threads: 1, in: a.path)
        _ = try buildFields(records, chunkSize: 3, threads: 4, in: b.path)
        try expectSameFiles(a.path, b.path)
        // Positions written out mid-term (after every run's share, or every few) change nothing.
        let c = try TemporaryDirectory()
        defer { c.remove() }
        _ = try buildFields(records, chunkSize: 3, threads: 1, drainBytes: 1, in: c.path)
        try expectSameFiles(a.path, c.path)
        let d = try TemporaryDirectory()
        defer { d.remove() }
        _ = try buildFields(records, chunkSize: 5, threads: 2, drainBytes: 30, in: d.path)
        try expectSameFiles(a.path, d.path)
    }

    /// Many runs and a tiny fan-in force intermediate passes (runs joined by concatenation): same index.
    @Test(arguments: [2, 3, 7])
    func intermediatePassesGiveTheSameIndex(fanIn: Int) throws {
        let records = SyntheticCorpus.records(count: 250, seed: 11)
        let a = try TemporaryDirectory()
        let b = try TemporaryDirectory()
        defer { a.remove(); b.remove() }
        let direct = try buildFields(records, chunkSize: 4, threads: 1, fanIn: 100, in: a.path)
        #expect(direct.intermediatePasses == 0)
        let passes = try buildFields(records, chunkSize: 4, threads: 2, drainBytes: 40, fanIn: fanIn, in: b.path)
        #expect(passes.runCount == 63)
        var expectedPasses = 0
        var remaining = 63
        while remaining > fanIn { remaining = (remaining + fanIn - 1) / fanIn; expectedPasses += 1 }
        #expect(passes.intermediatePasses == expectedPasses)
        #expect(passes.runs.count == remaining)
        try expectSameFiles(a.path, b.path)
    }

    /// The partitioned merge (one segment per bucket, a few segments, one per field) gives the one-thread files,
    /// with positions drained mid-term inside the parts.
    @Test(arguments: [1, 3, 1000])
    func partitionedMergeGivesTheSameIndex(segmentsPerThread: Int) throws {
        let records = SyntheticCorpus.records(count: 300, seed: 5)
        let a = try TemporaryDirectory()
        let b = try TemporaryDirectory()
        let c = try TemporaryDirectory()
        defer { a.remove(); b.remove(); c.remove() }
        _ = try buildFields(records, chunkSize: 300, threads: 1, in: a.path)
        _ = try buildFields(records, chunkSize: 7, threads: 2, segmentsPerThread: segmentsPerThread, in: b.path)
        try expectSameFiles(a.path, b.path)
        _ = try buildFields(
            records, chunkSize: 11, threads: 3, drainBytes: 20, segmentsPerThread: segmentsPerThread, in: c.path)
        try expectSameFiles(a.path, c.path)
    }

    func expectSameFiles(_ a: String, _ b: String) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: a).sorted()
        #expect(!names.isEmpty)
        #expect(names == (try FileManager.default.contentsOfDirectory(atPath: b).sorted()))
        for name in names {
            #expect(FileManager.default.contents(atPath: a + "/" + name) == FileManager.default.contents(atPath: b + "/" + name), "\(name) differs")
        }
    }
}
