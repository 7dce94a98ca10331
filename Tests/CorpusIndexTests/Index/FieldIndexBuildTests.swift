import Foundation
import Testing
@testable import CorpusIndex

/// Runs → merge → the format's FieldIndexWriter → FieldIndexReader, compared with the naive index.
@Suite struct FieldIndexBuildTests {
    func buildFields(
        _ records: [CableRecord], chunkSize: Int, threads: Int, slicePositions: Int? = nil, in dir: String
    ) throws {
        let runs = dir + "/runs"
        try FileManager.default.createDirectory(atPath: runs, withIntermediateDirectories: true)
        let inversion = PostingsInversion(runDirectory: runs, expectedChunkBytes: 1 << 16)
        for start in stride(from: 0, to: records.count, by: chunkSize) {
            try inversion.collect(try inversion.invertChunk(records: records[start..<min(start + chunkSize, records.count)]))
        }
        let writers = try TextField.allCases.enumerated().map { ordinal, field in
            try inversion.fieldLengths[ordinal].withUnsafeBufferPointer {
                try FieldIndexWriter(directory: dir, field: field.rawValue, documentCount: records.count, fieldLengths: $0)
            }
        }
        try inversion.merge(threads: threads, memoryBudget: 1 << 20, slicePositions: slicePositions) {
            field, term, docs, freqs, positions, slice in
            try writers[field].add(term: term, docs: docs, freqs: freqs, positions: positions, slice: slice)
        }
        for writer in writers { _ = try writer.finish() }
        inversion.removeRuns()
        try FileManager.default.removeItem(atPath: runs)
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
        try buildFields(records, chunkSize: 37, threads: 2, in: dir.path)
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
        try buildFields(records, chunkSize: 250, threads: 1, in: a.path)
        try buildFields(records, chunkSize: 3, threads: 4, in: b.path)
        try expectSameFiles(a.path, b.path)
        // Terms streamed to the writers run by run (every run's share its own slice) change nothing.
        let c = try TemporaryDirectory()
        defer { c.remove() }
        try buildFields(records, chunkSize: 3, threads: 1, slicePositions: 1, in: c.path)
        try expectSameFiles(a.path, c.path)
        let d = try TemporaryDirectory()
        defer { d.remove() }
        try buildFields(records, chunkSize: 5, threads: 2, slicePositions: 30, in: d.path)
        try expectSameFiles(a.path, d.path)
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
