/// Turns a `QueryNode` into a tree of document cursors over a `QuerySource`.
///
/// - Terms and phrases become `TermCursor` / `PhraseCursor` over the compressed postings (a term missing from
///   the dictionary becomes an empty cursor).
/// - Prefixes expand through the dictionary's prefix range: up to `heapUnionLimit` terms as a heap union,
///   beyond that a `BitsetDocCursor` built one term at a time (memory: one bit per document).
/// - Metadata clauses read the tries (value or prefix range, same union rule); an exact value that is not found
///   and has lower-case letters is retried upper-cased (`tag:phum` finds `PHUM`).
/// - `date:` binary-searches the created column when it is sorted, otherwise scans it.
/// - AND puts its negated children into one exclusion; a clause made only of negations subtracts from all
///   documents.
/// Not thread-safe (it hands out cursors for one query).
public struct QueryPlanner<S: QuerySource> {
    public let source: S
    /// The widest union built as a heap of cursors; wider ones are materialised as a bitset.
    public var heapUnionLimit = 48

    public init(source: S) { self.source = source }

    var allDocuments: DocCursor { RangeDocCursor(0..<DocID(clamping: source.documentCount)) }

    /// The cursor matching exactly the documents `node` matches.
    public func cursor(for node: QueryNode) -> DocCursor {
        var ignored: [ScoringTerm: TermCursor] = [:]
        return cursor(for: node, sharing: .none, scoring: &ignored)
    }

    /// Where a node sits, for sharing its term cursors with the scorer. A term cursor can stand in for the
    /// scorer's own only if being past the root's current document proves the term absent there: true under a
    /// chain of ANDs (every node sits on the root's document) followed by ORs (a union advances its children
    /// only to targets at or before its own document), false once an AND or phrase is nested under an OR (a
    /// conjunction skips documents that contain one child but not the others) or under a NOT.
    enum Sharing {
        case conjunctive, disjunctive, none
    }

    /// The cursor matching exactly the documents `node` matches; `scoring` receives, for scoring terms whose
    /// cursor can be shared (see `Sharing`), the first cursor the tree made for it. The engine scores with those
    /// cursors, advancing them only to the tree's current document, so their postings are not decoded twice.
    func cursor(for node: QueryNode, sharing: Sharing, scoring: inout [ScoringTerm: TermCursor]) -> DocCursor {
        func register(_ field: TextField, _ term: String, _ c: TermCursor, _ allowed: Bool) {
            let key = ScoringTerm(field: field, term: term)
            if allowed && scoring[key] == nil { scoring[key] = c }
        }
        switch node {
        case let .term(field, term):
            guard let c = termCursor(field, term) else { return EmptyDocCursor() }
            register(field, term, c, sharing != .none)
            return c
        case let .phrase(field, terms):
            var cursors: [TermCursor] = []
            for term in terms {
                guard let c = termCursor(field, term) else { return EmptyDocCursor() }
                cursors.append(c)
            }
            for (term, c) in zip(terms, cursors) { register(field, term, c, sharing == .conjunctive) }
            return PhraseCursor(terms: cursors)
        case let .prefix(field, prefix):
            let range = source.prefixOrdinals(field: field, prefix: Array(prefix.utf8))
            return union(count: range.count) { i in
                let ordinal = range.lowerBound + i
                let stats = source.termStatistics(field: field, ordinal: ordinal)
                return source.termCursor(field: field, ordinal: ordinal, statistics: stats)
            }
        case let .metadata(field, value, prefix):
            let range = metadataOrdinals(field, value, prefix)
            return union(count: range.count) { i in source.metadataCursor(field: field, ordinal: range.lowerBound + i) }
        case let .referenceID(id):
            var docs = source.documents(withReferenceID: id)
            if docs.isEmpty && id.uppercased() != id { docs = source.documents(withReferenceID: id.uppercased()) }
            return docs.isEmpty ? EmptyDocCursor() : ArrayDocCursor(docs.sorted())
        case let .created(from, to):
            return dateCursor(from: from, to: to)
        case let .and(children):
            var positives: [DocCursor] = []
            var negatives: [DocCursor] = []
            for child in children {
                if case let .not(inner) = child {
                    negatives.append(cursor(for: inner, sharing: .none, scoring: &scoring))
                } else {
                    positives.append(cursor(for: child, sharing: sharing == .conjunctive ? .conjunctive : .none, scoring: &scoring))
                }
            }
            let include: DocCursor =
                positives.isEmpty ? allDocuments : positives.count == 1 ? positives[0] : ConjunctionCursor(positives)
            if negatives.isEmpty { return include }
            let exclude = negatives.count == 1 ? negatives[0] : DisjunctionCursor(negatives)
            return ExclusionCursor(include: include, exclude: exclude)
        case let .or(children):
            var cursors: [DocCursor] = []
            for child in children {
                cursors.append(cursor(for: child, sharing: sharing == .none ? .none : .disjunctive, scoring: &scoring))
            }
            return DisjunctionCursor(cursors)
        case let .not(inner):
            return ExclusionCursor(include: allDocuments, exclude: cursor(for: inner, sharing: .none, scoring: &scoring))
        }
    }

    /// A fresh cursor over one term, or nil if the field's dictionary lacks it.
    public func termCursor(_ field: TextField, _ term: String) -> TermCursor? {
        guard let stats = source.termStatistics(field: field, term: Array(term.utf8)) else { return nil }
        return source.termCursor(field: field, ordinal: stats.ordinal, statistics: stats)
    }

    func metadataOrdinals(_ field: MetadataField, _ value: String, _ prefix: Bool) -> Range<Int> {
        let range = source.metadataOrdinals(field: field, value: value, prefix: prefix)
        if range.isEmpty && value.uppercased() != value {
            return source.metadataOrdinals(field: field, value: value.uppercased(), prefix: prefix)
        }
        return range
    }

    func union(count: Int, _ make: (Int) -> DocCursor) -> DocCursor {
        switch count {
        case 0: return EmptyDocCursor()
        case 1: return make(0)
        case ...heapUnionLimit: return DisjunctionCursor((0..<count).map(make))
        default: return BitsetDocCursor(documentCount: source.documentCount, count: count, make)
        }
    }

    func dateCursor(from: Int64, to: Int64) -> DocCursor {
        let n = source.documentCount
        let s = source
        if s.isSortedByCreated {
            func lowerBound(_ value: Int64) -> Int {
                var low = 0
                var high = n
                while low < high {
                    let mid = (low + high) >> 1
                    if s.created(doc: DocID(mid)) < value { low = mid + 1 } else { high = mid }
                }
                return low
            }
            let a = lowerBound(from)
            let b = to == .max ? n : lowerBound(to)
            return a < b ? RangeDocCursor(DocID(a)..<DocID(b)) : EmptyDocCursor()
        }
        return PredicateDocCursor(documentCount: n) { doc in
            let c = s.created(doc: doc)
            return c >= from && c < to
        }
    }
}
