import Foundation
import Synchronization
import Testing
@testable import CorpusIndex

/// The continuous pipeline of `DumpReader.processInParallel`: chunks finishing out of order are still collected in
/// order, at most 2 × threads chunks are in flight, and the first error in chunk order wins.
@Suite struct ChunkPipelineTests {
    /// A pause of 0–3 ms chosen by the chunk index, so that workers finish chunks out of order.
    static func unevenPause(_ index: Int) {
        let micros = UInt32((index &* 2_654_435_761) % 4) * 1000
        if micros > 0 { usleep(micros) }
    }

    /// A CSV of 240 rows whose row sizes vary a lot (every seventh row gets a long body), so chunks are uneven.
    static func unevenCSV() throws -> [UInt8] {
        let csv = try ReaderFixtures.repeatedCSV(copies: 20)
        let rows = try ReaderFixtures.splitCSVRows(csv)
        var out: [UInt8] = []
        for (i, row) in rows.enumerated() {
            guard i % 7 == 3, let close = row.lastIndex(of: UInt8(ascii: "\"")) else {
                out += row
                continue
            }
            out += row[..<close]
            out += Array(repeating: UInt8(ascii: "x"), count: 5_000 + (i * 997) % 20_000)
            out += row[close...]
        }
        return out
    }

    @Test func unevenChunksFinishingOutOfOrderAreCollectedInOrder() throws {
        let csv = try Self.unevenCSV()
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        try ReaderFixtures.write(csv, to: dir + "/u.csv")
        try ReaderFixtures.write(ReaderFixtures.gzip(csv), to: dir + "/u.csv.gz")
        let (expected, _) = try ReaderFixtures.records([dir + "/u.csv"])
        #expect(expected.count == 240)
        for path in [dir + "/u.csv", dir + "/u.csv.gz"] {
            let reader = try DumpReader(paths: [path])
            for chunkBytes in [1, 2_000, 30_000] {
                var baseline: [Int]? = nil
                for threads in [1, 2, 3, 8] {
                    let inFlight = Mutex((started: 0, collected: 0, most: 0))
                    var records: [CableRecord] = []
                    var firsts: [Int] = []
                    var chunkBytesSeen: [Int] = []
                    let summary = try reader.processInParallel(
                        threads: threads, chunkBytes: chunkBytes,
                        work: { chunk -> (Int, [CableRecord]) in
                            inFlight.withLock { state in
                                state.started += 1
                                state.most = max(state.most, state.started - state.collected)
                            }
                            Self.unevenPause(chunk.index)
                            var out: [CableRecord] = []
                            _ = try chunk.forEachRecord { out.append($0) }
                            return (chunk.index, out)
                        },
                        collect: { result, chunkSummary, first in
                            #expect(result.0 == firsts.count, "chunk \(result.0) collected as #\(firsts.count)")
                            #expect(first == records.count && chunkSummary.records == result.1.count)
                            firsts.append(first)
                            chunkBytesSeen.append(chunkSummary.bytes)
                            records += result.1
                            inFlight.withLock { $0.collected += 1 }
                        })
                    let label = "\(path) chunkBytes \(chunkBytes) threads \(threads)"
                    #expect(records == expected, "\(label)")
                    #expect(summary.records == 240 && summary.bytes == csv.count, "\(label)")
                    #expect(chunkBytesSeen.reduce(0, +) == csv.count, "\(label)")
                    #expect(inFlight.withLock { $0.most } <= 2 * threads, "\(label): too many chunks in flight")
                    if let baseline { #expect(firsts == baseline, "\(label): boundaries moved") }
                    baseline = firsts
                }
            }
        }
    }

    /// No barrier: while chunk 0 is still being worked, the other worker goes on with chunks 1, 2 and 3 (the
    /// in-flight bound is 2 × threads = 4). Chunk 0 waits until chunk 3 has started; with waves of two chunks it
    /// would wait in vain (the semaphore's timeout only keeps a regression from hanging the suite).
    @Test(.enabled(if: ProcessInfo.processInfo.activeProcessorCount >= 2))
    func aSlowChunkDoesNotHoldBackTheNextOnes() throws {
        let csv = try ReaderFixtures.repeatedCSV(copies: 1)  // 12 rows
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        try ReaderFixtures.write(csv, to: dir + "/s.csv")
        let reader = try DumpReader(paths: [dir + "/s.csv"])
        let thirdStarted = DispatchSemaphore(value: 0)
        let overtaken = Mutex(false)
        var collected: [Int] = []
        _ = try reader.processInParallel(
            threads: 2, chunkBytes: 1,
            work: { chunk -> Int in
                if chunk.index == 3 { thirdStarted.signal() }
                if chunk.index == 0 {
                    let result = thirdStarted.wait(timeout: .now() + 30)
                    overtaken.withLock { $0 = result == .success }
                }
                _ = try chunk.forEachRecord { _ in }
                return chunk.index
            },
            collect: { index, _, _ in collected.append(index) })
        #expect(overtaken.withLock { $0 }, "chunk 3 did not start while chunk 0 was being worked")
        #expect(collected == Array(0..<12))
    }

    /// Chunks 5 and 9 fail; chunk 9 fails first in time (chunk 5 is slow), yet chunk 5's error surfaces, after
    /// exactly the chunks before it were collected.
    @Test func firstErrorInChunkOrderWinsOverAnEarlierFailureInTime() throws {
        let csv = try ReaderFixtures.repeatedCSV(copies: 4)  // 48 rows
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        try ReaderFixtures.write(csv, to: dir + "/e.csv")
        let reader = try DumpReader(paths: [dir + "/e.csv"])
        for threads in [2, 3, 8] {
            var collected: [Int] = []
            #expect(throws: CorpusIndexError.invalidArgument("chunk 5")) {
                _ = try reader.processInParallel(
                    threads: threads, chunkBytes: 1,  // one record per chunk
                    work: { chunk -> Int in
                        if chunk.index == 5 {
                            usleep(20_000)
                            throw CorpusIndexError.invalidArgument("chunk 5")
                        }
                        if chunk.index == 9 { throw CorpusIndexError.invalidArgument("chunk 9") }
                        _ = try chunk.forEachRecord { _ in }
                        return chunk.index
                    },
                    collect: { index, _, _ in collected.append(index) })
            }
            #expect(collected == Array(0..<5), "threads \(threads)")
        }
    }

