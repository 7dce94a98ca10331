import CLZ4
import Foundation
import Testing

@testable import CorpusIndex

/// The SQL, HTML and text forms and the compressed streams, checked without the project's readers: the compressed
/// files inflate to the uncompressed bytes, SQL batches and escapes are well formed, and an HTML page stripped of
/// the site's links and anchors gives back the generated header and body byte for byte.
@Suite("Generator forms")
struct GeneratorFormsTests {
    static let generator = try! DumpGenerator(cables: 240, seed: 13)

    @Test(arguments: [DumpFormat.csv, .sql, .text])
    func gzipInflatesToTheSameBytes(format: DumpFormat) throws {
        let dir = try GeneratorDeterminismTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.generator.write(format: format, compression: .gzip, to: dir + "/dump.gz", threads: 2)
        let compressed = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/dump.gz")))
        #expect(compressed.prefix(2) == [0x1F, 0x8B])
        let expected = Self.generator.data(format: format)
        #expect(compressed.count < expected.count * 6 / 10)  // i.i.d. Zipf words compress less than real prose
        #expect(try GeneratorResources.gunzip(compressed, name: "dump.gz") == expected)
    }

    @Test func lz4FrameDecompressesToTheSameBytes() throws {
        let dir = try GeneratorDeterminismTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.generator.write(format: .csv, compression: .lz4, to: dir + "/dump.lz4", threads: 3)
        let compressed = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/dump.lz4")))
        #expect(compressed.prefix(4) == [0x04, 0x22, 0x4D, 0x18])
        var context: OpaquePointer?
        #expect(LZ4F_isError(LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))) == 0)
        defer { LZ4F_freeDecompressionContext(context) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var offset = 0
        while offset < compressed.count {
            var srcSize = compressed.count - offset
            var dstSize = chunk.count
            let hint = compressed.withUnsafeBytes { src in
                chunk.withUnsafeMutableBytes { dst in
                    LZ4F_decompress(context, dst.baseAddress, &dstSize, src.baseAddress! + offset, &srcSize, nil)
                }
            }
            #expect(LZ4F_isError(hint) == 0)
            if LZ4F_isError(hint) != 0 { break }
            output += chunk[0..<dstSize]
            offset += srcSize
            if hint == 0 { break }
        }
        #expect(output == Self.generator.csvData())
    }

    @Test func sqlIsBatchedAndEscaped() throws {
        let sql = String(decoding: Self.generator.data(format: .sql), as: UTF8.self)
        #expect(sql.contains("CREATE TABLE `cable`"))
        let inserts = sql.components(separatedBy: "INSERT INTO cable (id, date, refid, classification, origin, destination, header, content) VALUES ")
        #expect(inserts.count - 1 == (240 + DumpRenderers.sqlRowsPerStatement - 1) / DumpRenderers.sqlRowsPerStatement)
        // Statements are one line each: every newline inside a value is escaped.
        let statements = sql.split(separator: "\n").filter { $0.hasPrefix("INSERT INTO cable") }
        #expect(statements.count == inserts.count - 1)
        #expect(statements.allSatisfy { $0.hasSuffix(");") })
        #expect(sql.contains("\\n"))
        #expect(sql.contains("\\'"))
        let first = Self.generator.record(at: 0)
        let c = first.created.components
        let date = String(format: "%04d-%02d-%02d %02d:%02d:00", c.year, c.month, c.day, c.hour, c.minute)
        #expect(sql.contains("VALUES (1, '\(date)', '\(first.referenceID)', '\(first.classification)'"))
    }

    @Test func htmlPagesGiveBackHeaderAndBody() throws {
        let dir = try GeneratorDeterminismTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let small = try DumpGenerator(cables: 60, seed: 13)
        try small.write(format: .html, to: dir, threads: 2)
        for index in [0, 17, 59] {
            let record = small.record(at: index, as: .html)
            #expect(record.rowID == nil && record.released != nil && record.references.isEmpty)
            let path = dir + "/" + small.htmlPagePath(at: index)
            #expect(path.hasSuffix("/\(record.referenceID).html"))
            let page = try String(contentsOfFile: path, encoding: .utf8)
            #expect(page.contains("<h3>Viewing cable \(record.referenceID), \(record.subject)</h3>"))
            #expect(page.contains(">\(record.created.description)</a>"))
            let blocks = page.components(separatedBy: "<code><pre>").dropFirst().map {
                $0.components(separatedBy: "</pre></code>")[0]
            }
            #expect(blocks.count == 2)
            #expect(!blocks[1].contains("\n"))
            #expect(blocks[1].contains("TAGS") == false || blocks[1].contains("<a href='/tag/"))
            #expect(Array(Self.unlink(blocks[0]).utf8) == record.header)
            #expect(Array(Self.unlink(blocks[1]).utf8) == record.body)
        }
    }

    @Test func textPagesCarryMetadataHeaderAndBody() throws {
        let text = String(decoding: Self.generator.data(format: .text), as: UTF8.self)
        let pages = text.components(separatedBy: "Viewing cable ").dropFirst()
        #expect(pages.count == 240)
        let record = Self.generator.record(at: 5, as: .text)
        let page = Array(pages)[5]
        #expect(page.hasPrefix("\(record.referenceID), \(record.subject)\n"))
        #expect(page.contains("\(record.referenceID) \(record.created.description) \(record.released!.description) \(record.classification) \(record.origin)\n"))
        #expect(page.hasSuffix(String(decoding: record.body, as: UTF8.self)))
        #expect(page.contains(String(decoding: record.header, as: UTF8.self) + "\n" + String(decoding: record.body, as: UTF8.self)))
    }

    /// Undoes the site's markup: `&#x000A;`, paragraph anchors, tag links.
    static func unlink(_ html: String) -> String {
        var s = html.replacingOccurrences(of: "&#x000A;", with: "\n")
        while let open = s.range(of: "<a id='par") {
            let close = s.range(of: "</a>", range: open.upperBound..<s.endIndex)!
            s.removeSubrange(open.lowerBound..<close.upperBound)
        }
        while let open = s.range(of: "<a href='/tag/") {
            let gt = s.range(of: ">", range: open.upperBound..<s.endIndex)!
            s.removeSubrange(open.lowerBound..<gt.upperBound)
            s = s.replacingOccurrences(of: "</a>", with: "", options: [], range: nil)
        }
        return s
    }
}
