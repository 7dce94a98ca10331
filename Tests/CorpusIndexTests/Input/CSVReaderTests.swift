import Foundation
import Testing
@testable import CorpusIndex

@Suite struct CSVReaderTests {
    @Test func readsTheRealRowsWithTheirFields() throws {
        let (records, summary) = try ReaderFixtures.records([ReaderFixtures.path("cables-first12.csv")])
        #expect(records.count == 12)
        #expect(summary.records == 12 && summary.skipped == 0 && summary.invalidUTF8Records == 0)
        #expect(summary.bytes == 56057)
        let first = records[0]
        #expect(first.rowID == 1)
        #expect(first.referenceID == "66BUENOSAIRES2481")
        #expect(first.created == CableDate(year: 1966, month: 12, day: 28, hour: 18, minute: 48))
        #expect(first.released == nil)
        #expect(first.origin == "Embassy Buenos Aires")
        #expect(first.classification == "UNCLASSIFIED")
        #expect(first.references == ["66STATE106206"])
        #expect(first.tags == ["EFIS", "PBTS", "AR"])
        #expect(first.subject == "EXTENDED NATIONAL JURISDICTIONS OVER HIGH SEAS")
        #expect(first.header.starts(with: Array("P R 281848Z DEC 66\nFM AMEMBASSY BUENOS AIRES\n".utf8)))
        #expect(first.header.last == UInt8(ascii: "C"))  // "...STATE GRNC"
        #expect(first.body.starts(with: Array("UNCLASSIFIED BUENOS AIRES 2481 \n \n".utf8)))
        #expect(first.body.suffix(8) == Array("SACCIO \n".utf8))
        let body = String(decoding: first.body, as: UTF8.self)
        #expect(body.contains("OF \"PREFERENTIAL JURISDICTION\" FOR FISHING PURPOSES."))
        #expect(!body.contains("\\\""))

        let second = records[1]
        #expect(second.rowID == 2 && second.referenceID == "72TEHRAN1164")
        #expect(second.created == CableDate(year: 1972, month: 2, day: 25, hour: 9, minute: 30))
        #expect(second.references == ["72MOSCOW1603", "72TEHRAN1091", "72TEHRAN263"])
        #expect(second.tags == ["MASS", "MARR", "IR"])
        #expect(second.subject == "ACCELERATION OF F-4ES FOR IRAN")
        #expect(String(decoding: second.body, as: UTF8.self).contains("IRAN'S FIRST LINE AIR DEFENSE"))

        // A malformed reference id of the real dump is a record like any other; SUBJ: is a subject.
        let libreville = records[9]
        #expect(libreville.referenceID == "7575LIBREVILLE1895")
        #expect(libreville.subject == "KOREA AT 30TH UNGA: GABON")
        #expect(libreville.tags == ["PFOR", "UNGA", "GB", "KS", "KN"])
        #expect(records.map(\.rowID) == (1...12).map { $0 })
        #expect(records.filter { $0.references.isEmpty }.count == 6)
    }

    @Test func crlfFileGivesTheSameRecords() throws {
        let lf = try ReaderFixtures.bytes("cables-first12.csv")
        var crlf: [UInt8] = []
        for b in lf {
            if b == 0x0A { crlf.append(0x0D) }
            crlf.append(b)
        }
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        try ReaderFixtures.write(crlf, to: dir + "/crlf.csv")
        let (expected, _) = try ReaderFixtures.records([ReaderFixtures.path("cables-first12.csv")])
        for chunkBytes in [1, 5000, 1 << 20] {
            let (records, _) = try ReaderFixtures.records([dir + "/crlf.csv"], chunkBytes: chunkBytes)
            #expect(records == expected)
        }
    }

    @Test func backslashEscapesAreUndone() throws {
        let csv = Array(#""1","1/2/2003 4:05","03X1","Embassy X","SECRET","","H","a \"q\" b\'s c\\d \n e""#.utf8) + [0x0A]
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        try ReaderFixtures.write(csv, to: dir + "/e.csv")
        let (records, _) = try ReaderFixtures.records([dir + "/e.csv"])
        #expect(records.count == 1)
        #expect(String(decoding: records[0].body, as: UTF8.self) == "a \"q\" b's c\\d \\n e")
        #expect(records[0].created == CableDate(year: 2003, month: 1, day: 2, hour: 4, minute: 5))
        #expect(records[0].references.isEmpty)
    }

    @Test func invalidUTF8IsKeptAndCounted() throws {
        var csv = Array(#""1","1/2/2003 4:05","03X1","Embassy X","SECRET","","H","caf"#.utf8)
        csv += [0xE9, 0xFF] + Array("\"\n".utf8)
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        try ReaderFixtures.write(csv, to: dir + "/u.csv")
        let (records, summary) = try ReaderFixtures.records([dir + "/u.csv"])
        #expect(summary.invalidUTF8Records == 1)
        #expect(records[0].body == Array("caf".utf8) + [0xE9, 0xFF])
        var json: [UInt8] = []
        records[0].appendJSON(to: &json, fields: [.body])
        #expect(String(decoding: json, as: UTF8.self) == "{\"body\":\"caf\u{FFFD}\u{FFFD}\"}")
    }
}
