/// Runs parsed queries against a `QuerySource`: top-k by BM25 with block-max pruning, date orders, counts and
/// facet counts.
///
/// Top-k walks the Boolean filter (the planner's cursor tree) document at a time. Once the collector holds k hits,
/// each candidate's score is first bounded by summing, over the scoring terms, BM25 of the term's current block
/// maximum frequency and minimum field length (`shallowAdvance`, no decoding); when the bound cannot beat the k-th
/// score the filter jumps past the nearest block end, so a top-10 query skips most blocks of common terms
/// (block-max WAND's bound applied to an arbitrary Boolean filter, as Lucene's block-max conjunction does). A query
/// with no scoring terms stops after the first k matches (all scores are 0; ties go to the lower id).
///
/// Cheap to create; each call builds its own cursors, so one engine may serve many threads if `S` allows.
public struct QueryEngine<S: QuerySource> {
    public let source: S
    public let parser: QueryParser

    public init(source: S, parser: QueryParser = QueryParser()) {
        self.source = source
        self.parser = parser
    }

    /// The scorers of `node`'s scoring terms, reusing the filter's cursors from `shared` where it has them.
    func scorers(for node: QueryNode, planner: QueryPlanner<S>, shared: [ScoringTerm: TermCursor] = [:]) -> ScorerSet {
        ScorerSet(node.scoringTerms.compactMap { t in
            guard let c = shared[t] ?? planner.termCursor(t.field, t.term) else { return nil }
            let w = BM25(
                documentCount: source.documentCount, documentFrequency: c.documentFrequency,
                averageFieldLength: source.averageFieldLength(field: t.field))
            return (c, source.fieldLengthTable(field: t.field), t.field, w)
        })
    }

    /// The scorers of `set` again, over fresh cursors made from their terms' ordinals (no dictionary search).
    func refreshed(_ set: ScorerSet) -> ScorerSet {
        ScorerSet(set.scorers.map { s in
            let statistics = s.cursor.statistics
            let cursor = source.termCursor(field: s.field, ordinal: statistics.ordinal, statistics: statistics)
            return (cursor, source.fieldLengthTable(field: s.field), s.field, s.weight)
        })
    }

    /// The exact BM25 score of `doc` (which the filter matched); moves each scorer's cursor to `doc`.
    @inline(__always)
    func score(_ doc: DocID, _ scorers: [Scorer]) -> Double {
        var total = 0.0
        for s in scorers where s.advance(to: doc) == doc {
            total += s.currentScore(doc, source)
        }
        return total
    }

    /// Parses and runs `query`, returning hits `offset ..< offset + top` in `order`.
    public func search(_ query: String, top: Int, offset: Int = 0, order: SearchOrder = .score) throws -> SearchResult {
        try search(parser.parse(query), top: top, offset: offset, order: order)
    }

