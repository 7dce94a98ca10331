/// A query session over one opened index: parse, search, count, browse and fetch documents by reference id,
/// returning display-ready values. What the CLI and the C API use.
///
/// Type-erases the `QuerySource` (the on-disk index or, in tests, an in-memory one). Immutable after `init`;
/// every call builds its own cursors, so a session may be used from several threads at once when its source
/// allows it (the on-disk `IndexReader` does).
public final class IndexSession: @unchecked Sendable {
    /// Documents in the index.
    public let documentCount: Int
    let parser: QueryParser
    let _rank: (QueryNode, Int, Int, SearchOrder) throws -> SearchResult
    let _details: ([ScoredDoc], QueryNode) throws -> [SearchHit]
    let _count: (QueryNode) throws -> Int
    let _facets: (MetadataField, String, QueryNode?) throws -> [FacetValue]
    let _documentsWithID: (String) -> [DocID]
    let _document: (DocID) throws -> CableRecord
    let _referenceID: (DocID) throws -> String

    /// A session over any query source.
    public init<S: QuerySource>(source: S, parser: QueryParser = QueryParser()) {
        documentCount = source.documentCount
        self.parser = parser
        /// Runs `body` on an engine over a per-query view of the source, then surfaces any storage error.
        func run<R>(_ body: (QueryEngine<S>) throws -> R) throws -> R {
            let engine = QueryEngine(source: source.beginQuery(), parser: parser)
            let result = try body(engine)
            try engine.source.endQuery()
            return result
        }
        _rank = { node, top, offset, order in
            try run { try $0.search(node, top: top, offset: offset, order: order) }
        }
        _details = { hits, node in try run { try $0.details(SearchResult(hits: hits), for: node) } }
        _count = { node in try run { $0.count(node) } }
        _facets = { field, prefix, node in try run { $0.facets(field, prefix: prefix, restrictedTo: node) } }
        _documentsWithID = { source.documents(withReferenceID: $0) }
        _document = { try source.document($0) }
        _referenceID = { try source.referenceID($0) }
    }

    /// Parses `query` (throws `.badQuery`).
    public func parse(_ query: String) throws -> QueryNode { try parser.parse(query) }

    /// The hits `offset ..< offset + top` of `query` in `order`, with metadata and snippets.
    public func search(_ query: String, top: Int = 10, offset: Int = 0, order: SearchOrder = .score) throws -> [SearchHit] {
        let node = try parser.parse(query)
        return try _details(try _rank(node, top, offset, order).hits, node)
    }

    /// The document ids and scores of hits `offset ..< offset + top` of a parsed query, without touching the
    /// document store (see `details`), and how many documents were scored to find them.
    public func rank(_ node: QueryNode, top: Int = 10, offset: Int = 0, order: SearchOrder = .score) throws -> SearchResult {
        try _rank(node, top, offset, order)
    }

    /// Metadata and snippets of ranked hits, from the document store.
    public func details(_ hits: [ScoredDoc], for node: QueryNode) throws -> [SearchHit] { try _details(hits, node) }

    /// The number of documents `query` matches.
    public func count(_ query: String) throws -> Int { try _count(try parser.parse(query)) }

    /// The values of a metadata field with their counts, optionally under `prefix` and among `query`'s matches.
    public func facets(_ field: MetadataField, prefix: String = "", query: String? = nil) throws -> [FacetValue] {
        try _facets(field, prefix, try query.map { try parser.parse($0) })
    }

    /// The document id of the cable with reference id `referenceID` (exact, then upper-cased), or nil.
    public func documentID(referenceID: String) -> DocID? {
        _documentsWithID(referenceID).first ?? _documentsWithID(referenceID.uppercased()).first
    }

    /// The stored cable `doc`.
    /// - Throws: `.invalidArgument` for an id out of range, `.corrupt` for bad stored bytes.
    public func document(_ doc: DocID) throws -> CableRecord {
        try checkRange(doc)
        return try _document(doc)
    }

    /// The reference id of `doc` (from the index's reference id column: cheaper than `document(_:)`).
    /// - Throws: `.invalidArgument` for an id out of range, `.corrupt` for bad stored bytes.
    public func referenceID(_ doc: DocID) throws -> String {
        try checkRange(doc)
        return try _referenceID(doc)
    }

    private func checkRange(_ doc: DocID) throws {
        guard Int(doc) < documentCount else {
            throw CorpusIndexError.invalidArgument("document id \(doc) is out of range (the index has \(documentCount))")
        }
    }
}
