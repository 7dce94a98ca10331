import Foundation
import Testing
@testable import CorpusIndex

/// The build's spilling structures (keyword postings runs, per-document column and field-length spills): they
/// round-trip exactly, and an index built with everything spilled is byte-identical to one built in memory.
@Suite struct BoundedMemoryBuildTests {
    func files(_ dir: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
            out[name] = FileManager.default.contents(atPath: dir + "/" + name)
        }
        return out
    }

    @Test func spillingTheKeywordPostingsGivesTheSameIndexByteForByte() throws {
        let count = 300
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let csv = dir.path + "/dump.csv"
        try Data(try DumpGenerator(cables: count, seed: 9).csvData()).write(to: URL(fileURLWithPath: csv))
        // No spill; a few runs; one run per document (more than the fan-in: intermediate passes); with 1 thread.
        let budgets: [(String, Int?, Int)] = [("memory", nil, 2), ("some", 20_000, 2), ("every", 1, 2), ("one", 1, 1)]
        var results: [[String: Data]] = []
        for (name, budget, threads) in budgets {
            var options = BuildOptions(threads: threads, memoryBudget: 64 << 20)
            options.fixedKeywordPostingsBudget = budget
            options.fixedChunkBytes = 50_000
            let report = try IndexBuild.build(
                reader: try DumpReader(paths: [csv]), to: dir.path + "/" + name, options: options)
            #expect(report.result.manifest.documentCount == count)
            switch name {
            case "memory": #expect(report.result.keywordSpills == 0)
            case "some": #expect((2...50).contains(report.result.keywordSpills))
            default: #expect(report.result.keywordSpills == count)
            }
            results.append(try files(dir.path + "/" + name))
            // The staging directory and its runs are gone: only the index files remain.
            #expect(!results.last!.keys.contains { $0.hasSuffix(".run") || $0.hasSuffix(".spill") || $0 == "runs" })
        }
        #expect(results[0].count > 10)
        for other in results.dropFirst() {
            #expect(other.keys.sorted() == results[0].keys.sorted())
            for (name, bytes) in results[0] { #expect(other[name] == bytes, "\(name) differs") }
        }
        let index = try IndexReader(path: dir.path + "/every")
        _ = try index.verify()
    }

    /// A naive model: value -> docs, per field.
    func naive(_ notes: [(KeywordField, String, UInt32)]) -> [[(value: [UInt8], docs: [UInt32])]] {
        KeywordField.allCases.map { field in
            var table: [[UInt8]: [UInt32]] = [:]
            for (f, value, doc) in notes where f == field {
                let key = Array(value.utf8)
                if table[key]?.last != doc { table[key, default: []].append(doc) }
            }
            return table.keys.sorted { $0.lexicographicallyPrecedes($1) }.map { ($0, table[$0]!) }
        }
    }

    final class RecordingSink: KeywordPostingsSink {
        var values: [(value: [UInt8], docs: [UInt32])] = []
        func beginValue(_ value: UnsafeRawBufferPointer) throws { values.append((Array(value), [])) }
        func appendDocs(_ docs: UnsafeBufferPointer<UInt32>) throws { values[values.count - 1].docs += docs }
        func endValue() throws {}
    }

    @Test(arguments: [1 << 30, 5_000, 300, 1])
    func keywordCollectorMatchesANaiveTable(budget: Int) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var rng = SplitMix64(seed: UInt64(budget))
        // Byte-distinct but canonically equivalent values stay distinct; a value listed twice counts once; a
        // frequent value spans every run; an empty value is a value.
        let pool = ["PREL", "PGOV", "e\u{301}lection", "\u{e9}lection", "", "東京", "OVIP (STEINBERG, JAMES B.)"]
        var notes: [(KeywordField, String, UInt32)] = []
        let collector = KeywordPostingsCollector(directory: dir.path, memoryBudget: budget)
        for doc in UInt32(0)..<700 {
            var mine: [(KeywordField, String)] = [(.refid, "07PRISTINA\(doc)"), (.classification, "SECRET")]
            for _ in 0..<Int(rng.next() % 4) { mine.append((.tag, pool[Int(rng.next() % UInt64(pool.count))])) }
            if doc % 3 == 0 { mine.append((.reference, "06STATE\(rng.next() % 40)")) }
            for (field, value) in mine {
                collector.add(field, value, doc: doc)
                notes.append((field, value, doc))
            }
            try collector.endDocument()
        }
        if budget == 1 { #expect(collector.spillCount == 700) }
        if budget == 1 << 30 { #expect(collector.spillCount == 0) }
        let expected = naive(notes)
        for (f, field) in KeywordField.allCases.enumerated() {
            let sink = RecordingSink()
            var ordinals: [[UInt8]] = []
            try collector.write(field, to: sink) { ordinals.append(Array($0)) }
            #expect(sink.values.map(\.value) == expected[f].map(\.value), "\(field) values")
            #expect(sink.values.map(\.docs) == expected[f].map(\.docs), "\(field) docs")
            #expect(ordinals == expected[f].map(\.value))
        }
        collector.removeRuns()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func spilledColumnRoundTrips() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let column = try SpilledColumn<Int64>(path: dir.path + "/c.spill", bufferSize: 4096)
        var rng = SplitMix64(seed: 3)
        let values = (0..<50_000).map { _ in Int64(bitPattern: rng.next()) }
        for v in values.prefix(1000) { try column.append(v) }
        try values.dropFirst(1000).withUnsafeBufferPointer { try column.append(contentsOf: $0) }
        #expect(column.count == values.count)
        var back: [Int64] = []
        try column.read(pieceValues: 777) { back += $0 }
        #expect(back == values)
        var bytes: [UInt8] = []
        try column.readBytes { bytes += $0 }
        #expect(bytes.count == values.count * 8)
        #expect(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8 * 4321, as: Int64.self) } == values[4321].littleEndian)
        column.remove()
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/c.spill"))
    }

    @Test func aTruncatedKeywordRunIsReportedNotTrusted() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let writer = try KeywordRunWriter(path: dir.path + "/k.run")
        for value in ["A", "B"] {
            try Array(value.utf8).withUnsafeBytes { try writer.beginValue($0) }
            try [1, 5, 9].withUnsafeBufferPointer { try writer.appendDocs($0) }
            try writer.endValue()
        }
        writer.endField()
        let run = try writer.finish()
        let cut = run.fields[0].lowerBound..<(run.fields[0].upperBound - 2)
        let cursor = try KeywordRunCursor(path: run.path, range: run.fields[0], rank: 0)
        var docs: [UInt32] = []
        try cursor.readDocs { docs += $0 }
        #expect(cursor.value == Array("A".utf8) && docs == [1, 5, 9])
        let truncated = try KeywordRunCursor(path: run.path, range: cut, rank: 0)
        try truncated.advance()
        #expect(throws: CorpusIndexError.self) { try truncated.readDocs { _ in } }
    }

    /// Every (key, docs, freqs, positions) a merge of `runs` yields, slices joined back.
    func mergeAll(_ runs: [(path: String, base: UInt32)], bufferSize: Int, slicePositions: Int = 1 << 20) throws
        -> [[UInt8]: [[UInt32]]]
    {
        let readers = try runs.enumerated().map { rank, run in
            try RunReader(path: run.path, rank: rank, documentBase: run.base, bufferSize: bufferSize)
        }
        var out: [[UInt8]: [[UInt32]]] = [:]
        try RunMerger(readers: readers, slicePositions: slicePositions).merge(buckets: 0..<RunFile.bucketCount) {
            key, postings, _ in
            let k = Array(key)
            var lists = out[k] ?? [[], [], []]
            lists[0] += postings.docsBuffer
            lists[1] += postings.freqsBuffer
            lists[2] += postings.positionsBuffer
            out[k] = lists
        }
        return out
    }

    /// Joined runs hold lists that grow with the input; a reader streams those larger than its buffer instead of
    /// holding them, and the merge and a further join give exactly what whole lists give.
    @Test func runListsLargerThanTheReaderBufferAreStreamedExactly() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let records = SyntheticCorpus.records(count: 400, seed: 11)
        let inversion = PostingsInversion(runDirectory: dir.path, expectedChunkBytes: 1 << 16)
        for start in stride(from: 0, to: records.count, by: 9) {
            try inversion.collect(try inversion.invertChunk(records: records[start..<min(start + 9, records.count)]))
        }
        let runs = inversion.runs
        let expected = try mergeAll(runs.map { ($0.path, $0.documentBase) }, bufferSize: 1 << 20)
        // Two joined runs (big readers), then both joined again by small readers (deferred lists) and by big ones.
        let half = runs.count / 2
        var joined: [(path: String, base: UInt32)] = []
        for (n, group) in [runs[..<half], runs[half...]].enumerated() {
            let readers = try group.enumerated().map { rank, run in
                try RunReader(path: run.path, rank: rank, documentBase: run.documentBase, bufferSize: 1 << 20)
            }
            let count = Int(group.last!.documentBase + group.last!.documentCount - group.first!.documentBase)
            _ = try RunConcatenation.concatenate(readers, documentCount: count, into: "\(dir.path)/joined-\(n).run")
            joined.append(("\(dir.path)/joined-\(n).run", group.first!.documentBase))
        }
        var bytes: [Data] = []
        for (name, bufferSize) in [("big", 1 << 20), ("small", 4096)] {
            let readers = try joined.enumerated().map { rank, run in
                try RunReader(path: run.path, rank: rank, documentBase: run.base, bufferSize: bufferSize)
            }
            _ = try RunConcatenation.concatenate(readers, documentCount: records.count, into: "\(dir.path)/\(name).run")
            bytes.append(try Data(contentsOf: URL(fileURLWithPath: "\(dir.path)/\(name).run")))
        }
        #expect(bytes[0] == bytes[1])
        // The small reader really defers lists (some exceed 4 KiB), and merges give the same postings.
        let reader = try RunReader(path: "\(dir.path)/small.run", rank: 0, documentBase: 0, bufferSize: 4096)
        var deferred = 0
        try RunMerger(readers: [reader]).forEachKey(buckets: 0..<RunFile.bucketCount) { _, group in
            if group[0].postingsLength > 4096 { deferred += 1 }
        }
        #expect(deferred >= 1)
        #expect(try mergeAll([("\(dir.path)/small.run", 0)], bufferSize: 4096) == expected)
        #expect(try mergeAll(joined, bufferSize: 4096, slicePositions: 100) == expected)
        inversion.removeRuns()
    }
}