    /// Runs a parsed query, returning hits `offset ..< offset + top` in `order`.
    // Specialised for the on-disk index: callers in other modules (CLI, C API, tools) get concrete code.
    @_specialize(where S == IndexQuerySource)
    public func search(_ node: QueryNode, top: Int, offset: Int = 0, order: SearchOrder = .score) throws -> SearchResult {
        guard top >= 0, offset >= 0 else { throw CorpusIndexError.invalidArgument("--top and --offset must not be negative") }
        let (k, overflow) = top.addingReportingOverflow(offset)
        guard !overflow else { throw CorpusIndexError.invalidArgument("--top + --offset is too large") }
        guard k > 0 else { return SearchResult(hits: []) }
        let planner = QueryPlanner(source: source)
        let capacity = min(k, max(source.documentCount, 1))
        var floor = -Double.infinity
        if order == .score, let conjunctive = Self.topListShape(node) {
            // Every term must be in the dictionary (a missing one empties an AND) and carry top-scoring documents.
            let set = scorers(for: node, planner: planner)
            if set.scorers.count == node.scoringTerms.count,
                let outcome = withExtendedLifetime(set, {
                    collectFromTopLists(set.scorers, conjunctive: conjunctive, capacity: capacity) { refreshed(set) }
                })
            {
                if outcome.complete {
                    return SearchResult(
                        hits: Array(outcome.collector.sorted().dropFirst(offset)), scoredDocuments: outcome.collector.scored)
                }
                // The k-th exact score found is a floor for the full run (lowered by a hair: that run may sum a
                // score in another order, one rounding away).
                if outcome.collector.isFull { floor = outcome.collector.threshold * (1 - 1e-12) }
            }
        }
        var collector = TopKCollector(capacity: capacity, floor: floor)
        if order == .score && Self.isPureDisjunction(node) {
            let set = scorers(for: node, planner: planner)
            withExtendedLifetime(set) { collectMaxScore(set.scorers, &collector) }
            return SearchResult(hits: Array(collector.sorted().dropFirst(offset)), scoredDocuments: collector.scored)
        }
        var shared: [ScoringTerm: TermCursor] = [:]
        let filter = planner.cursor(for: node, sharing: .conjunctive, scoring: &shared)
        switch order {
        case .score:
            let set = scorers(for: node, planner: planner, shared: shared)
            withExtendedLifetime(set) {
                if let conjunction = filter as? ConjunctionCursor {
                    collectConjunction(conjunction, set.scorers, &collector)
                } else {
                    collectByScore(filter, set.scorers, &collector)
                }
            }
        case .date, .dateDescending:
            // Sort key: created (negated for oldest-first so the max-heap-of-best keeps the oldest).
            let sign: Double = order == .date ? -1 : 1
            var d = filter.next()
            while d != noMoreDocs {
                collector.offer(ScoredDoc(doc: d, score: sign * Double(source.created(doc: d))))
                d = filter.next()
            }
            let page = collector.sorted().dropFirst(offset)
            return SearchResult(
                hits: page.map { ScoredDoc(doc: $0.doc, score: rescore($0.doc, node, planner)) },
                scoredDocuments: collector.scored)
        }
        return SearchResult(hits: Array(collector.sorted().dropFirst(offset)), scoredDocuments: collector.scored)
    }

    func rescore(_ doc: DocID, _ node: QueryNode, _ planner: QueryPlanner<S>) -> Double {
        let set = scorers(for: node, planner: planner)
        return withExtendedLifetime(set) { score(doc, set.scorers) }
    }

    func collectByScore(_ filter: DocCursor, _ scorers: [Scorer], _ collector: inout TopKCollector) {
        var d = filter.next()
        if scorers.isEmpty {
            while d != noMoreDocs && !collector.isFull {
                collector.offer(ScoredDoc(doc: d, score: 0))
                d = filter.next()
            }
            return
        }
        // The block bound is valid for documents up to `boundEnd`.
        var boundEnd: DocID = 0
        var bound = Double.infinity
        var haveBound = false
        while d != noMoreDocs {
            if collector.prunes {
                let theta = collector.threshold
                if !haveBound || d > boundEnd {
                    (bound, boundEnd) = Self.blockBound(scorers, 0..<scorers.count, at: d, base: 0)
                    haveBound = true
                }
                // An equal score never displaces (ties go to the lower id, already kept), so skip unless the
                // bound, with room for rounding, can beat the threshold.
                if bound * Self.slack <= theta {
                    guard let next = Self.nextViableWindow(
                        scorers, 0..<scorers.count, after: boundEnd, base: 0, threshold: theta)
                    else { return }
                    (bound, boundEnd) = (next.bound, next.end)
                    d = filter.advance(to: next.start)
                    continue
                }
            }
            collector.offer(ScoredDoc(doc: d, score: score(d, scorers)))
            d = filter.next()
        }
    }

    /// Room for rounding when comparing a bound with the threshold.
    static var slack: Double { 1 + 1e-9 }

    /// The sum of `base` and the block maxima (BM25 at the block's largest frequency and smallest length) of
    /// `scorers[range]` at `doc`, and the last document up to which that bound holds. Decodes nothing.
    @inline(__always)
    static func blockBound(
        _ scorers: [Scorer], _ range: Range<Int>, at doc: DocID, base: Double
    ) -> (bound: Double, end: DocID) {
        var bound = base
        var end = noMoreDocs
        for i in range {
            let c = scorers[i]
            c.shallowAdvance(to: doc)
            let last = c.blockLastDoc
            if last < end { end = last }
            bound += c.blockMaxScore
        }
        return (bound, end)
    }

