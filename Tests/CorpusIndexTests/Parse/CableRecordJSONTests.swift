import Foundation
import Testing
@testable import CorpusIndex

@Suite struct CableRecordJSONTests {
    @Test func escapesAndNulls() throws {
        let record = CableRecord(
            rowID: nil, referenceID: "07X\"1", created: CableDate(year: 2007, month: 2, day: 28, hour: 13, minute: 55)!,
            classification: "SECRET", origin: "O\\P", header: [0x01, 0x09, 0x0A, 0x0D],
            body: Array("caf\u{E9} ".utf8) + [0xC3, 0x28, 0xFF] + Array(" \u{1F600}".utf8), tags: ["A", "B C"])
        var out: [UInt8] = []
        record.appendJSON(to: &out)
        let text = String(decoding: out, as: UTF8.self)
        #expect(text.hasPrefix(#"{"reference_id":"07X\"1","row_id":null,"created":"2007-02-28T13:55Z","released":null,"#))
        #expect(text.contains(#""origin":"O\\P","references":[],"tags":["A","B C"],"subject":"","markings":[]"#))
        #expect(text.contains(#""header":"\u0001\t\n\r""#))
        #expect(text.contains("\"body\":\"caf\u{E9} \u{FFFD}(\u{FFFD} \u{1F600}\"}"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out)) as? [String: Any])
        #expect(object["header"] as? String == "\u{01}\t\n\r")
        #expect(object["row_id"] is NSNull)
    }

    @Test func fieldSelectionAndEveryFixtureRecordIsValidJSON() throws {
        #expect(try RecordField.parseList("tags, subject,reference_id") == [.tags, .subject, .referenceID])
        #expect(throws: CorpusIndexError.self) { try RecordField.parseList("tags,nope") }
        let (records, _) = try ReaderFixtures.records([
            ReaderFixtures.path("cables-first12.csv"), ReaderFixtures.path("html"), ReaderFixtures.path("seed-07PRISTINA150.txt"),
        ])
        #expect(records.count == 12 + 5 + 1)
        for record in records {
            var out: [UInt8] = []
            record.appendJSON(to: &out)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(out)) as? [String: Any])
            #expect(object["reference_id"] as? String == record.referenceID)
            #expect(object["body"] as? String == String(decoding: record.body, as: UTF8.self))
            #expect(object.count == RecordField.allCases.count)
        }
    }
}
