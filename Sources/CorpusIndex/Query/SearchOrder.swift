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
    /// How many documents were fully scored (or sort-keyed) to find the page; with pruning, far fewer than match.
    public var scoredDocuments: Int

    public init(hits: [ScoredDoc], scoredDocuments: Int = 0) {
        self.hits = hits
        self.scoredDocuments = scoredDocuments
    }
}
