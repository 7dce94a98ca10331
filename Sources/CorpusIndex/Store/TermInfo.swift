/// What the term dictionary stores about one term (docs/FORMAT.md, "Term dictionary").
///
/// `maxFrequency` and `minFieldLength` bound BM25 for the whole list (WAND upper bounds); the per-block
/// equivalents are in the postings' skip data. Value type.
public struct TermInfo: Sendable, Hashable {
    /// The term's position in the sorted dictionary, from 0.
    public var ordinal: Int
    /// Documents containing the term (the posting list's length), >= 1.
    public var documentFrequency: UInt32
    /// Occurrences in all documents (sum of frequencies).
    public var collectionFrequency: UInt64
    /// The largest frequency in any document.
    public var maxFrequency: UInt32
    /// The smallest field length among the documents containing the term.
    public var minFieldLength: UInt32
    /// Byte offset of the posting list in the postings file's `DOCS` section.
    public var postingsOffset: UInt64
    /// Byte offset of the term's positions in the positions file's `POSS` section (0 for keyword fields).
    public var positionsOffset: UInt64

    public init(
        ordinal: Int, documentFrequency: UInt32, collectionFrequency: UInt64, maxFrequency: UInt32,
        minFieldLength: UInt32, postingsOffset: UInt64, positionsOffset: UInt64
    ) {
        self.ordinal = ordinal
        self.documentFrequency = documentFrequency
        self.collectionFrequency = collectionFrequency
        self.maxFrequency = maxFrequency
        self.minFieldLength = minFieldLength
        self.postingsOffset = postingsOffset
        self.positionsOffset = positionsOffset
    }
}

/// Totals a field writer reports when it finishes; the manifest records them.
public struct FieldIndexStats: Sendable, Equatable {
    /// The field name.
    public var field: String
    /// Distinct terms.
    public var termCount: Int
    /// Sum of document frequencies (number of postings).
    public var postingCount: UInt64
    /// Sum of collection frequencies (number of positions); for text fields equal to the sum of field lengths.
    public var tokenCount: UInt64
    /// The files written, in the order written.
    public var files: [WrittenFile]

    public init(field: String, termCount: Int, postingCount: UInt64, tokenCount: UInt64, files: [WrittenFile]) {
        self.field = field
        self.termCount = termCount
        self.postingCount = postingCount
        self.tokenCount = tokenCount
        self.files = files
    }
}