    /// A malformed record in a late chunk: the chunks before it are collected, the error names the global record.
    @Test func malformedRecordInALateChunkAfterEarlierChunksSucceed() throws {
        var csv = try ReaderFixtures.repeatedCSV(copies: 4)
        let marker = Array("\"41\",\"".utf8)
        let at = try #require(csv.indices.first { csv[$0...].starts(with: marker) })
        csv[at + marker.count] = UInt8(ascii: "x")  // row 41's date
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        try ReaderFixtures.write(csv, to: dir + "/m.csv")
        let reader = try DumpReader(paths: [dir + "/m.csv"])
        for threads in [2, 3, 8] {
            var collected = 0
            do {
                _ = try reader.processInParallel(
                    threads: threads, chunkBytes: 1,
                    work: { chunk -> Int in
                        Self.unevenPause(chunk.index)
                        return try chunk.forEachRecord { _ in }.records
                    },
                    collect: { n, _, _ in collected += n })
                Issue.record("no error")
            } catch let CorpusIndexError.malformedRecord(file, offset, record, _) {
                #expect(file == dir + "/m.csv" && offset == at && record == 41)
            }
            #expect(collected == 40, "threads \(threads)")
        }
    }

    /// `collect` throwing stops the read: no `work` runs after `processInParallel` returns, and the workers did
    /// not run further ahead than the in-flight bound.
    @Test func collectErrorStopsTheWorkers() throws {
        let csv = try ReaderFixtures.repeatedCSV(copies: 10)  // 120 rows
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        try ReaderFixtures.write(csv, to: dir + "/c.csv")
        let reader = try DumpReader(paths: [dir + "/c.csv"])
        for threads in [2, 4] {
            let counts = Mutex((running: 0, started: 0))
            #expect(throws: CorpusIndexError.invalidArgument("enough")) {
                _ = try reader.processInParallel(
                    threads: threads, chunkBytes: 1,
                    work: { chunk -> Int in
                        counts.withLock { $0.running += 1; $0.started += 1 }
                        defer { counts.withLock { $0.running -= 1 } }
                        Self.unevenPause(chunk.index)
                        return try chunk.forEachRecord { _ in }.records
                    },
                    collect: { _, _, first in
                        if first == 10 { throw CorpusIndexError.invalidArgument("enough") }
                    })
            }
            let final = counts.withLock { $0 }
            #expect(final.running == 0)
            #expect(final.started <= 11 + 2 * threads, "threads \(threads): \(final.started) chunks started")
        }
    }
}
