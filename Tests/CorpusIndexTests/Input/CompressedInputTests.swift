import Foundation
import Testing
@testable import CorpusIndex

#if canImport(Glibc)
import Glibc
#endif

@Suite struct CompressedInputTests {
    @Test func gzipAndLZ4GiveThePlainRecords() throws {
        let csv = try ReaderFixtures.repeatedCSV(copies: 3)
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        try ReaderFixtures.write(csv, to: dir + "/c.csv")
        try ReaderFixtures.write(ReaderFixtures.gzip(csv), to: dir + "/c.csv.gz")
        try ReaderFixtures.write(ReaderFixtures.lz4(csv), to: dir + "/c.csv.lz4")
        // Named without an extension: the content decides.
        try ReaderFixtures.write(ReaderFixtures.lz4(csv), to: dir + "/noext")
        let (plain, _) = try ReaderFixtures.records([dir + "/c.csv"])
        #expect(plain.count == 36)
        for name in ["c.csv.gz", "c.csv.lz4", "noext"] {
            for chunkBytes in [1, 10_000, 1 << 24] {
                let (records, summary) = try ReaderFixtures.records([dir + "/" + name], chunkBytes: chunkBytes)
                #expect(records == plain, "\(name) chunk \(chunkBytes)")
                #expect(summary.bytes == csv.count)
            }
        }
        // Two gzip members one after the other read as one stream.
        try ReaderFixtures.write(ReaderFixtures.gzip(Array(csv[0..<1000])) + ReaderFixtures.gzip(Array(csv[1000...])),
                                 to: dir + "/two.gz")
        #expect(try ReaderFixtures.records([dir + "/two.gz"]).0 == plain)
    }

    @Test(arguments: ["gz", "lz4"])
    func truncatedCompressedInputIsAnErrorNotACrash(kind: String) throws {
        let csv = try ReaderFixtures.repeatedCSV(copies: 2)
        let packed = kind == "gz" ? ReaderFixtures.gzip(csv) : ReaderFixtures.lz4(csv)
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        for cut in [packed.count - 1, packed.count / 2, 7] {
            let path = dir + "/t.\(kind)"
            try ReaderFixtures.write(Array(packed[0..<cut]), to: path)
            #expect(throws: CorpusIndexError.self) {
                _ = try ReaderFixtures.records([path], options: ReaderOptions(skipMalformed: true))
            }
        }
        // Corrupt bytes in the middle.
        var corrupt = packed
        for i in stride(from: 20, to: corrupt.count, by: 97) { corrupt[i] ^= 0x5A }
        try ReaderFixtures.write(corrupt, to: dir + "/c.\(kind)")
        #expect(throws: (any Error).self) {
            _ = try ReaderFixtures.records([dir + "/c.\(kind)"], options: ReaderOptions(skipMalformed: true))
        }
    }

    @Test func pipedInputIsStreamed() throws {
        let csv = try ReaderFixtures.repeatedCSV(copies: 4)
        let (expected, _) = try ReaderFixtures.records([ReaderFixtures.path("cables-first12.csv")])
        for payload in [csv, ReaderFixtures.gzip(csv)] {
            var fds: [Int32] = [0, 0]
            #expect(pipe(&fds) == 0)
            let writeEnd = fds[1]
            let writer = Thread {
                payload.withUnsafeBytes { raw in
                    var done = 0
                    while done < raw.count {
                        let n = write(writeEnd, raw.baseAddress! + done, raw.count - done)
                        if n <= 0 { break }
                        done += n
                    }
                }
                close(writeEnd)
            }
            writer.start()
            let (records, summary) = try ReaderFixtures.records(["/dev/fd/\(fds[0])"], chunkBytes: 50_000)
            close(fds[0])
            #expect(records.count == 48)
            #expect(summary.bytes == csv.count)
            #expect(records.prefix(12).map(\.referenceID) == expected.map(\.referenceID))
            #expect(records.map(\.rowID) == (1...48).map { $0 })
        }
    }
}

extension CompressedInputTests {
    /// A truncated stream read in parallel: the chunks before the damage are collected, in order, then the error.
    @Test func truncatedStreamInParallelCollectsTheEarlierChunksFirst() throws {
        let csv = try ReaderFixtures.repeatedCSV(copies: 10)
        let packed = ReaderFixtures.gzip(csv)
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        try ReaderFixtures.write(Array(packed.prefix(packed.count * 3 / 4)), to: dir + "/t.gz")
        let reader = try DumpReader(paths: [dir + "/t.gz"])
        var collected: [Int] = []
        #expect(throws: CorpusIndexError.self) {
            _ = try reader.processInParallel(
                threads: 2, chunkBytes: 20_000,
                work: { chunk -> [Int] in
                    var ids: [Int] = []
                    _ = try chunk.forEachRecord { ids.append($0.rowID ?? 0) }
                    return ids
                },
                collect: { ids, _, first in
                    #expect(first == collected.count)
                    collected += ids
                })
        }
        #expect(collected.count > 12)
        #expect(collected == Array(1...collected.count))
    }
}
