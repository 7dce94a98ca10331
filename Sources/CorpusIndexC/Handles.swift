import CorpusIndex
import Foundation

/// An open index behind a `ci_index *`.
final class IndexHandle {
    let session: IndexSession
    init(session: IndexSession) { self.session = session }
}

/// The hits behind a `ci_results *`, with C strings (owned here, freed in `deinit`) for the accessors.
final class ResultsHandle {
    let hits: [SearchHit]
    let refids: [UnsafeMutablePointer<CChar>]
    let jsons: [UnsafeMutablePointer<CChar>]

    init(hits: [SearchHit]) {
        self.hits = hits
        refids = hits.map { strdup($0.referenceID)! }
        jsons = hits.map { strdup($0.json)! }
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
