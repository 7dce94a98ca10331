import CorpusIndex
import Foundation

/// Generated dumps on disk for the reader and build suites, cached under `BenchEnvironment.cacheDirectory` by
/// size, seed, form and compression (`cables-5000-s42.csv.gz`), written by the library's `DumpGenerator` on first
/// use (to a temporary name, then renamed, so an interrupted run never leaves a truncated dump behind).
///
/// Thread-safe only in the sense the suites need: call from the benchmark's setup, before measuring.
public enum BenchDumps {
    /// The path of the dump of `format` and `compression`, generating it if it is not cached yet.
    public static func path(format: DumpFormat = .csv, compression: DumpCompression = .none) -> String {
        let suffix: String
        switch compression {
        case .none: suffix = ""
        case .gzip: suffix = ".gz"
        case .lz4: suffix = ".lz4"
        }
        let name = "cables-\(BenchEnvironment.cableCount)-s\(BenchEnvironment.seed).\(format.rawValue)\(suffix)"
        let url = BenchEnvironment.cacheDirectory.appendingPathComponent(name)
        if let size = try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int, size > 0 {
            return url.path
        }
        let temporary = url.path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        do {
            let generator = try DumpGenerator(cables: BenchEnvironment.cableCount, seed: BenchEnvironment.seed)
            try generator.write(format: format, compression: compression, to: temporary,
                                threads: ProcessInfo.processInfo.activeProcessorCount)
            try? FileManager.default.removeItem(at: url)
            try FileManager.default.moveItem(atPath: temporary, toPath: url.path)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            fatalError("cannot generate the benchmark dump \(url.path): \(error)")
        }
        return url.path
    }

    /// The size of a file in bytes (0 if it cannot be read).
    public static func size(of path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
    }

    /// A fresh scratch path under the cache directory for an index a benchmark builds (removed first).
    public static func scratchIndexPath(_ name: String) -> String {
        let url = BenchEnvironment.cacheDirectory.appendingPathComponent("scratch-\(name)")
        try? FileManager.default.removeItem(at: url)
        return url.path
    }
}
