import CorpusIndex
import Foundation

/// An open index behind a `ci_index *`.
final class IndexHandle {
    let session: IndexSession
    init(session: IndexSession) { self.session = session }
}

/// The hits behind a `ci_results *`: document ids and scores from the engine; each hit's reference id (from the
/// index's reference id column) and JSON (metadata and snippet, from the document store) are made on first
/// access and kept, with their C strings (owned here, freed in `deinit`). Used by one thread at a time (as the
/// header says).
final class ResultsHandle {
    let session: IndexSession
    let node: QueryNode
    let ranked: [ScoredDoc]
    private var refids: [UnsafeMutablePointer<CChar>?]
    private var jsons: [UnsafeMutablePointer<CChar>?]

    init(session: IndexSession, node: QueryNode, ranked: [ScoredDoc]) {
        self.session = session
        self.node = node
        self.ranked = ranked
        refids = Array(repeating: nil, count: ranked.count)
        jsons = Array(repeating: nil, count: ranked.count)
    }

    func refid(_ i: Int) throws -> UnsafePointer<CChar> {
        if refids[i] == nil { refids[i] = strdup(try session.referenceID(ranked[i].doc)) }
        return UnsafePointer(refids[i]!)
    }

    func json(_ i: Int) throws -> UnsafePointer<CChar> {
        if jsons[i] == nil { jsons[i] = strdup(try session.details([ranked[i]], for: node)[0].json) }
        return UnsafePointer(jsons[i]!)
    }

    deinit {
        refids.forEach { free($0) }
        jsons.forEach { free($0) }
    }
}

/// The live handles, so that NULL, foreign and already-freed pointers are refused instead of dereferenced.
/// Guarded by a lock; handles are retained here from creation to close/free.
final class HandleRegistry<T: AnyObject>: @unchecked Sendable {
    private let lock = NSLock()
    private var live: [UnsafeMutableRawPointer: T] = [:]

    func register(_ object: T) -> UnsafeMutableRawPointer {
        let p = Unmanaged.passUnretained(object).toOpaque()
        lock.withLock { live[p] = object }
        return p
    }

    /// The object behind `pointer`, or a thrown `.invalidArgument`.
    func object(_ pointer: UnsafeRawPointer?, _ name: String) throws -> T {
        guard let pointer else { throw CorpusIndexError.invalidArgument("\(name) is NULL") }
        guard let object = lock.withLock({ live[UnsafeMutableRawPointer(mutating: pointer)] }) else {
            throw CorpusIndexError.invalidArgument("\(name) is not an open handle (already closed?)")
        }
        return object
    }

    /// Forgets `pointer`; false if it was not live.
    func remove(_ pointer: UnsafeRawPointer) -> Bool {
        lock.withLock { live.removeValue(forKey: UnsafeMutableRawPointer(mutating: pointer)) != nil }
    }
}

let indexes = HandleRegistry<IndexHandle>()
let resultSets = HandleRegistry<ResultsHandle>()
