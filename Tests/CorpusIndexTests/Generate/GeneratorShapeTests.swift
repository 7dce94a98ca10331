import Foundation
import Testing

@testable import CorpusIndex

/// The generated CSV has the real dump's shape (FORMATS.md §1, §5, §6), checked with an independent mini-reader.
@Suite("Generator shape")
struct GeneratorShapeTests {
    static let cables = 2_000
    static let generator = try! DumpGenerator(cables: cables, seed: 5)
    static let csv = generator.csvData()
    static let rows = GeneratedCSV.parse(csv)
    static let records = (0..<cables).map { generator.record(at: $0) }

    @Test func rowIdsAreSequentialAndDatesChronological() throws {
        let rows = try #require(Self.rows)
        #expect(rows.count == Self.cables)
        var previous = CableDate(minutesSinceEpoch: .min)
        for (i, row) in rows.enumerated() {
            #expect(GeneratedCSV.string(row.fields[0]) == String(i + 1))
            let date = try #require(Self.parseDate(GeneratedCSV.string(row.fields[1])), "row \(i + 1)")
            #expect(date >= previous, "row \(i + 1) goes back in time")
            previous = date
        }
        // The real span: the subset reaches from the 1980s into 2010.
        let first = try #require(Self.parseDate(GeneratedCSV.string(rows[0].fields[1])))
        #expect(first.components.year < 1995)
        #expect(previous.components.year == 2010)
    }

    @Test func identifiersOriginsAndClassificationsAreReal() throws {
        let rows = try #require(Self.rows)
        let resources = try GeneratorResources.shared()
        let realIDs = Set((0..<resources.realCount).map { resources.refid($0) })
        let origins = Set(resources.origins)
        var ids = Set<String>()
        var classifications: [String: Int] = [:]
        for row in rows {
            let id = GeneratedCSV.string(row.fields[2])
            #expect(realIDs.contains(id), "\(id) is not a real reference id")
            ids.insert(id)
            #expect(origins.contains(GeneratedCSV.string(row.fields[3])))
            classifications[GeneratedCSV.string(row.fields[4]), default: 0] += 1
        }
        #expect(ids.count == rows.count)
        #expect(Set(classifications.keys).isSubset(of: Set(Classification.knownValues)))
        // The mix: CONFIDENTIAL ~39%, UNCLASSIFIED ~30%, U//FOUO ~23%.
        let confidential = Double(classifications["CONFIDENTIAL"] ?? 0) / Double(rows.count)
        #expect(confidential > 0.33 && confidential < 0.45)
    }

    @Test func stationsMapToTheirOrigins() throws {
        for record in Self.records {
            if record.referenceID.contains("PRISTINA") { #expect(record.origin == "Embassy Pristina") }
            if record.referenceID.dropFirst(2).hasPrefix("ANKARA") { #expect(record.origin == "Embassy Ankara") }
            if record.referenceID.dropFirst(2).hasPrefix("STATE") { #expect(record.origin == "Secretary of State") }
        }
    }

    @Test func everyBodyHasParseableTagsAndSubject() throws {
        let rows = try #require(Self.rows)
        for (i, row) in rows.enumerated() {
            let body = GeneratedCSV.string(row.fields[7])
            let record = Self.records[i]
            let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let tagsLine = try #require(
                lines.firstIndex { $0.hasPrefix("TAGS") || $0.hasPrefix("TAG ") || $0.hasPrefix("Tags:") },
                "row \(i + 1) has no TAGS line")
            let subjectLine = try #require(
                lines.firstIndex { $0.hasPrefix("SUBJECT:") || $0.hasPrefix("SUBJ:") }, "row \(i + 1) has no SUBJECT")
            #expect(tagsLine < subjectLine)
            #expect(tagsLine < 30)
            // The tag lines (TAGS up to SUBJECT) hold exactly the record's tags, in order.
            var tagText = lines[tagsLine..<subjectLine].joined(separator: " ")
            for keyword in ["TAGS:", "Tags:", "TAGS", "TAG"] where tagText.hasPrefix(keyword) {
                tagText = String(tagText.dropFirst(keyword.count))
                break
            }
            let joinedTags = record.tags.joined(separator: " ")
            #expect(Self.squeeze(tagText.replacingOccurrences(of: ",", with: " "))
                == Self.squeeze(joinedTags.replacingOccurrences(of: ",", with: " ")), "row \(i + 1)")
            // The subject is its wrapped lines joined by single spaces, up to the blank line.
            var subjectLines: [String] = []
            for line in lines[subjectLine...] {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
                subjectLines.append(line.trimmingCharacters(in: .whitespaces))
            }
            var subject = subjectLines.joined(separator: " ")
            subject = String(subject.drop { $0 != ":" }.dropFirst()).trimmingCharacters(in: .whitespaces)
            #expect(subject == record.subject, "row \(i + 1)")
            #expect(!record.tags.isEmpty)
        }
    }

