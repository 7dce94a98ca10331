/// How hits are ordered.
public enum SearchOrder: String, Sendable, CaseIterable {
    /// BM25 score, highest first; ties by document id ascending.
    case score
    /// Created date, oldest first; ties by document id ascending.
    case date
    /// Created date, newest first; ties by document id ascending.
    case dateDescending = "-date"
}

/// One page of ranked hits.
public struct SearchResult: Sendable, Equatable {
    /// The hits of the page, in order. For date orders `score` is still the BM25 score.
    public var hits: [ScoredDoc]

    public init(hits: [ScoredDoc]) { self.hits = hits }
}
