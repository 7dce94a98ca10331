import Foundation
import Testing
@testable import CorpusIndex

@Suite struct HTMLReaderTests {
    @Test func readsBothSiteGenerations() throws {
        let (dec, _) = try ReaderFixtures.records([ReaderFixtures.path("html/2010-12")])
        #expect(dec.map(\.referenceID) == ["66BUENOSAIRES2481", "04ANKARA348", "08STATE103511"])  // sorted paths
        let buenosAires = dec[0]
        #expect(buenosAires.rowID == nil)
        #expect(buenosAires.created == CableDate(year: 1966, month: 12, day: 28, hour: 18, minute: 6))  // site's bogus minutes
        #expect(buenosAires.released == CableDate(year: 2010, month: 11, day: 28, hour: 18, minute: 6))
        #expect(buenosAires.classification == "UNCLASSIFIED")
        #expect(buenosAires.origin == "Embassy Buenos Aires")
        #expect(buenosAires.header.starts(with: Array("P R 281848Z DEC 66\nFM AMEMBASSY BUENOS AIRES\n".utf8)))
        let body = String(decoding: buenosAires.body, as: UTF8.self)
        #expect(body.hasPrefix("UNCLASSIFIED BUENOS AIRES 2481 \n \nOriginal Telegram"))
        #expect(body.contains("TAGS: EFIS PBTS AR\nSUBJECT:"))
        #expect(body.contains("1966 \n \n \n1.  PRESS REPORTS"))  // paragraph anchor and pilcrow removed
        #expect(!body.contains("<a") && !body.contains("&#x000A;") && !body.contains("\u{B6}"))
        #expect(body.contains("OF \"PREFERENTIAL JURISDICTION\""))

        // A page with an empty header has one <pre> block: the body.
        let ankara = dec[1]
        #expect(ankara.header == Array("This record is a partial extract of the original cable. The full text of the original cable is not available.\n\n201247Z Jan 04".utf8))
        #expect(ankara.tags == ["PREL", "PGOV", "PINS", "TU"])  // inline, lower case on the page
        #expect(ankara.subject.hasPrefix("turkish p.m. Erdogan goes to washington"))
        #expect(ankara.markings == ["SIPDIS"])
        #expect(ankara.classification == "CONFIDENTIAL")

        let state = dec[2]
        #expect(state.classification == "SECRET" && state.origin == "Secretary of State")
        #expect(state.subject == "NOTIFICATION OF AFFECTED STATES: HIJACKING OF BELIZE-FLAGGED CARGO SHIP M/V FAINA, IMO NUMBER 9419377")

        let (aug, _) = try ReaderFixtures.records([ReaderFixtures.path("html/2011-08/cable/1973/04/73TEHRAN2077.html")])
        // The classification is the link text, not its (wrong) title attribute 'confidential'.
        #expect(aug[0].classification == "SECRET")
        #expect(aug[0].released == CableDate(year: 2011, month: 8, day: 30, hour: 1, minute: 44))
        #expect(aug[0].subject == "AUDIENCE WITH SHAH APRIL 5")
    }

