import CLZ4
import CZlib
import Foundation
@testable import CorpusIndex

/// Fixtures, temporary files and compression helpers for the reader tests.
enum ReaderFixtures {
    static var directory: String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.path
    }

    static func path(_ name: String) -> String { directory + "/" + name }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    /// A fresh temporary directory (removed by the caller with `remove`).
    static func temporaryDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "corpus-index-readers-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// All records of `paths`, read sequentially.
    static func records(_ paths: [String], options: ReaderOptions = .init(), chunkBytes: Int = 16 << 20) throws
        -> ([CableRecord], ReadSummary)
    {
        var out: [CableRecord] = []
        let summary = try DumpReader(paths: paths, options: options).forEachRecord(chunkBytes: chunkBytes) {
            out.append($0)
        }
        return (out, summary)
    }

    /// The 12 real rows repeated `copies` times with fresh row ids (a larger CSV for chunking tests).
    static func repeatedCSV(copies: Int) throws -> [UInt8] {
        let rows = try splitCSVRows(bytes("cables-first12.csv"))
        var out: [UInt8] = []
        var id = 1
        for _ in 0..<copies {
            for row in rows {
                out += Array("\"\(id)\"".utf8)
                out += row[row.firstIndex(of: UInt8(ascii: ","))!...]
                id += 1
            }
        }
        return out
    }

    /// The fixture's rows as byte arrays, each with its terminator.
    static func splitCSVRows(_ csv: [UInt8]) throws -> [[UInt8]] {
        var rows: [[UInt8]] = []
        var start = 0
        try csv.withUnsafeBytes { b in
            while start < b.count {
                let end = CSVRecordParser.nextBoundary(in: b, from: start + 1) ?? b.count
                rows.append(Array(b[start..<end]))
                start = end
            }
            if rows.isEmpty { throw CorpusIndexError.internalError("no rows") }
        }
        return rows
    }

    static func gzip(_ input: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        deflateInit2_(&stream, 6, Z_DEFLATED, MAX_WBITS + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                      Int32(MemoryLayout<z_stream>.size))
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 64)
        var input = input
        let produced = input.withUnsafeMutableBytes { inRaw in
            out.withUnsafeMutableBytes { outRaw in
                stream.next_in = inRaw.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = UInt32(inRaw.count)
                stream.next_out = outRaw.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = UInt32(outRaw.count)
                _ = deflate(&stream, Z_FINISH)
                return outRaw.count - Int(stream.avail_out)
            }
        }
        deflateEnd(&stream)
        return Array(out[0..<produced])
    }

    static func lz4(_ input: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: LZ4F_compressFrameBound(input.count, nil))
        let n = input.withUnsafeBytes { inRaw in
            out.withUnsafeMutableBytes { outRaw in
                LZ4F_compressFrame(outRaw.baseAddress, outRaw.count, inRaw.baseAddress, inRaw.count, nil)
            }
        }
        return Array(out[0..<n])
    }

    /// Extracts the Dec-2010 site tarball into a new temporary directory with `/usr/bin/tar xJf`.
    static func extractSiteTarball() throws -> String {
        let dir = try temporaryDirectory()
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        tar.arguments = ["xJf", path("dec2010-site-1295.tar.xz"), "-C", dir]
        try tar.run()
        tar.waitUntilExit()
        guard tar.terminationStatus == 0 else { throw CorpusIndexError.internalError("tar failed") }
        return dir
    }
}
