import Foundation
import Testing
@testable import CorpusIndex

/// Runs scripts/test_corpus_index.py: the Python ctypes module over the C API (libCorpusIndexC) against an index
/// built here, checking it answers exactly what the Swift engine answers. Skipped only when python3 is absent.
@Suite struct PythonModuleTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func python() -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// libCorpusIndexC next to the test bundle (both live in the build directory).
    static func library() -> String? {
        let name = ProcessInfo.processInfo.environment["CORPUS_INDEX_LIB"]
        if let name, FileManager.default.fileExists(atPath: name) { return name }
        var dir = Bundle.module.bundleURL.deletingLastPathComponent()
        for _ in 0..<3 {
            for file in ["libCorpusIndexC.so", "libCorpusIndexC.dylib"] {
                let path = dir.appendingPathComponent(file).path
                if FileManager.default.fileExists(atPath: path) { return path }
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    @Test(.enabled(if: python() != nil, "python3 is not installed"))
    func pythonModuleEndToEnd() throws {
        let library = try #require(Self.library(), "libCorpusIndexC was not built next to the tests")
        let records = try OnDiskQueryTests.realSamples() + TestCorpus.records(count: 250, seed: 21)
        let directory = TestDirectory("python")
        let indexPath = directory.path + "/index"
        try FileManager.default.createDirectory(atPath: indexPath, withIntermediateDirectories: true)
        try TestIndexBuilder.build(records, directory: indexPath)
        let session = try IndexSession(path: indexPath)

        var queries: [[String: Any]] = []
        for (q, sort) in [
            ("embassy", SearchOrder.score), ("kosovo OR serbia", .score), ("\"trafficking in persons\"", .score),
            ("traffick* -police", .score), ("tag:PHUM", .date), ("NOT embassy", .dateDescending),
            ("\"preferential jurisdiction\"", .score), ("origin:\"Embassy B*\" minister", .score), ("nosuchword", .score),
        ] {
            let hits = try session.search(q, top: 10, order: sort)
            queries.append([
                "query": q, "top": 10, "sort": sort.rawValue, "count": try session.count(q),
                "hits": hits.map { [$0.referenceID, $0.score, Int($0.doc)] as [Any] },
            ])
        }
        let documents: [[String: Any]] = [0, 3, 11, 40].map { i in
            let r = records[i]
            let json = try! JSONSerialization.jsonObject(with: Data(r.json.utf8))
            return ["reference_id": r.referenceID, "json": json, "body_hex": r.body.map { String(format: "%02x", $0) }.joined()]
        }
        let expected: [String: Any] = ["document_count": records.count, "queries": queries, "documents": documents]
        let expectedPath = directory.path + "/expected.json"
        try JSONSerialization.data(withJSONObject: expected).write(to: URL(fileURLWithPath: expectedPath))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python()!)
        process.arguments = [Self.packageRoot.appendingPathComponent("scripts/test_corpus_index.py").path]
        var environment = ProcessInfo.processInfo.environment
        environment["CORPUS_INDEX_LIB"] = library
        environment["CORPUS_INDEX_TEST_INDEX"] = indexPath
        environment["CORPUS_INDEX_TEST_EXPECTED"] = expectedPath
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("ok: 9 queries, 4 documents"), "\(text)")
    }
}
