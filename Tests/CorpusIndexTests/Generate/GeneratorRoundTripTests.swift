import Foundation
import Testing

@testable import CorpusIndex

/// Generator → reader round trip: what `DumpReader` returns for every generated cable is exactly
/// `DumpGenerator.record(at:as:)`, for every form and compression.
@Suite("Generator round trip")
struct GeneratorRoundTripTests {
    static let cables = 3_000
    static let generator = try! DumpGenerator(cables: cables, seed: 21)
    /// The expected records, composed once (the CSV/SQL view; page views are derived per test).
    static let expected = (0..<cables).map { generator.record(at: $0) }

    static func read(_ path: String) throws -> [CableRecord] {
        var records: [CableRecord] = []
        let summary = try DumpReader(paths: [path]).forEachRecord { records.append($0) }
        #expect(summary.records == cables)
        #expect(summary.skipped == 0 && summary.invalidUTF8Records == 0)
        return records
    }

    static func expectSame(_ records: [CableRecord], format: DumpFormat, ordered: Bool) throws {
        #expect(records.count == cables)
        let byID = Dictionary(records.map { ($0.referenceID, $0) }, uniquingKeysWith: { a, _ in a })
        var mismatches = 0
        for index in 0..<cables {
            let expected = format == .csv || format == .sql ? Self.expected[index] : generator.record(at: index, as: format)
            let actual = ordered ? records[index] : byID[expected.referenceID]
            guard let actual else {
                Issue.record("\(format) row \(index): \(expected.referenceID) not read back")
                continue
            }
            if actual != expected {
                mismatches += 1
                if mismatches <= 3 {
                    for (name, same) in [
                        ("rowID", actual.rowID == expected.rowID), ("created", actual.created == expected.created),
                        ("released", actual.released == expected.released),
                        ("classification", actual.classification == expected.classification),
                        ("origin", actual.origin == expected.origin), ("references", actual.references == expected.references),
                        ("header", actual.header == expected.header), ("body", actual.body == expected.body),
                        ("tags", actual.tags == expected.tags), ("subject", actual.subject == expected.subject),
                        ("markings", actual.markings == expected.markings),
                    ] where !same {
                        Issue.record("\(format) row \(index) \(expected.referenceID): \(name) differs")
                    }
                    if actual.tags != expected.tags { Issue.record("tags \(actual.tags) vs \(expected.tags)") }
                    if actual.subject != expected.subject { Issue.record("subject '\(actual.subject)' vs '\(expected.subject)'") }
                    if actual.markings != expected.markings { Issue.record("markings \(actual.markings) vs \(expected.markings)") }
                }
            }
        }
        #expect(mismatches == 0, "\(format): \(mismatches) of \(cables) records differ")
    }

    @Test(arguments: [
        (DumpFormat.csv, DumpCompression.none), (.csv, .gzip), (.csv, .lz4), (.sql, .none), (.sql, .gzip), (.text, .none),
        (.text, .lz4),
    ])
    func streamFormsReadBack(format: DumpFormat, compression: DumpCompression) throws {
        let dir = try GeneratorDeterminismTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ext = compression == .gzip ? ".gz" : compression == .lz4 ? ".lz4" : ""
        let path = "\(dir)/cables.\(format.rawValue)\(ext)"
        try Self.generator.write(format: format, compression: compression, to: path, threads: 2)
        try Self.expectSame(try Self.read(path), format: format, ordered: format != .text)
    }

    @Test func htmlPagesReadBack() throws {
        let dir = try GeneratorDeterminismTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.generator.write(format: .html, to: dir + "/site", threads: 2)
        try Self.expectSame(try Self.read(dir + "/site"), format: .html, ordered: false)
    }
}