    @Test func linesAreWrappedWithTrailingSpacesAndEscapesAreBalanced() throws {
        let text = GeneratedCSV.string(Self.csv)
        #expect(text.contains("\\\""))
        #expect(text.contains("\\'"))
        let rows = try #require(Self.rows)
        var lines = 0
        var trailingSpace = 0
        var lengths: [Int] = []
        for row in rows.prefix(500) {
            for line in GeneratedCSV.string(row.fields[7]).split(separator: "\n") {
                lines += 1
                if line.hasSuffix(" ") { trailingSpace += 1 }
                lengths.append(line.count)
            }
        }
        #expect(Double(trailingSpace) / Double(lines) > 0.9)
        lengths.sort()
        let median = lengths[lengths.count / 2]
        #expect(median >= 45 && median <= 70)
    }

    @Test func sizeAndShapeMatchTheRealDump() throws {
        let rows = try #require(Self.rows)
        let bytes = Self.csv.count
        let perRow = Double(bytes) / Double(rows.count)
        #expect(perRow > 6_887 * 0.85 && perRow < 6_887 * 1.15, "\(perRow) bytes per row")
        let withReferences = rows.filter { !$0.fields[5].isEmpty }.count
        #expect(Double(withReferences) / Double(rows.count) > 0.5 && Double(withReferences) / Double(rows.count) < 0.62)
        var kinds: [String: Int] = [:]
        for row in rows {
            let header = GeneratedCSV.string(row.fields[6])
            let kind = header.hasPrefix("VZCZC") ? "acp127" : header.hasPrefix("This record is a partial extract") ? "partial" : "other"
            kinds[kind, default: 0] += 1
        }
        let acp127 = Double(kinds["acp127"] ?? 0) / Double(rows.count)
        #expect(acp127 > 0.7 && acp127 < 0.84)
        for row in rows where !row.fields[5].isEmpty {
            let refs = GeneratedCSV.string(row.fields[5]).split(separator: "|").map(String.init)
            #expect(refs == refs.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        }
    }

    @Test func realSizeUsesEveryRealIdInOrderAndLargerSizesStayUnique() throws {
        let resources = try GeneratorResources.shared()
        let real = CablePlanner(resources: resources, count: resources.realCount, seed: 9)
        for index in stride(from: 0, to: resources.realCount, by: 997) {
            var random = GeneratorRandom(seed: 9, stream: UInt64(index))
            #expect(real.plan(index, random: &random).referenceID == resources.refid(index))
        }
        let double = CablePlanner(resources: resources, count: resources.realCount * 2, seed: 9)
        var seen = Set<String>()
        var previous = CableDate(minutesSinceEpoch: .min)
        for index in 200_000..<203_000 {
            var random = GeneratorRandom(seed: 9, stream: UInt64(index))
            let draft = double.plan(index, random: &random)
            #expect(seen.insert(draft.referenceID).inserted, "\(draft.referenceID) repeats")
            #expect(draft.created >= previous)
            previous = draft.created
        }
    }

    static func parseDate(_ text: String) -> CableDate? {
        let parts = text.split(whereSeparator: { $0 == "/" || $0 == " " || $0 == ":" }).compactMap { Int($0) }
        guard parts.count == 5 else { return nil }
        return CableDate(year: parts[2], month: parts[0], day: parts[1], hour: parts[3], minute: parts[4])
    }

    static func squeeze(_ text: String) -> String {
        text.split(separator: " ").joined(separator: " ")
    }
}
