/// A `DocCursor` over one term's postings, with what scoring and phrase matching need: the frequency and
/// positions in the current document and, for block-max pruning, the bounds of a postings block
/// (tantivy's `SegmentPostings` + block WAND). Abstract: each `QuerySource` provides a final subclass over its
/// storage, so the engine's calls are plain vtable calls into concrete code (no generic witness thunks).
///
/// A fresh cursor is positioned before its first document. Not thread-safe.
open class TermCursor: DocCursor {
    /// The term's dictionary statistics.
    public final let statistics: TermStatistics
    /// The term's document frequency.
    public final var documentFrequency: Int { statistics.documentFrequency }

    public init(statistics: TermStatistics) {
        self.statistics = statistics
        super.init()
    }

    public override var cost: Int { statistics.documentFrequency }

    /// The term's frequency in the current document.
    open var freq: UInt32 { fatalError("TermCursor.freq is abstract") }
    /// Replaces `buffer`'s contents by the term's positions in the current document, ascending.
    open func positions(into buffer: inout [UInt32]) { fatalError("TermCursor.positions is abstract") }

    /// The term's positions in the current document, ascending, valid until the cursor moves or is asked again
    /// (no copy for on-disk postings). By default a copy of `positions(into:)` in a buffer the cursor owns.
    open func currentPositions() -> UnsafeBufferPointer<UInt32> {
        positions(into: &positionScratch)
        return positionScratch.withUnsafeBufferPointer { scratch in
            if scratch.count > scratchCapacity {
                scratchPointer?.deallocate()
                scratchCapacity = max(scratch.count, 2 * scratchCapacity)
                scratchPointer = .allocate(capacity: scratchCapacity)
            }
            guard let base = scratch.baseAddress, let target = scratchPointer else {
                return UnsafeBufferPointer(start: nil, count: 0)
            }
            target.update(from: base, count: scratch.count)
            return UnsafeBufferPointer(start: target, count: scratch.count)
        }
    }
    private var positionScratch: [UInt32] = []
    private var scratchPointer: UnsafeMutablePointer<UInt32>?
    private var scratchCapacity = 0

    deinit { scratchPointer?.deallocate() }
    /// Moves to the next document where the term occurs at least `minimum` times, or to the first document after
    /// `limit`, whichever comes first; returns it. By default `next()` until then; on-disk postings scan their
    /// decoded frequencies instead.
    open func next(minimumFrequency minimum: UInt32, upTo limit: DocID) -> DocID {
        var d = next()
        while d != noMoreDocs && d <= limit && freq < minimum { d = next() }
        return d
    }

    /// Moves to the next document whose field length is at most `limits[min(freq, count - 1)]` (`count >= 1`);
    /// returns it. A prefilter: by default simply the next document (callers check each document they get);
    /// on-disk postings scan their decoded blocks with the field's lengths instead.
    open func next(lengthAtMost limits: UnsafePointer<UInt32>, count: Int) -> DocID { next() }

    /// Moves the block bounds (not the cursor) to the block holding the first document `>= target`.
    open func shallowAdvance(to target: DocID) { fatalError("TermCursor.shallowAdvance is abstract") }
    /// The largest frequency in the current bound block (0 past the last block).
    open var blockMaxFreq: UInt32 { fatalError("TermCursor.blockMaxFreq is abstract") }
    /// The smallest field length in the current bound block.
    open var blockMinFieldLength: UInt32 { fatalError("TermCursor.blockMinFieldLength is abstract") }
    /// The last document of the current bound block; `noMoreDocs` past the last block.
    open var blockLastDoc: DocID { fatalError("TermCursor.blockLastDoc is abstract") }

    /// An upper bound of the term's score (with `weight`) in any document of the current bound block (0 past the
    /// last block). By default BM25 at the block's largest frequency and smallest length; a source that stores
    /// exact block maxima returns those.
    open func blockMaxScore(_ weight: BM25) -> Double {
        weight.score(tf: blockMaxFreq, fieldLength: blockMinFieldLength)
    }

