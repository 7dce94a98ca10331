import CorpusIndex
import Foundation

/// The index the query suite searches: built once per process from the benchmark CSV dump (`BenchDumps`) with the
/// library's `IndexBuild`, into the cache directory (`index-5000-s42`).
///
/// Not reused across processes: an index left by an older build of the library can open cleanly and still not
/// decode under a newer one when an encoding changed without a format-version bump (seen here), and a build of the
/// default 5,000 cables takes seconds.
public enum BenchIndex {
    /// The path of the index, built on first use in this process.
    public static let path: String = {
        let url = BenchEnvironment.cacheDirectory.appendingPathComponent(
            "index-\(BenchEnvironment.cableCount)-s\(BenchEnvironment.seed)")
        do {
            let reader = try DumpReader(paths: [BenchDumps.path(format: .csv)])
            _ = try IndexBuild.build(reader: reader, to: url.path,
                                     options: BuildOptions(threads: BenchEnvironment.threads))
        } catch {
            fatalError("cannot build the benchmark index \(url.path): \(error)")
        }
        return url.path
    }()

    /// A session over the index.
    public static func session() -> IndexSession {
        do {
            return try IndexSession(path: path)
        } catch {
            fatalError("cannot open the benchmark index: \(error)")
        }
    }
}
