/// A document id inside one index: documents are numbered 0, 1, 2, ... in input order.
public typealias DocID = UInt32

/// The `doc` of a cursor that is exhausted; greater than every real document id.
public let noMoreDocs: DocID = .max

/// A forward-only cursor over a strictly increasing sequence of document ids (PISA's posting cursor concept:
/// `docid()`, `next()`, `next_geq()`).
///
/// The query engine composes these into trees (conjunctions, disjunctions, exclusions, phrases). A fresh cursor is
/// positioned *before* its first document: call `next()` or `advance(to:)` first. `doc` is `noMoreDocs` once the
/// cursor is exhausted and stays so. Subclasses override `next()`, `advance(to:)` and `cost`.
///
/// Not thread-safe: a cursor belongs to one query on one thread.
open class DocCursor {
    /// The current document, `noMoreDocs` when exhausted; unspecified before the first move.
    public final var doc: DocID = 0

    public init() {}

    /// Moves to the next document and returns it (`noMoreDocs` at the end).
    @discardableResult
    open func next() -> DocID { fatalError("DocCursor.next() is abstract") }

    /// Moves to the first document `>= target` and returns it. `target` must be greater than the current `doc`
    /// (or the cursor fresh); a target at or below the current document does not move the cursor.
    @discardableResult
    open func advance(to target: DocID) -> DocID {
        while doc < target { next() }
        return doc
    }

    /// An upper bound on the number of documents this cursor yields; used to order intersections (rarest first).
    open var cost: Int { 0 }

    /// Calls `body` with every remaining document of a fresh cursor, ascending, in runs (each buffer valid during
    /// its call only), and leaves the cursor exhausted. For bulk work (counting, bitsets) without a call per
    /// document; cursors over decoded blocks hand over whole blocks. By default, runs of `next()`.
    open func forEachRun(_ body: (UnsafeBufferPointer<DocID>) -> Void) {
        withUnsafeTemporaryAllocation(of: DocID.self, capacity: 128) { run in
            var n = 0
            var d = next()
            while d != noMoreDocs {
                run[n] = d
                n += 1
                if n == 128 {
                    body(UnsafeBufferPointer(rebasing: run[0..<n]))
                    n = 0
                }
                d = next()
            }
            if n > 0 { body(UnsafeBufferPointer(rebasing: run[0..<n])) }
        }
    }
}

/// A cursor over a sorted array of document ids (tests, materialised metadata lists, small unions).
public final class ArrayDocCursor: DocCursor {
    @usableFromInline let docs: [DocID]
    @usableFromInline var index = -1

    /// - Parameter docs: strictly increasing document ids.
    public init(_ docs: [DocID]) {
        self.docs = docs
        super.init()
    }

    public override func next() -> DocID {
        index += 1
        doc = index < docs.count ? docs[index] : noMoreDocs
        return doc
    }

    public override func advance(to target: DocID) -> DocID {
        if index >= 0 && doc >= target { return doc }
        // Gallop from the current index, then binary-search the bracket.
        var low = max(index, 0)
        var step = 1
        var high = low
        while high < docs.count && docs[high] < target {
            low = high + 1
            high += step
            step <<= 1
        }
        high = min(high, docs.count)
        while low < high {
            let mid = (low + high) >> 1
            if docs[mid] < target { low = mid + 1 } else { high = mid }
        }
        index = low
        doc = index < docs.count ? docs[index] : noMoreDocs
        return doc
    }

    public override var cost: Int { docs.count }
}

/// Every document id in `range` (the whole index for pure-negative queries, a sorted date range).
public final class RangeDocCursor: DocCursor {
    let range: Range<DocID>
    var started = false

    public init(_ range: Range<DocID>) {
        self.range = range
        super.init()
    }

    public override func next() -> DocID {
        if !started {
            started = true
            doc = range.isEmpty ? noMoreDocs : range.lowerBound
        } else if doc != noMoreDocs {
            doc = doc + 1 < range.upperBound ? doc + 1 : noMoreDocs
        }
        return doc
    }

    public override func advance(to target: DocID) -> DocID {
        if started && doc >= target { return doc }
        started = true
        let t = max(target, range.lowerBound)
        doc = t < range.upperBound ? t : noMoreDocs
        return doc
    }

    public override var cost: Int { range.count }
}

/// A cursor that matches nothing.
public final class EmptyDocCursor: DocCursor {
    public override init() {
        super.init()
        doc = noMoreDocs
    }
    public override func next() -> DocID { noMoreDocs }
    public override func advance(to target: DocID) -> DocID { noMoreDocs }
    public override var cost: Int { 0 }
}

/// The documents whose value in a per-document column satisfies a predicate, found by scanning the column
/// (bounded memory, O(documents) time). Used for date ranges when the created column is not sorted.
public final class PredicateDocCursor: DocCursor {
    let count: DocID
    let predicate: (DocID) -> Bool
    var started = false

    public init(documentCount: Int, _ predicate: @escaping (DocID) -> Bool) {
        count = DocID(clamping: documentCount)
        self.predicate = predicate
        super.init()
    }

    public override func next() -> DocID {
        if doc == noMoreDocs { return doc }
        var d: DocID = started ? doc + 1 : 0
        started = true
        while d < count && !predicate(d) { d += 1 }
        doc = d < count ? d : noMoreDocs
        return doc
    }

    public override func advance(to target: DocID) -> DocID {
        if started && doc >= target { return doc }
        if doc == noMoreDocs { return doc }
        started = true
        var d = target
        while d < count && !predicate(d) { d += 1 }
        doc = d < count ? d : noMoreDocs
        return doc
    }

    public override var cost: Int { Int(count) }
}
