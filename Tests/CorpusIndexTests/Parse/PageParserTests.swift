import Testing
@testable import CorpusIndex

@Suite struct PageParserTests {
    static func clean(_ html: String) -> String {
        let bytes = Array(html.utf8)
        return String(decoding: bytes.withUnsafeBytes { HTMLPageParser.cleanText($0, 0..<$0.count, stripAllTags: false) },
                      as: UTF8.self)
    }

    @Test func preBlocksAreDecoded() {
        #expect(Self.clean("A&#x000A;B&#10;C &amp; R&D; x<y &#xZZ; &bogus;") == "A\nB\nC & R&D; x<y &#xZZ; &bogus;")
        #expect(Self.clean("<a id='par1' href='#par1'>\u{B6}</a>1. (C) TEXT") == "1. (C) TEXT")
        #expect(Self.clean("<a id='parB' href='#parB'>\u{B6}</a>B. REF") == "B. REF")
        #expect(Self.clean("TAGS: <a href='/tag/PREL_0.html'>PREL</a> <a href='/tag/IR_0.html'>IR</a>") == "TAGS: PREL IR")
        #expect(Self.clean("&#x1F600;&#0;") == "\u{1F600}&#0;")
        #expect(Self.clean("<a href='x'") == "<a href='x'")  // an unterminated tag stays
        #expect(Self.clean("<strong>EO 12958 </strong>DECL <NOTAL> a<b") == "EO 12958 DECL <NOTAL> a<b")
    }

    @Test func pageWithoutTableOrPreIsMalformed() {
        let noTable = Array("<html><body>nothing</body></html>".utf8)
        if case .record = noTable.withUnsafeBytes({ HTMLPageParser.parsePage($0) }) { Issue.record("accepted") }
        let noPre = Array("<table class='cable'><tr><th>Reference ID</th></tr><tr><td>A</td><td>2001-01-01 00:00</td><td></td><td>S</td><td>O</td></tr></table>".utf8)
        guard case let .malformed(reason) = noPre.withUnsafeBytes({ HTMLPageParser.parsePage($0) }) else {
            Issue.record("accepted")
            return
        }
        #expect(reason.contains("<pre>"))
    }

    @Test func concatenatedTextPagesWithCRLFAreSplit() throws {
        let seed = try ReaderFixtures.bytes("seed-07PRISTINA150.txt")
        var crlf: [UInt8] = []
        for b in seed + Array("\n".utf8) + seed {
            if b == 0x0A { crlf.append(0x0D) }
            crlf.append(b)
        }
        let dir = try ReaderFixtures.temporaryDirectory()
        defer { ReaderFixtures.remove(dir) }
        try ReaderFixtures.write(crlf, to: dir + "/two.txt")
        let (records, _) = try ReaderFixtures.records([dir + "/two.txt"])
        let (single, _) = try ReaderFixtures.records([ReaderFixtures.path("seed-07PRISTINA150.txt")])
        #expect(records.count == 2)
        #expect(records[1] == single[0])
        #expect(records[0].tags == single[0].tags && records[0].subject == single[0].subject)
        #expect(records[0].header == single[0].header)
        // The first page's body ends before the second page's sidebar.
        #expect(!String(decoding: records[0].body, as: UTF8.self).contains("Viewing cable"))
    }
}