    /// The same cable from the CSV and from its page: the same reference id, origin, classification, tags and subject.
    @Test(arguments: [("html/2010-12/cable/1966/12/66BUENOSAIRES2481.html", 0), ("html/2011-08/cable/1972/02/72TEHRAN1164.html", 1),
                      ("html/2011-08/cable/1973/04/73TEHRAN2077.html", 5)])
    func csvAndHTMLAgree(page: String, row: Int) throws {
        let (csv, _) = try ReaderFixtures.records([ReaderFixtures.path("cables-first12.csv")])
        let (html, _) = try ReaderFixtures.records([ReaderFixtures.path(page)])
        let a = csv[row]
        let b = try #require(html.first)
        #expect(a.referenceID == b.referenceID)
        #expect(a.origin == b.origin)
        #expect(a.classification == b.classification)
        #expect(a.tags == b.tags && !a.tags.isEmpty)
        #expect(a.subject == b.subject && !a.subject.isEmpty)
        // The page drops the header's trailing white space.
        let trimmed = a.header.reversed().drop { $0 == 0x20 || $0 == 0x0A }.reversed()
        #expect(Array(trimmed) == b.header)
        if row == 1 { #expect(a.created == b.created) }  // the Aug-2011 site has the real minutes
    }

    @Test func readsTheWholeDecember2010Site() throws {
        let root = try ReaderFixtures.extractSiteTarball()
        defer { ReaderFixtures.remove(root) }
        let reader = try DumpReader(paths: [root + "/public"])
        var seen: [(String, String, Int)] = []
        let summary = try reader.processInParallel(
            threads: 2, chunkBytes: 1 << 20,
            work: { chunk -> [(String, Int)] in
                var out: [(String, Int)] = []
                _ = try chunk.forEachRecord { out.append(($0.referenceID, $0.body.count)) }
                return out
            },
            collect: { records, _, _ in seen += records.map { ($0.0, $0.0, $0.1) } })
        #expect(summary.records == 1295 && summary.skipped == 0)
        let pages = try DirectoryWalk.cablePages(under: root + "/public").map { ($0.0 as NSString).lastPathComponent }
        #expect(pages.count == 1295)
        for (i, (ref, _, bodyCount)) in seen.enumerated() {
            #expect(ref + ".html" == pages[i])
            #expect(bodyCount > 0)
        }
        // Tags and subject are found on nearly every page (the site's oddities aside).
        var withTags = 0
        var withSubject = 0
        _ = try reader.forEachRecord { r in
            if !r.tags.isEmpty { withTags += 1 }
            if !r.subject.isEmpty { withSubject += 1 }
            #expect(Classification.knownValues.contains(r.classification))
        }
        #expect(withTags > 1250 && withSubject > 1250)
    }

    @Test func readsTheSeedTextRendering() throws {
        let (records, _) = try ReaderFixtures.records([ReaderFixtures.path("seed-07PRISTINA150.txt")])
        let r = try #require(records.first)
        #expect(records.count == 1)
        #expect(r.referenceID == "07PRISTINA150")
        #expect(r.created == CableDate(year: 2007, month: 2, day: 28, hour: 13, minute: 55))
        #expect(r.released == CableDate(year: 2011, month: 8, day: 26, hour: 0, minute: 0))
        #expect(r.classification == "UNCLASSIFIED//FOR OFFICIAL USE ONLY")
        #expect(r.origin == "Embassy Pristina")
        #expect(r.header.starts(with: Array("VZCZCXRO0270\nOO RUEHAG".utf8)))
        #expect(String(decoding: r.header, as: UTF8.self).hasSuffix("RUFOANA/USNIC PRISTINA SR PRIORITY"))
        #expect(r.body.starts(with: Array("UNCLAS SECTION 01 OF 21 PRISTINA 000150 \n".utf8)))
        #expect(String(decoding: r.body, as: UTF8.self).hasSuffix("Ahtisaari. \nKAIDANOW"))
        #expect(r.tags == ["KCRM", "PHUM", "KWMN", "ELAB", "SMIG", "KFRD", "PREF", "PGOV", "KJUS", "EAID", "KDEM", "UNMIK", "YI"])
        #expect(r.subject == "KOSOVO: SEVENTH ANNUAL TRAFFICKING IN PERSONS (TIP) REPORT")
        #expect(r.markings == ["SIPDIS", "SENSITIVE"])
    }

    @Test func formatDetection() throws {
        func detect(_ text: String) -> DumpFormat { Array(text.utf8).withUnsafeBytes { DumpFormat.detect($0) } }
        #expect(detect("\"1\",\"12/28/1966 18:48\"") == .csv)
        #expect(detect("\u{FEFF}\"17\",\"1/1/2000 1:00\"") == .csv)
        #expect(detect("-- MySQL dump") == .sql)
        #expect(detect("INSERT INTO cable VALUES") == .sql)
        #expect(detect("<?xml version='1.0'?>") == .html)
        #expect(detect("  <!DOCTYPE html>") == .html)
        #expect(detect("Browse by creation date") == .text)
        #expect(ReaderFixtures.gzip([1, 2, 3]).withUnsafeBytes { DumpCompression.detect($0) } == .gzip)
        #expect(ReaderFixtures.lz4([1, 2, 3]).withUnsafeBytes { DumpCompression.detect($0) } == .lz4)
        // A forced form that does not fit gives malformed records, not a crash.
        #expect(throws: CorpusIndexError.self) {
            _ = try ReaderFixtures.records([ReaderFixtures.path("seed-07PRISTINA150.txt")], options: ReaderOptions(format: .html))
        }
    }
}
