import Foundation
import Testing
@testable import CorpusIndex

/// `corpus-index query`, `show` and `browse` run as a user runs them, on an index of the real sample cables.
@Suite struct QueryCommandTests {
    struct Output {
        var status: Int32
        var stdout: Data
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// The `corpus-index` binary built next to the test bundle.
    static func binary() -> String? {
        var dir = Bundle.module.bundleURL.deletingLastPathComponent()
        for _ in 0..<3 {
            let path = dir.appendingPathComponent("corpus-index").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    static func run(_ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(binary(), "corpus-index was not built"))
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    let directory = TestDirectory("cli")
    let records: [CableRecord]
    var index: String { directory.path }

    init() throws {
        records = try OnDiskQueryTests.realSamples()
        try TestIndexBuilder.build(records, directory: directory.path)
    }

    @Test func queryPrintsATableAndJSONLines() throws {
        let table = try Self.run(["query", index, "\"preferential jurisdiction\" OR tehran", "--top", "3"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.text.hasPrefix("Hits 1-3 of 10\n"))
        #expect(table.text.contains("66BUENOSAIRES2481  1966-12-28  UNCLASSIFIED"))
        #expect(table.text.contains("[PREFERENTIAL] [JURISDICTION]"))

        let json = try Self.run(["query", index, "tehran", "--json", "--top", "20", "--sort=-date"])
        #expect(json.status == 0)
        let lines = json.text.split(separator: "\n")
        #expect(lines.count == 9)
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.allSatisfy { Set($0.keys) == ["reference_id", "row_id", "doc_id", "score", "created", "classification", "origin", "tags", "subject", "snippet"] })
        let created = objects.map { $0["created"] as! String }
        #expect(created == created.sorted(by: >))
        #expect(try #require(lines.first).hasPrefix("{\"reference_id\":"))

        // `--sort -date` (separate argument, starting with a dash) means the same as `--sort=-date`.
        let spaced = try Self.run(["query", index, "tehran", "--json", "--top", "20", "--sort", "-date"])
        #expect(spaced.status == 0, "\(spaced.stderr)")
        #expect(spaced.stdout == json.stdout)
        let oldest = try Self.run(["query", index, "tehran", "--json", "--top", "20", "--sort", "date"])
        let ascending = try oldest.text.split(separator: "\n").map {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["created"] as! String
        }
        #expect(ascending == created.reversed())
        let bad = try Self.run(["query", index, "tehran", "--sort", "-size"])
        #expect(bad.status != 0)

        let count = try Self.run(["query", index, "date:1972..1973", "--count"])
        #expect(count.text == "7\n")
        let paged = try Self.run(["query", index, "tehran", "--json", "--top", "2", "--offset", "8"])
        #expect(paged.text.split(separator: "\n").count == 1)
    }

    @Test func badQueriesExitTwoWithACaret() throws {
        let bad = try Self.run(["query", index, "kosovo (a \"b"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("bad query at position 10: unbalanced quote"))
        #expect(bad.stderr.contains("  kosovo (a \"b\n            ^\n"))
        let deep = try Self.run(["query", index, String(repeating: "(", count: 10_000) + "x"])
        #expect(deep.status == 2 && deep.stderr.contains("nesting too deep"))
        let missing = try Self.run(["query", directory.path + "/nope", "x"])
        #expect(missing.status == 3)
    }

    @Test func showPrintsTheCableExactly() throws {
        let record = records[1]
        let body = try Self.run(["show", index, record.referenceID, "--body"])
        #expect(body.status == 0)
        #expect([UInt8](body.stdout) == record.body)
        let full = try Self.run(["show", index, record.referenceID.lowercased()])
        #expect(full.text.hasPrefix("Reference ID: \(record.referenceID)\n"))
        #expect([UInt8](full.stdout).suffix(record.body.count) == ArraySlice(record.body))
        let json = try Self.run(["show", index, record.referenceID, "--json"])
        #expect(json.text == record.json + "\n")
        let unknown = try Self.run(["show", index, "00NOPE1"])
        #expect(unknown.status == 5)
    }

    @Test func browseListsValuesWithCounts() throws {
        let origins = try Self.run(["browse", index, "origins"])
        #expect(origins.text == "    1  Embassy Buenos Aires\n    1  Embassy Kabul\n    1  Embassy Libreville\n    9  Embassy Tehran\n")
        let byCount = try Self.run(["browse", index, "origins", "--sort", "count", "--limit", "1", "--json"])
        #expect(byCount.text == "{\"value\":\"Embassy Tehran\",\"count\":9}\n")
        let restricted = try Self.run(["browse", index, "tags", "--query", "fishing", "--json"])
        let tags = Set(records.filter { Analyzer.tokens(of: String(decoding: $0.body, as: UTF8.self)).contains("fishing") }.flatMap(\.tags))
        let listed = restricted.text.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(Set(listed.map { $0["value"] as! String }) == tags)
        let months = try Self.run(["browse", index, "months", "--prefix", "1972"])
        #expect(months.text.split(separator: "\n").allSatisfy { $0.contains("1972-") })
    }
}
