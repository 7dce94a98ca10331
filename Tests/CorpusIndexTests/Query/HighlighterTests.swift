import Foundation
import Testing
@testable import CorpusIndex

@Suite struct HighlighterTests {
    @Test func marksMatchedWordsInTheBestWindow() throws {
        let node = try QueryParser().parse("\"trafficking in persons\" kosov*")
        let text = Array("Intro words here.\n \nThe TRAFFICKING in  Persons report on Kosovo,\nfinal words.".utf8)
        let s = Highlighter(node).snippet(of: text, width: 8)
        #expect(s == "...here. The [TRAFFICKING] [in] [Persons] report on [Kosovo] ...")
        let whole = Highlighter(node).snippet(of: text, width: 100)
        #expect(whole == "Intro words here. The [TRAFFICKING] [in] [Persons] report on [Kosovo], final words.")
    }

    @Test func windowPrefersDistinctWordsAndPrefixMatchesCountPerWord() throws {
        // Three "iran" in a row match fewer distinct words than "nuclear ... enrichment ... enriched" (two words
        // from the prefix enrich* count as two); equal words in different cases match; look-alikes do not.
        let node = try QueryParser().parse("iran OR nuclear OR enrich* OR iran")
        let h = Highlighter(node)
        let text = Array("Iran iran IRAN irany x y z NUCLEAR enrichment enriched nuclea".utf8)
        #expect(h.snippet(of: text, width: 4) == "...z [NUCLEAR] [enrichment] [enriched] ...")
        #expect(h.snippet(of: text, width: 100)
            == "[Iran] [iran] [IRAN] irany x y z [NUCLEAR] [enrichment] [enriched] nuclea")
        let token: (String) -> Bool = { w in Array(w.utf8).withUnsafeBytes { h.matches($0) } }
        #expect(token("iran") && token("nuclear") && token("enrich") && token("enrichments"))
        #expect(!token("ira") && !token("irann") && !token("enric") && !token("") && !token("nuclearx"))
    }

    @Test func noMatchGivesTheOpening() throws {
        let s = Highlighter(try QueryParser().parse("tag:PHUM")).snippet(of: Array("one two three four".utf8), width: 2)
        #expect(s == "one two ...")
        #expect(Highlighter(.term(.body, "x")).snippet(of: []) == "")
    }

    @Test func jsonIsValidAndStable() throws {
        var record = CableRecord(
            rowID: nil, referenceID: "07PRISTINA150", created: CableDate(year: 2007, month: 2, day: 28, hour: 9, minute: 5)!,
            classification: "SECRET//NOFORN", origin: "Embassy \"Pristina\"", header: [], body: Array("a\u{1}b\nc".utf8),
            tags: ["PHUM", "KTIP"], subject: "Tab\there")
        record.references = ["06STATE202745"]
        let hit = SearchHit(record: record, hit: ScoredDoc(doc: 3, score: 1.5), snippet: "[a] b")
        #expect(hit.json == #"{"reference_id":"07PRISTINA150","row_id":null,"doc_id":3,"score":1.5,"created":"2007-02-28T09:05Z","classification":"SECRET//NOFORN","origin":"Embassy \"Pristina\"","tags":["PHUM","KTIP"],"subject":"Tab\there","snippet":"[a] b"}"#)
        for text in [hit.json, record.json] {
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            #expect(object != nil)
        }
        let body = try JSONSerialization.jsonObject(with: Data(record.json.utf8)) as! [String: Any]
        #expect(body["body"] as? String == "a\u{1}b\nc")
    }
}
