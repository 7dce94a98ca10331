import Foundation
import Testing

@testable import CorpusIndex

/// Opens the committed version-1 index (`Fixtures/index_v1`, 40 synthetic cables) forever: a reader that can no
/// longer read it has broken the format without bumping the version (tantivy's compat_tests).
@Suite("Format compatibility")
struct FormatCompatibilityTests {
    static var fixturePath: String? {
        Bundle.module.url(forResource: "Fixtures/index_v1", withExtension: nil)?.path
    }

    @Test func opensAndVerifiesIndexV1() throws {
        let path = try #require(Self.fixturePath, "Fixtures/index_v1 missing")
        let index = try IndexReader(path: path)
        #expect(index.manifest.formatVersion == 1)
        #expect(index.documentCount == 40)
        let report = try index.verify()
        #expect(report.documentsChecked == 40)
        let doc0 = try index.documents.document(0)
        #expect(doc0.referenceID == "00STATE100000")
        #expect(doc0.rowID == nil)
        #expect(try index.documents.document(39).referenceID == "03STATE100039")
        let info = try #require(try index.field(.body).lookup("kosovo"))
        #expect(info.documentFrequency == 37)
        #expect(try index.keyword(.refid).lookup("03STATE100039") != nil)
    }

    /// Regenerates the fixture; run only when the format version is bumped (then add index_v2, keep index_v1):
    ///     CORPUS_INDEX_WRITE_FIXTURE=/path/to/Tests/CorpusIndexTests/Fixtures/index_v1 swift test --filter FormatCompatibility
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CORPUS_INDEX_WRITE_FIXTURE"] != nil))
    func writeFixture() throws {
        let path = ProcessInfo.processInfo.environment["CORPUS_INDEX_WRITE_FIXTURE"]!
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try TestIndexBuilder.build(TestIndexBuilder.records(40, seed: 1), directory: path, blockSize: 4096)
    }
}