    /// The term's frequency in `target`, 0 if absent. Sources whose terms carry top-scoring documents answer in
    /// any order of targets (random access: the candidates of the lists are probed best first, not in doc-id
    /// order) and may move the cursor anywhere; by default the cursor advances, so targets must not decrease.
    open func probeFrequency(_ target: DocID) -> UInt32 { advance(to: target) == target ? freq : 0 }

    /// `probeFrequency` for each of `count` targets (under the same rules of order), into `frequencies`: one call
    /// for a pass over many documents, which a source may answer for less than one probe each.
    open func probeFrequencies(_ targets: UnsafePointer<DocID>, count: Int, into frequencies: UnsafeMutablePointer<UInt32>) {
        for i in 0..<count { frequencies[i] = probeFrequency(targets[i]) }
    }

    /// The term's top-scoring documents, if its postings carry them (`TopScoringDocuments`); nil by default.
    open func topScoringDocuments() -> TopScoringList? { nil }

    /// The runners-up of `list` (this term's `topScoringDocuments()`), if its postings carry them; nil by default.
    open func runnersUp(of list: TopScoringList) -> TopScoringRunnersUp? { nil }

    /// An upper bound of the term's score (with `weight`) in any document.
    open func maxScore(_ weight: BM25) -> Double {
        let s = statistics
        return s.maxFrequency == .max ? .infinity : weight.score(tf: s.maxFrequency, fieldLength: s.minFieldLength)
    }
}

/// A term cursor with no documents (a term whose postings could not be opened; the error is recorded).
public final class EmptyTermCursor: TermCursor {
    public override init(statistics: TermStatistics) {
        super.init(statistics: statistics)
        doc = noMoreDocs
    }
    public override func next() -> DocID { noMoreDocs }
    public override func advance(to target: DocID) -> DocID { noMoreDocs }
    public override var freq: UInt32 { 0 }
    public override func positions(into buffer: inout [UInt32]) { buffer.removeAll(keepingCapacity: true) }
    public override func shallowAdvance(to target: DocID) {}
    public override var blockMaxFreq: UInt32 { 0 }
    public override var blockMinFieldLength: UInt32 { .max }
    public override var blockLastDoc: DocID { noMoreDocs }
}

/// The documents where several terms occur at consecutive positions (`"trafficking in persons"`).
///
/// A conjunction of the terms' cursors (rarest leads); positions are decoded only for documents that contain every
/// term, and checked by walking the rarest term's positions and probing the others with a moving pointer. A
/// repeated word gets its own cursor per occurrence. Position buffers are reused across documents.
/// Not thread-safe.
public final class PhraseCursor: ConjunctionCursor {
    let terms: [TermCursor]
    /// Per word: its positions in the current document (`currentPositions`) and a moving probe index.
    private let lists: UnsafeMutablePointer<UnsafeBufferPointer<UInt32>>
    private let pointers: UnsafeMutablePointer<Int>

    /// - Parameters:
    ///   - terms: one cursor per phrase word, in phrase order.
    public init(terms: [TermCursor]) {
        self.terms = terms
        lists = .allocate(capacity: terms.count)
        lists.initialize(repeating: UnsafeBufferPointer(start: nil, count: 0), count: terms.count)
        pointers = .allocate(capacity: terms.count)
        pointers.initialize(repeating: 0, count: terms.count)
        super.init(terms)
    }

    deinit {
        lists.deallocate()
        pointers.deallocate()
    }

    public override func verify(_ doc: DocID) -> Bool {
        let n = terms.count
        for i in 0..<n {
            lists[i] = terms[i].currentPositions()
            pointers[i] = 0
        }
        // Anchor on word 0: a start s matches when every word i has position s + i.
        let anchor = lists[0]
        for start in anchor {
            var all = true
            for i in 1..<n {
                let want = start &+ UInt32(truncatingIfNeeded: i)
                var p = pointers[i]
                let list = lists[i]
                while p < list.count && list[p] < want { p += 1 }
                pointers[i] = p
                if p == list.count { return false }
                if list[p] != want {
                    all = false
                    break
                }
            }
            if all { return true }
        }
        return false
    }
}
