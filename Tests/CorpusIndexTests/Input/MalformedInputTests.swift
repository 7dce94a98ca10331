import Foundation
import Testing
@testable import CorpusIndex

@Suite struct MalformedInputTests {
    static let good14 = #""14","1/2/2003 4:05","03GOOD14","Embassy X","SECRET","","H","TAGS: PREL\nSUBJECT: FINE\n""# + "\n"

    /// (name, the bad record's text, a word the reason must contain)
    static let cases: [(String, String, String)] = [
        ("seven fields", #""13","1/2/2003 4:05","03BAD13","Embassy X","SECRET","","H""# + "\n", "','"),
        ("nine fields", #""13","1/2/2003 4:05","03BAD13","Embassy X","SECRET","","H","B","extra""# + "\n", "more than 8"),
        ("unparsable date", #""13","13/45/2003 4:05","03BAD13","Embassy X","SECRET","","H","B""# + "\n", "date"),
        ("row id", #""13x","1/2/2003 4:05","03BAD13","Embassy X","SECRET","","H","B""# + "\n", "row id"),
        ("unescaped quote", #""13","1/2/2003 4:05","03BAD13","Embassy X","SECRET","","H","a "quoted" b""# + "\n", "quote"),
        ("NUL byte", "\"13\",\"1/2/2003 4:05\",\"03BAD13\",\"Embassy X\",\"SECRET\",\"\",\"H\",\"a\u{0}b\"\n", "NUL"),
        ("empty reference id", #""13","1/2/2003 4:05","","Embassy X","SECRET","","H","B""# + "\n", "reference id"),
    ]

    @Test(arguments: 0..<7)
    func badRecordStopsOrIsSkipped(index: Int) throws {
        let (name, bad, word) = Self.cases[index]
        let good = try ReaderFixtures.bytes("cables-first12.csv")
        let input = good + Array(bad.utf8) + Array(Self.good14.utf8)
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        let path = dir + "/m.csv"
        try ReaderFixtures.write(input, to: path)
        do {
            _ = try ReaderFixtures.records([path])
            Issue.record("\(name): no error")
        } catch let CorpusIndexError.malformedRecord(file, offset, record, reason) {
            #expect(file == path)
            #expect(offset == good.count, "\(name)")
            #expect(record == 13, "\(name)")
            #expect(reason.contains(word), "\(name): \(reason)")
        }
        let (records, summary) = try ReaderFixtures.records([path], options: ReaderOptions(skipMalformed: true))
        #expect(summary.skipped == 1, "\(name)")
        #expect(records.count == 13, "\(name)")
        #expect(records.last?.referenceID == "03GOOD14", "\(name)")
        #expect(summary.firstErrors.count == 1)
    }

    @Test func truncatedLastRecordIsReported() throws {
        let good = try ReaderFixtures.bytes("cables-first12.csv")
        let rows = try ReaderFixtures.splitCSVRows(good)
        let lastStart = good.count - rows.last!.count
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        for cut in [lastStart + 3, lastStart + 40, good.count - 3] {
            try ReaderFixtures.write(Array(good[0..<cut]), to: dir + "/t.csv")
            #expect(throws: CorpusIndexError.self) { _ = try ReaderFixtures.records([dir + "/t.csv"]) }
            let (records, summary) = try ReaderFixtures.records([dir + "/t.csv"], options: ReaderOptions(skipMalformed: true))
            #expect(records.count == 11 && summary.skipped == 1)
            guard case let .malformedRecord(_, offset, record, _)? = summary.firstErrors.first else {
                Issue.record("no error kept")
                continue
            }
            #expect(offset == lastStart && record == 12)
        }
        // Without the final newline the last record is complete.
        try ReaderFixtures.write(Array(good.dropLast()), to: dir + "/n.csv")
        #expect(try ReaderFixtures.records([dir + "/n.csv"]).0.count == 12)
    }

    @Test func onlyTheFirstFewSkippedErrorsAreKept() throws {
        var input: [UInt8] = []
        for i in 1...20 { input += Array("\"\(i)\",\"bad date\",\"X\",\"O\",\"C\",\"\",\"H\",\"B\"\n".utf8) }
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        try ReaderFixtures.write(input, to: dir + "/d.csv")
        let (records, summary) = try ReaderFixtures.records(
            [dir + "/d.csv"], options: ReaderOptions(skipMalformed: true, maxReportedErrors: 3))
        #expect(records.isEmpty && summary.skipped == 20 && summary.firstErrors.count == 3)
    }

    /// Random and mutated bytes through every reader (forced forms and detection, stopping and skipping): the
    /// read ends with records or a `CorpusIndexError`, never a crash or a hang.
    @Test func randomAndMutatedBytesNeverCrash() throws {
        let csv = try ReaderFixtures.bytes("cables-first12.csv")
        let html = try ReaderFixtures.bytes("html/2011-08/cable/1972/02/72TEHRAN1164.html")
        let text = try ReaderFixtures.bytes("seed-07PRISTINA150.txt")
        let sql = Array(SQLReaderTests.sqlDump(try ReaderFixtures.records([ReaderFixtures.path("cables-first12.csv")]).0).utf8)
        let seeds = [Array(csv.prefix(20_000)), html, Array(text.prefix(12_000)), Array(sql.prefix(20_000))]
        var rng = SplitMix64(seed: 0xC0FFEE)
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        let path = dir + "/f"
        var outcomes = [0, 0]
        for round in 0..<160 {
            var bytes = seeds[round % seeds.count]
            switch round % 5 {
            case 0:  // flip bytes
                for _ in 0..<8 { bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            case 1:  // truncate
                bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count))))
            case 2:  // insert structural bytes
                for _ in 0..<10 {
                    let at = Int(rng.next() % UInt64(bytes.count))
                    bytes.insert([0x22, 0x0A, 0x5C, 0x27, 0x3C, 0x26, 0x00, 0x28, 0x29, 0x2C][Int(rng.next() % 10)], at: at)
                }
            case 3:  // random bytes
                bytes = (0..<Int(rng.next() % 5000)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            default:  // compress then damage
                var packed = round % 2 == 0 ? ReaderFixtures.gzip(bytes) : ReaderFixtures.lz4(bytes)
                packed[Int(rng.next() % UInt64(packed.count))] ^= 0xFF
                bytes = packed
            }
            try ReaderFixtures.write(bytes, to: path)
            let format: DumpFormat? = round % 3 == 0 ? nil : DumpFormat.allCases[Int(rng.next() % 4)]
            for skip in [false, true] {
                do {
                    let reader = try DumpReader(paths: [path], options: ReaderOptions(format: format, skipMalformed: skip))
                    _ = try ParallelReadingTests.parallelRecords(reader, threads: 2, chunkBytes: 1 + Int(rng.next() % 9000))
                    outcomes[0] += 1
                } catch is CorpusIndexError {
                    outcomes[1] += 1
                }
            }
        }
        #expect(outcomes[0] > 0 && outcomes[1] > 0)
    }
}
