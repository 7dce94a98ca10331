import Foundation
import Testing
@testable import CorpusIndex

/// Whole builds (reader → process/collect → merge → format writers → atomic publish), read back with IndexReader.
@Suite struct IndexBuildTests {
    static var fixture: String { Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.path + "/cables-first12.csv" }

    func options(threads: Int, chunkBytes: Int? = nil, budget: Int = 64 << 20) -> BuildOptions {
        var options = BuildOptions(threads: threads, memoryBudget: budget)
        options.fixedChunkBytes = chunkBytes
        return options
    }

    func readBack(_ path: String) throws -> (NaiveIndex, IndexReader) {
        let reader = try IndexReader(path: path)
        return (try NaiveIndex(fields: TextField.allCases.map { reader.field($0) }), reader)
    }

    func files(_ dir: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
            out[name] = FileManager.default.contents(atPath: dir + "/" + name)
        }
        return out
    }

    func generated(_ count: Int) throws -> [CableRecord] {
        let generator = try DumpGenerator(cables: count, seed: 5)
        return (0..<count).map { generator.record(at: $0) }
    }

    @Test func generatedCorpusDecodesToTheNaiveIndex() throws {
        let records = try generated(300)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let chunks = stride(from: 0, to: records.count, by: 41).map { Array(records[$0..<min($0 + 41, records.count)]) }
        let result = try IndexBuild.build(chunks: chunks, to: dir.path + "/index", options: options(threads: 2))
        #expect(result.manifest.documentCount == records.count)
        let (got, reader) = try readBack(dir.path + "/index")
        let expected = NaiveIndex(records: records)
        #expect(got.fieldLengths == expected.fieldLengths)
        for field in 0..<3 { #expect(got.postings[field] == expected.postings[field]) }
        // Stored documents come back as they went in.
        for doc in [0, 150, 299] { #expect(try reader.documents.document(UInt32(doc)) == records[doc]) }
        _ = try reader.verify()
    }

    @Test func fixtureDumpDecodesToTheNaiveIndex() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var records: [CableRecord] = []
        _ = try DumpReader(paths: [IndexBuildTests.fixture]).forEachRecord { records.append($0) }
        #expect(records.count == 12)
        let report = try IndexBuild.build(
            reader: try DumpReader(paths: [IndexBuildTests.fixture]), to: dir.path + "/index",
            options: options(threads: 2, chunkBytes: 4096))
        #expect(report.result.manifest.documentCount == 12)
        #expect(report.result.runCount > 3)
        let (got, _) = try readBack(dir.path + "/index")
        let expected = NaiveIndex(records: records)
        #expect(got.fieldLengths == expected.fieldLengths)
        for field in 0..<3 { #expect(got.postings[field] == expected.postings[field]) }
    }

    @Test func sameInputGivesByteIdenticalIndexWhateverThreadsAndMemory() throws {
        let records = try generated(200)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let csv = dir.path + "/dump.csv"
        try Data(try DumpGenerator(cables: 200, seed: 5).csvData()).write(to: URL(fileURLWithPath: csv))
        let builds: [(String, BuildOptions)] = [
            ("one", options(threads: 1)),
            ("four", options(threads: 4)),
            ("tiny", options(threads: 2, chunkBytes: 2000)),
        ]
        var results: [[String: Data]] = []
        for (name, options) in builds {
            let report = try IndexBuild.build(reader: try DumpReader(paths: [csv]), to: dir.path + "/" + name, options: options)
            #expect(report.result.manifest.documentCount == records.count)
            if name == "tiny" { #expect(report.result.runCount > 50) }
            results.append(try files(dir.path + "/" + name))
        }
        #expect(!results[0].isEmpty)
        for other in results.dropFirst() {
            #expect(other.keys.sorted() == results[0].keys.sorted())
            for (name, bytes) in results[0] { #expect(other[name] == bytes, "\(name) differs") }
        }
    }

    @Test func failedBuildKeepsTheOldIndexAndLeavesNoTemporaryDirectory() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let index = dir.path + "/index"
        _ = try IndexBuild.build(reader: try DumpReader(paths: [IndexBuildTests.fixture]), to: index, options: options(threads: 2))
        let before = try files(index)
        // A dump whose second record is malformed, without --skip-malformed: the build must fail mid-way.
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: IndexBuildTests.fixture)))
        let secondRecord = bytes.indices.first { i in i > 0 && bytes[i - 1] == 0x0A && Array(bytes[i..<i + 5]) == Array("\"2\",\"".utf8) }!
        bytes.replaceSubrange(secondRecord + 5..<secondRecord + 9, with: Array("xx/y".utf8))
        let bad = dir.path + "/bad.csv"
        try Data(bytes).write(to: URL(fileURLWithPath: bad))
        #expect(throws: CorpusIndexError.self) {
            _ = try IndexBuild.build(reader: try DumpReader(paths: [bad]), to: index, options: self.options(threads: 2, chunkBytes: 2000))
        }
        #expect(try files(index) == before)
        let siblings = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(siblings == ["bad.csv", "index"])
        _ = try IndexReader(path: index).verify()
    }

    @Test func staleStagingDirectoriesOfKilledBuildsAreRemoved() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let index = dir.path + "/index"
        // pid 2^22+1 is above Linux's pid_max default, so no such process exists.
        let stale = index + ".tmp-4194305"
        try FileManager.default.createDirectory(atPath: stale + "/runs", withIntermediateDirectories: true)
        _ = try IndexBuild.build(reader: try DumpReader(paths: [IndexBuildTests.fixture]), to: index, options: options(threads: 1))
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(try IndexReader(path: index).documentCount == 12)
    }

    @Test func refusesToReplaceSomethingThatIsNotAnIndex() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let precious = dir.path + "/precious"
        try FileManager.default.createDirectory(atPath: precious, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: precious + "/notes.txt"))
        #expect(throws: CorpusIndexError.self) {
            _ = try IndexBuild.build(reader: try DumpReader(paths: [IndexBuildTests.fixture]), to: precious, options: self.options(threads: 1))
        }
        #expect(FileManager.default.contents(atPath: precious + "/notes.txt") == Data("keep".utf8))
    }

    @Test func verifyDetectsAFlippedByte() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let index = dir.path + "/index"
        _ = try IndexBuild.build(reader: try DumpReader(paths: [IndexBuildTests.fixture]), to: index, options: options(threads: 2))
        _ = try IndexReader(path: index).verify()
        for name in ["body.postings", "body.positions", "documents.store"] {
            let path = index + "/" + name
            var bytes = Array(FileManager.default.contents(atPath: path)!)
            let original = bytes
            bytes[bytes.count / 2] ^= 0x40
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(throws: CorpusIndexError.self) { _ = try IndexReader(path: index).verify() }
            try Data(original).write(to: URL(fileURLWithPath: path))
        }
    }

    @Test func byteSizesParse() {
        #expect(ByteSize.parse("256MiB") == 256 << 20)
        #expect(ByteSize.parse("1.5GB") == 1_500_000_000)
        #expect(ByteSize.parse("800M") == 800 << 20)
        #expect(ByteSize.parse("4096") == 4096)
        #expect(ByteSize.parse("2g") == 2 << 30)
        #expect(ByteSize.parse("12 kb") == 12_000)
        #expect(ByteSize.parse("") == nil)
        #expect(ByteSize.parse("MiB") == nil)
        #expect(ByteSize.parse("-5M") == nil)
        #expect(ByteSize.parse("5 parsecs") == nil)
    }
}
