import Foundation
import Testing

@testable import CorpusIndex

@Suite("Generator determinism")
struct GeneratorDeterminismTests {
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "corpus-index-generate-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func sameSeedGivesSameBytes() throws {
        let a = try DumpGenerator(cables: 300, seed: 7).csvData()
        let b = try DumpGenerator(cables: 300, seed: 7).csvData()
        #expect(a.count > 300 * 1000)
        #expect(a == b)
    }

    @Test func differentSeedGivesDifferentBytes() throws {
        let a = try DumpGenerator(cables: 200, seed: 1).csvData()
        let b = try DumpGenerator(cables: 200, seed: 2).csvData()
        #expect(a != b)
    }

    @Test(arguments: [DumpFormat.csv, .sql, .text])
    func threadCountDoesNotChangeBytes(format: DumpFormat) throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Small work units so that 300 cables take several rounds of units at every thread count.
        var generator = try DumpGenerator(cables: 300, seed: 3)
        generator.unitSize = 7
        let expected = generator.data(format: format)
        for threads in [1, 2, 3] {
            let path = "\(dir)/out-\(threads)"
            try generator.write(format: format, to: path, threads: threads)
            let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(written == expected, "threads \(threads)")
        }
    }

    @Test(arguments: [DumpCompression.gzip, .lz4])
    func compressedBytesDoNotDependOnThreads(compression: DumpCompression) throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var generator = try DumpGenerator(cables: 200, seed: 4)
        generator.unitSize = 9
        var outputs: [[UInt8]] = []
        for threads in [1, 3] {
            let path = "\(dir)/out-\(threads)"
            let size = try generator.write(format: .sql, compression: compression, to: path, threads: threads)
            outputs.append(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
            #expect(size.writtenBytes == outputs.last!.count)
            #expect(size.renderedBytes == generator.data(format: .sql).count)
        }
        #expect(outputs[0] == outputs[1])
    }

    @Test func recordAtIndexMatchesTheWrittenRow() throws {
        let generator = try DumpGenerator(cables: 400, seed: 11)
        let rows = try #require(GeneratedCSV.parse(generator.csvData()))
        #expect(rows.count == 400)
        for index in [0, 1, 57, 199, 398, 399] {
            let record = generator.record(at: index)
            let f = rows[index].fields
            #expect(record.rowID == index + 1)
            #expect(GeneratedCSV.string(f[0]) == String(index + 1))
            #expect(GeneratedCSV.string(f[2]) == record.referenceID)
            #expect(GeneratedCSV.string(f[3]) == record.origin)
            #expect(GeneratedCSV.string(f[4]) == record.classification)
            #expect(GeneratedCSV.string(f[5]) == record.references.joined(separator: "|"))
            #expect(f[6] == record.header)
            #expect(f[7] == record.body)
            let c = record.created.components
            #expect(GeneratedCSV.string(f[1]) == "\(c.month)/\(c.day)/\(c.year) \(c.hour):\(c.minute < 10 ? "0" : "")\(c.minute)")
        }
    }
}
