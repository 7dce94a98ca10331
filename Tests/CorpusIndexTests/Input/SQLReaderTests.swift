import Foundation
import Testing
@testable import CorpusIndex

@Suite struct SQLReaderTests {
    /// MySQL string literal of `bytes` (mysqldump's escaping).
    static func quoted(_ bytes: [UInt8]) -> String {
        var out = "'"
        for b in bytes {
            switch b {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x00: out += "\\0"
            case 0x1A: out += "\\Z"
            case 0x27: out += "\\'"
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            default: out.unicodeScalars.append(Unicode.Scalar(b))
            }
        }
        return out + "'"
    }

    static func date(_ d: CableDate) -> String {
        let c = d.components
        return String(format: "%04d-%02d-%02d %02d:%02d:00", c.year, c.month, c.day, c.hour, c.minute)
    }

    /// A dump in the WikiLeaks form built from `records`: comments, SET and CREATE statements, an INSERT into
    /// another table, and the cables in two INSERT statements.
    static func sqlDump(_ records: [CableRecord]) -> String {
        func tuple(_ r: CableRecord) -> String {
            "(\(r.rowID!), '\(date(r.created))', '\(r.referenceID)', '\(r.classification)', \(quoted(Array(r.origin.utf8))), "
                + "'\(r.references.joined(separator: "|"))', \(quoted(r.header)), \(quoted(r.body)))"
        }
        let half = records.count / 2
        return """
            -- MySQL dump 10.13
            /*!40101 SET NAMES utf8 */;
            SET FOREIGN_KEY_CHECKS=0;
            # a comment
            CREATE TABLE `cable` (
              `id` int(11) NOT NULL, `date` datetime, `refid` varchar(250), `classification` varchar(250),
              `origin` varchar(250), `destination` text, `header` text, `content` mediumtext, PRIMARY KEY (`id`)
            ) ENGINE=MyISAM DEFAULT CHARSET=utf8;
            INSERT INTO `other` VALUES (1,'INSERT INTO cable VALUES (2);');
            INSERT INTO cable (id, date, refid, classification, origin, destination, header, content) VALUES \
            \(records[..<half].map(tuple).joined(separator: ",\n"));
            LOCK TABLES `cable` WRITE;
            INSERT INTO `cable` VALUES \(records[half...].map(tuple).joined(separator: ","));
            UNLOCK TABLES;

            """
    }

    @Test func readsTheDumpWithTheCSVFields() throws {
        let (csv, _) = try ReaderFixtures.records([ReaderFixtures.path("cables-first12.csv")])
        let dump = Array(Self.sqlDump(csv).utf8)
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        try ReaderFixtures.write(dump, to: dir + "/cable.sql")
        for chunkBytes in [1, 30_000, 1 << 20] {
            let (records, summary) = try ReaderFixtures.records([dir + "/cable.sql"], chunkBytes: chunkBytes)
            #expect(summary.records == 12 && summary.skipped == 0)
            #expect(records == csv, "chunkBytes \(chunkBytes)")
        }
        // And compressed.
        try ReaderFixtures.write(ReaderFixtures.gzip(dump), to: dir + "/cable.sql.gz")
        #expect(try ReaderFixtures.records([dir + "/cable.sql.gz"]).0 == csv)
    }

    @Test func mysqlEscapesAreUndone() throws {
        let sql = #"INSERT INTO cable VALUES (7,'2007-02-28 13:55:09','07X7','SECRET','Embassy O''Hara',"#
            + #"'07A1|07B2','H\tI','\nSUBJECT: it''s \"q\" \\ \r\Z x\%y');"#
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        try ReaderFixtures.write(Array(sql.utf8), to: dir + "/e.sql")
        let (records, _) = try ReaderFixtures.records([dir + "/e.sql"])
        let r = try #require(records.first)
        #expect(r.rowID == 7 && r.referenceID == "07X7" && r.origin == "Embassy O'Hara")
        #expect(r.created == CableDate(year: 2007, month: 2, day: 28, hour: 13, minute: 55))
        #expect(r.references == ["07A1", "07B2"])
        #expect(r.header == Array("H\tI".utf8))
        #expect(r.body == Array("\nSUBJECT: it's \"q\" \\ \r\u{1A} x\\%y".utf8))
        #expect(r.subject == "it's \"q\" \\ \u{1A} x\\%y")
    }

    @Test func malformedTuplesAreReportedAndSkipped() throws {
        let sql = "INSERT INTO cable VALUES (1,'2007-02-28 13:55:00','07A','S','O','','H','B'),"
            + "(2,'not a date','07B','S','O','','H','B'),(3,'2007-02-28 13:55:00','07C','S','O','','H','B\\0');\n"
            + "INSERT INTO cable VALUES (4,'2007-02-28 13:55:00','07D','S','O','','H','B'),(5,'2007-02-28"
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        try ReaderFixtures.write(Array(sql.utf8), to: dir + "/m.sql")
        #expect(throws: CorpusIndexError.self) { _ = try ReaderFixtures.records([dir + "/m.sql"]) }
        let (records, summary) = try ReaderFixtures.records([dir + "/m.sql"], options: ReaderOptions(skipMalformed: true))
        #expect(records.map(\.referenceID) == ["07A", "07D"])
        #expect(summary.skipped == 3)
        let numbers = summary.firstErrors.compactMap { error -> Int? in
            if case let .malformedRecord(_, _, record, _) = error { return record }
            return nil
        }
        #expect(numbers == [2, 3, 5])
    }
}

extension SQLReaderTests {
    @Test func aCSVForcedAsSQLIsAnError() throws {
        #expect(throws: CorpusIndexError.self) {
            _ = try ReaderFixtures.records([ReaderFixtures.path("cables-first12.csv")], options: ReaderOptions(format: .sql))
        }
    }
}
