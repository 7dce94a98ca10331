/// A parsed query: a tree of clauses, each leaf already analysed (terms lowercased and split by `Analyzer`).
///
/// Produced by `QueryParser`, planned into cursors by `QueryPlanner`, and evaluated directly on records by the
/// tests' brute-force oracle. Value type, `Sendable`.
public indirect enum QueryNode: Sendable, Equatable {
    /// A single analysed token in a text field.
    case term(TextField, String)
    /// Consecutive analysed tokens in a text field (two or more).
    case phrase(TextField, [String])
    /// Every token of a text field starting with an analysed prefix.
    case prefix(TextField, String)
    /// A metadata entry equal to `value` or, with `prefix`, starting with it.
    case metadata(MetadataField, value: String, prefix: Bool)
    /// The cable whose own reference id is this.
    case referenceID(String)
    /// Cables created in `[from, to)` (minutes since 1970).
    case created(from: Int64, to: Int64)
    /// All children match.
    case and([QueryNode])
    /// At least one child matches.
    case or([QueryNode])
    /// The child does not match (alone: all documents minus the child).
    case not(QueryNode)

    /// The positive text terms that score (BM25): bare terms and phrase words outside any NOT, each
    /// (field, term) once, in first-seen order. Prefixes and metadata clauses filter without scoring.
    public var scoringTerms: [ScoringTerm] {
        var seen = Set<ScoringTerm>()
        var out: [ScoringTerm] = []
        func visit(_ node: QueryNode) {
            switch node {
            case let .term(field, term):
                let t = ScoringTerm(field: field, term: term)
                if seen.insert(t).inserted { out.append(t) }
            case let .phrase(field, terms):
                for term in terms {
                    let t = ScoringTerm(field: field, term: term)
                    if seen.insert(t).inserted { out.append(t) }
                }
            case let .and(children), let .or(children):
                children.forEach(visit)
            case .not, .prefix, .metadata, .referenceID, .created:
                break
            }
        }
        visit(self)
        return out
    }
}

/// A (field, analysed term) pair that contributes BM25 to a document's score.
public struct ScoringTerm: Hashable, Sendable {
    public var field: TextField
    public var term: String

    public init(field: TextField, term: String) {
        self.field = field
        self.term = term
    }
}
