import CorpusIndex
import Foundation

/// The index the query suite searches: built once from the benchmark CSV dump (`BenchDumps`) with the library's
/// `IndexBuild`, cached beside it (`index-5000-s42`), and rebuilt when the cached one no longer opens (e.g. after an
/// index format change).
public enum BenchIndex {
    /// The path of the cached index, building it first if needed.
    public static func path() -> String {
        let url = BenchEnvironment.cacheDirectory.appendingPathComponent(
            "index-\(BenchEnvironment.cableCount)-s\(BenchEnvironment.seed)")
        if FileManager.default.fileExists(atPath: url.path), (try? IndexSession(path: url.path)) != nil {
            return url.path
        }
        do {
            let reader = try DumpReader(paths: [BenchDumps.path(format: .csv)])
            _ = try IndexBuild.build(reader: reader, to: url.path,
                                     options: BuildOptions(threads: BenchEnvironment.threads))
        } catch {
            fatalError("cannot build the benchmark index \(url.path): \(error)")
        }
        return url.path
    }

    /// A session over the cached index.
    public static func session() -> IndexSession {
        do {
            return try IndexSession(path: path())
        } catch {
            fatalError("cannot open the benchmark index: \(error)")
        }
    }
}