    /// Walks the skip data (no decoding) from just after `after` to the first window whose block bound could
    /// beat `threshold`; nil when no such window remains.
    static func nextViableWindow(
        _ scorers: [Scorer], _ range: Range<Int>, after: DocID, base: Double, threshold: Double
    ) -> (start: DocID, end: DocID, bound: Double)? {
        var end = after
        while end != noMoreDocs {
            let start = end + 1
            let (bound, windowEnd) = blockBound(scorers, range, at: start, base: base)
            if bound * slack > threshold { return (start, windowEnd, bound) }
            end = windowEnd
        }
        return nil
    }

    /// Every document `node` matches, ascending (for tests and exports; memory grows with the matches).
    public func matchingDocuments(_ node: QueryNode) -> [DocID] {
        let filter = QueryPlanner(source: source).cursor(for: node)
        var out: [DocID] = []
        var d = filter.next()
        while d != noMoreDocs {
            out.append(d)
            d = filter.next()
        }
        return out
    }

    /// Counts the documents `query` matches (no scoring).
    public func count(_ query: String) throws -> Int { count(try parser.parse(query)) }

    /// Counts the documents `node` matches. A single term answers from its document frequency.
    // Specialised for the on-disk index: callers in other modules (CLI, C API, tools) get concrete code.
    @_specialize(where S == IndexQuerySource)
    public func count(_ node: QueryNode) -> Int {
        let planner = QueryPlanner(source: source)
        if case let .term(field, term) = node {
            return source.termStatistics(field: field, term: Array(term.utf8))?.documentFrequency ?? 0
        }
        let filter = planner.cursor(for: node)
        if let conjunction = filter as? ConjunctionCursor, !(conjunction is PhraseCursor),
            let n = Self.countIntersection(conjunction.children, documentCount: source.documentCount)
        {
            return n
        }
        var n = 0
        while filter.next() != noMoreDocs { n += 1 }
        return n
    }

    /// The entries of a metadata field with their counts: in the whole index, or among the matches of `node`
    /// (entries with no match left out). Trie order.
    public func facets(_ field: MetadataField, prefix: String = "", restrictedTo node: QueryNode? = nil) -> [FacetValue] {
        let values = source.facetValues(field: field, prefix: prefix)
        guard let node else { return values }
        let n = source.documentCount
        var bits = [UInt64](repeating: 0, count: (n + 63) / 64)
        let filter = QueryPlanner(source: source).cursor(for: node)
        var d = filter.next()
        while d != noMoreDocs && Int(d) < n {
            bits[Int(d >> 6)] |= 1 << UInt64(d & 63)
            d = filter.next()
        }
        var out: [FacetValue] = []
        for v in values {
            let c = source.metadataCursor(field: field, ordinal: v.ordinal)
            var count = 0
            var e = c.next()
            while e != noMoreDocs && Int(e) < n {
                if bits[Int(e >> 6)] & (1 << UInt64(e & 63)) != 0 { count += 1 }
                e = c.next()
            }
            if count > 0 { out.append(FacetValue(value: v.value, ordinal: v.ordinal, count: count)) }
        }
        return out
    }
}

/// A term of a query that contributes to scores (not generic, so that the engine's hot loops copy and index
/// arrays of them as plain values): its cursor (its own, or the filter's), field lengths and weight.
///
/// A value for hot loops: it holds the cursor as `Unmanaged` and the field lengths as the raw mapped column, and
/// forwards the cursor calls through `_withUnsafeGuaranteedRef`, so that a call costs no reference counting
/// (an `unowned(unsafe)` reference is still retained around each call). The `ScorerSet` that made the scorer
/// owns the cursor and the lengths and must outlive it.
struct Scorer {
    private let ref: Unmanaged<TermCursor>
    /// The field's lengths (`FieldLengths.values`, 4 bytes per document), or nil: then the source is asked.
    private let lengths: UnsafeRawBufferPointer?
    let field: TextField
    let weight: BM25
    /// The term's best possible score in any document.
    let maxScore: Double

    init(cursor: TermCursor, lengths: FieldLengths?, field: TextField, weight: BM25) {
        ref = .passUnretained(cursor)
        self.lengths = lengths?.values
        self.field = field
        self.weight = weight
        maxScore = cursor.maxScore(weight)
    }

    /// The cursor (a strong reference: for identity checks and cold paths).
    var cursor: TermCursor { ref.takeUnretainedValue() }

