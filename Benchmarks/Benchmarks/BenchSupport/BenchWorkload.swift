import Foundation

/// The query workload shared with scripts/bench and scripts/compare (`Benchmarks/Workload/queries.json`): query
/// classes and their queries in corpus-index syntax. Loaded once; thread-safe (immutable).
public enum BenchWorkload {
    /// One query of the workload.
    public struct Query: Sendable, Decodable {
        /// The class key (`term`, `and2`, ..., `count`).
        public var `class`: String
        /// The query in corpus-index syntax.
        public var query: String
    }

    /// One query class.
    public struct QueryClass: Sendable, Decodable {
        public var key: String
        public var label: String
    }

    struct File: Decodable {
        var classes: [QueryClass]
        var queries: [Query]
    }

    static let file: File = {
        let url = BenchEnvironment.repositoryRoot.appendingPathComponent("Benchmarks/Workload/queries.json")
        do {
            return try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot read the query workload \(url.path): \(error)")
        }
    }()

    /// The classes, in report order.
    public static var classes: [QueryClass] { file.classes }

    /// The queries of class `key`.
    public static func queries(of key: String) -> [String] {
        file.queries.filter { $0.class == key }.map(\.query)
    }
}
