/// The metadata dimensions kept in the index's tries; each entry (a tag, an origin, ...) has a posting list of
/// document ids.
public enum MetadataField: String, Sendable, CaseIterable {
    /// TAGS of the body (`PHUM`, `KCRM`).
    case tags
    /// The origin (`Embassy Pristina`).
    case origins
    /// The classification (`SECRET//NOFORN`).
    case classifications
    /// The creation month, `YYYY-MM`.
    case months
    /// The reference ids a cable cites.
    case references
}

/// What the query engine needs to know about one term of a text field.
public struct TermStatistics: Sendable, Equatable {
    /// The term's ordinal in its field's dictionary.
    public var ordinal: Int
    /// Document frequency: how many documents contain the term.
    public var documentFrequency: Int
    /// The largest frequency of the term in any document (with `minFieldLength`, bounds its BM25 score).
    public var maxFrequency: UInt32
    /// The smallest field length among the documents containing the term.
    public var minFieldLength: UInt32

    /// Without `maxFrequency`/`minFieldLength` the bound is infinite (no pruning on it).
    public init(ordinal: Int, documentFrequency: Int, maxFrequency: UInt32 = .max, minFieldLength: UInt32 = 0) {
        self.ordinal = ordinal
        self.documentFrequency = documentFrequency
        self.maxFrequency = maxFrequency
        self.minFieldLength = minFieldLength
    }
}

/// One entry of a metadata trie, as listed for facets.
public struct FacetValue: Sendable, Equatable {
    /// The value as stored (`PHUM`, `Embassy Pristina`, `2006-03`).
    public var value: String
    /// The entry's ordinal in its trie.
    public var ordinal: Int
    /// The number of documents with the value (in the whole index).
    public var count: Int

    public init(value: String, ordinal: Int, count: Int) {
        self.value = value
        self.ordinal = ordinal
        self.count = count
    }
}

/// The read side of an index as the query engine sees it: text fields with term dictionaries and postings,
/// metadata tries, the created-date column and the field-length columns.
///
/// Adapters implement it over the on-disk `IndexReader` and, in tests, over in-memory records. Implementations
/// must be safe to read from many threads at once (each query creates its own postings values).
public protocol QuerySource {
    /// The number of documents; ids are `0..<documentCount`.
    var documentCount: Int { get }

    /// The term's statistics in `field`, or `nil` when the field's dictionary lacks it.
    func termStatistics(field: TextField, term: [UInt8]) -> TermStatistics?
    /// The ordinals of every term of `field` starting with `prefix` (dictionary order: a contiguous range).
    func prefixOrdinals(field: TextField, prefix: [UInt8]) -> Range<Int>
    /// The statistics of the term with `ordinal`.
    func termStatistics(field: TextField, ordinal: Int) -> TermStatistics
    /// A fresh cursor over the postings of the term with `ordinal` (positioned before its first document).
    func termCursor(field: TextField, ordinal: Int, statistics: TermStatistics) -> TermCursor
    /// The number of tokens of `field` in `doc`, as BM25 uses it.
    func fieldLength(field: TextField, doc: DocID) -> UInt32
    /// The field lengths of `field` as a table the engine reads directly in hot loops, or nil (then it calls
    /// `fieldLength`).
    func fieldLengthTable(field: TextField) -> FieldLengths?
    /// The average of `fieldLength` over all documents.
    func averageFieldLength(field: TextField) -> Double

    /// The ordinals of the metadata entries equal to `value` (at most one) or, with `prefix`, starting with it.
    func metadataOrdinals(field: MetadataField, value: String, prefix: Bool) -> Range<Int>
    /// The documents of a metadata entry.
    func metadataCursor(field: MetadataField, ordinal: Int) -> DocCursor
    /// The number of documents of a metadata entry.
    func metadataCount(field: MetadataField, ordinal: Int) -> Int
    /// The entries of `field` in trie order (optionally those starting with `prefix`) with their counts.
    func facetValues(field: MetadataField, prefix: String) -> [FacetValue]

    /// The documents whose own reference id is `referenceID` (normally one).
    func documents(withReferenceID referenceID: String) -> [DocID]
    /// The creation date of `doc`, minutes since 1970 (`CableDate.minutesSinceEpoch`).
    func created(doc: DocID) -> Int64
    /// Whether the created column is non-decreasing in document order (enables binary search for dates).
    var isSortedByCreated: Bool { get }

    /// The reference id of `doc` (what names a ranked hit), without the rest of the stored cable.
    /// - Throws: `CorpusIndexError.corrupt` when the stored bytes are bad.
    func referenceID(_ doc: DocID) throws -> String

    /// The stored cable of `doc`, exactly as the dump held it.
    /// - Throws: `CorpusIndexError.corrupt` when the stored bytes do not decode.
    func document(_ doc: DocID) throws -> CableRecord

    /// A view of the source for one query. Sources over fallible storage give each query its own error record:
    /// cursors cannot throw mid-iteration, so they stop and record the first error, and `endQuery` rethrows it.
    func beginQuery() -> Self
    /// Throws the first error recorded since `beginQuery` (e.g. `.corrupt` postings).
    func endQuery() throws
}

extension QuerySource {
    public func beginQuery() -> Self { self }
    public func endQuery() throws {}
    public func fieldLengthTable(field: TextField) -> FieldLengths? { nil }
    /// From the stored cable (sources without a reference id column).
    public func referenceID(_ doc: DocID) throws -> String { try document(doc).referenceID }
}