    @inline(__always) var doc: DocID { ref._withUnsafeGuaranteedRef { $0.doc } }
    @inline(__always) var freq: UInt32 { ref._withUnsafeGuaranteedRef { $0.freq } }
    @inline(__always) @discardableResult func next() -> DocID { ref._withUnsafeGuaranteedRef { $0.next() } }
    @inline(__always) @discardableResult func advance(to target: DocID) -> DocID {
        ref._withUnsafeGuaranteedRef { $0.advance(to: target) }
    }
    @inline(__always) @discardableResult func next(minimumFrequency minimum: UInt32, upTo limit: DocID) -> DocID {
        ref._withUnsafeGuaranteedRef { $0.next(minimumFrequency: minimum, upTo: limit) }
    }
    @inline(__always) func probeFrequency(_ target: DocID) -> UInt32 {
        ref._withUnsafeGuaranteedRef { $0.probeFrequency(target) }
    }
    @inline(__always)
    func probeFrequencies(_ targets: UnsafePointer<DocID>, count: Int, into frequencies: UnsafeMutablePointer<UInt32>) {
        ref._withUnsafeGuaranteedRef { $0.probeFrequencies(targets, count: count, into: frequencies) }
    }
    @inline(__always) @discardableResult
    func next(lengthAtMost limits: UnsafePointer<UInt32>, count: Int) -> DocID {
        ref._withUnsafeGuaranteedRef { $0.next(lengthAtMost: limits, count: count) }
    }
    @inline(__always) func shallowAdvance(to target: DocID) { ref._withUnsafeGuaranteedRef { $0.shallowAdvance(to: target) } }
    @inline(__always) var blockLastDoc: DocID { ref._withUnsafeGuaranteedRef { $0.blockLastDoc } }
    @inline(__always) var blockMaxFreq: UInt32 { ref._withUnsafeGuaranteedRef { $0.blockMaxFreq } }
    @inline(__always) var blockMinFieldLength: UInt32 { ref._withUnsafeGuaranteedRef { $0.blockMinFieldLength } }
    /// The term's bound in the block under its skip pointer.
    @inline(__always) var blockMaxScore: Double { ref._withUnsafeGuaranteedRef { $0.blockMaxScore(weight) } }

    /// The term's score in `doc`, where its cursor must be.
    @inline(__always)
    func currentScore(_ doc: DocID, _ source: some QuerySource) -> Double { score(freq: freq, doc, source) }

    /// The term's score in `doc` where it occurs `freq` times (the same arithmetic as `currentScore`).
    @inline(__always)
    func score(freq: UInt32, _ doc: DocID, _ source: some QuerySource) -> Double {
        weight.score(tf: freq, fieldLength: fieldLength(doc, source))
    }

    /// The field length of `doc`, as `score` reads it.
    @inline(__always)
    func fieldLength(_ doc: DocID, _ source: some QuerySource) -> UInt32 {
        if let lengths {
            let i = Int(doc)
            return i < lengths.count >> 2
                ? UInt32(littleEndian: lengths.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self)) : 0
        }
        return source.fieldLength(field: field, doc: doc)
    }

    /// Starts bringing `doc`'s field length into the cache (`prefetch`) for a `score` or `fieldLength` soon after.
    @inline(__always)
    func prefetchLength(_ doc: DocID) {
        if let lengths, let base = lengths.baseAddress, Int(doc) < lengths.count >> 2 {
            prefetch(base + Int(doc) &* 4)
        }
    }

    /// The term's top-scoring documents (`TopScoringList`), or nil if its list has none.
    func topScoringDocuments() -> TopScoringList? { ref._withUnsafeGuaranteedRef { $0.topScoringDocuments() } }
    /// The runners-up of `list` (this term's `TopScoringList`), or nil if its list has none.
    func runnersUp(of list: TopScoringList) -> TopScoringRunnersUp? { ref._withUnsafeGuaranteedRef { $0.runnersUp(of: list) } }
}

/// The scorers of a query with the objects they point to.
final class ScorerSet {
    let scorers: [Scorer]
    private let owned: [AnyObject]
    init(_ parts: [(TermCursor, FieldLengths?, TextField, BM25)]) {
        scorers = parts.map { Scorer(cursor: $0.0, lengths: $0.1, field: $0.2, weight: $0.3) }
        owned = parts.map(\.0) + parts.compactMap(\.1)
    }
}
