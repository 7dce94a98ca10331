import Foundation
import Synchronization
import Testing
@testable import CorpusIndex

@Suite struct ParallelReadingTests {
    /// Reads with `processInParallel`, returning the records in collect order and each chunk's first index.
    static func parallelRecords(_ reader: DumpReader, threads: Int, chunkBytes: Int) throws
        -> ([CableRecord], [Int], ReadSummary)
    {
        var records: [CableRecord] = []
        var firsts: [Int] = []
        let summary = try reader.processInParallel(
            threads: threads, chunkBytes: chunkBytes,
            work: { chunk -> [CableRecord] in
                var out: [CableRecord] = []
                _ = try chunk.forEachRecord { out.append($0) }
                return out
            },
            collect: { chunkRecords, chunkSummary, first in
                #expect(chunkSummary.records == chunkRecords.count)
                #expect(first == records.count)
                firsts.append(first)
                records += chunkRecords
            })
        return (records, firsts, summary)
    }

    @Test func chunkedParallelReadingGivesTheSequentialRecords() throws {
        let csv = try ReaderFixtures.repeatedCSV(copies: 20)
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        try ReaderFixtures.write(csv, to: dir + "/big.csv")
        try ReaderFixtures.write(ReaderFixtures.gzip(csv), to: dir + "/big.csv.gz")
        let (expected, sequential) = try ReaderFixtures.records([dir + "/big.csv"])
        #expect(expected.count == 240 && sequential.bytes == csv.count)
        for path in [dir + "/big.csv", dir + "/big.csv.gz"] {
            let reader = try DumpReader(paths: [path])
            var chunkStarts: [Int: [Int]] = [:]
            for chunkBytes in [1, 3000, 65_536, 1 << 20, 64 << 20] {
                for threads in [1, 2, 3, 8] {
                    let (records, firsts, summary) = try Self.parallelRecords(reader, threads: threads, chunkBytes: chunkBytes)
                    #expect(records == expected, "\(path) chunkBytes \(chunkBytes) threads \(threads)")
                    #expect(summary.records == 240 && summary.bytes == csv.count)
                    // Boundaries depend on the input and chunkBytes only.
                    if let previous = chunkStarts[chunkBytes] { #expect(previous == firsts) }
                    chunkStarts[chunkBytes] = firsts
                }
            }
            #expect(chunkStarts[1]?.count == 240)  // one record per chunk at the smallest size
            #expect(chunkStarts[64 << 20]?.count == 1)
        }
        // Several inputs read as one sequence.
        let reader = try DumpReader(paths: [dir + "/big.csv", dir + "/big.csv.gz"])
        let (both, _, _) = try Self.parallelRecords(reader, threads: 2, chunkBytes: 100_000)
        #expect(both == expected + expected)
    }

    @Test func malformedRecordErrorsCarryGlobalRecordNumbers() throws {
        var csv = try ReaderFixtures.repeatedCSV(copies: 5)
        // Break row 37: its date.
        let marker = Array("\"37\",\"".utf8)
        let at = try #require(csv.indices.first { csv[$0...].starts(with: marker) })
        csv[at + marker.count] = UInt8(ascii: "x")
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        try ReaderFixtures.write(csv, to: dir + "/bad.csv")
        for threads in [1, 2, 4] {
            for chunkBytes in [1, 20_000, 1 << 20] {
                let reader = try DumpReader(paths: [dir + "/bad.csv"])
                do {
                    _ = try Self.parallelRecords(reader, threads: threads, chunkBytes: chunkBytes)
                    Issue.record("no error")
                } catch let CorpusIndexError.malformedRecord(file, offset, record, reason) {
                    #expect(file == dir + "/bad.csv")
                    #expect(offset == at)
                    #expect(record == 37)
                    #expect(reason.contains("date"))
                }
                let skipping = try DumpReader(paths: [dir + "/bad.csv"], options: ReaderOptions(skipMalformed: true))
                let (records, _, summary) = try Self.parallelRecords(skipping, threads: threads, chunkBytes: chunkBytes)
                #expect(records.count == 59 && summary.skipped == 1)
                #expect(!records.contains { $0.rowID == 37 })
                #expect(summary.firstErrors == [
                    .malformedRecord(file: dir + "/bad.csv", offset: at, record: 37,
                                     reason: summary.firstErrors.first.map { if case let .malformedRecord(_, _, _, r) = $0 { r } else { "" } } ?? ""),
                ])
            }
        }
    }

    @Test func workErrorsStopTheReadInChunkOrder() throws {
        let csv = try ReaderFixtures.repeatedCSV(copies: 4)
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        try ReaderFixtures.write(csv, to: dir + "/w.csv")
        let reader = try DumpReader(paths: [dir + "/w.csv"])
        let collected = Mutex(0)
        #expect(throws: CorpusIndexError.invalidArgument("stop at 30")) {
            _ = try reader.processInParallel(
                threads: 4, chunkBytes: 1,
                work: { chunk -> Int in
                    var n = 0
                    _ = try chunk.forEachRecord { record in
                        if record.rowID == 30 { throw CorpusIndexError.invalidArgument("stop at 30") }
                        n += 1
                    }
                    return n
                },
                collect: { n, _, _ in collected.withLock { $0 += n } })
        }
        #expect(collected.withLock { $0 } == 29)
    }
}

extension ParallelReadingTests {
    @Test func progressAndTotalBytes() throws {
        let csv = try ReaderFixtures.repeatedCSV(copies: 6)
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        try ReaderFixtures.write(csv, to: dir + "/p.csv")
        try ReaderFixtures.write(ReaderFixtures.gzip(csv), to: dir + "/p.csv.gz")
        let seen = Mutex<[Int]>([])
        let options = ReaderOptions(progress: { bytes in seen.withLock { $0.append(bytes) } })
        let reader = try DumpReader(paths: [dir + "/p.csv"], options: options)
        #expect(reader.totalBytes == csv.count)
        _ = try Self.parallelRecords(reader, threads: 2, chunkBytes: 30_000)
        let progress = seen.withLock { $0 }
        #expect(progress.count > 3 && progress == progress.sorted() && progress.last == csv.count)
        #expect(try DumpReader(paths: [dir + "/p.csv", ReaderFixtures.path("html/2010-12")]).totalBytes
            == csv.count + 42045 + 50374 + 50144)
        #expect(try DumpReader(paths: ["-"]).totalBytes == nil)
        #expect(try DumpReader(paths: [dir + "/p.csv.gz"]).totalBytes == nil)
        #expect(throws: CorpusIndexError.self) { try DumpReader(paths: [dir + "/missing.csv"]) }
    }
}
