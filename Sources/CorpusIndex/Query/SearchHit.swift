/// A hit with what a reader wants to see: the cable's metadata, its score and a snippet. Built from the document
/// store for the hits of one page only.
///
/// `json` is one line of the stable `--json` schema (docs/QUERY.md): `reference_id`, `row_id`, `doc_id`, `score`,
/// `created` (ISO 8601, UTC), `classification`, `origin`, `tags`, `subject`, `snippet`, in that order.
public struct SearchHit: Sendable, Equatable {
    public var referenceID: String
    public var rowID: Int?
    public var doc: DocID
    public var score: Double
    public var created: CableDate
    public var classification: String
    public var origin: String
    public var tags: [String]
    public var subject: String
    public var snippet: String

    public init(record: CableRecord, hit: ScoredDoc, snippet: String) {
        referenceID = record.referenceID
        rowID = record.rowID
        doc = hit.doc
        score = hit.score
        created = record.created
        classification = record.classification
        origin = record.origin
        tags = record.tags
        subject = record.subject
        self.snippet = snippet
    }

    /// The hit as one JSON object (one line).
    public var json: String {
        var w = JSONWriter()
        w.field("reference_id", referenceID)
        w.field("row_id", rowID)
        w.field("doc_id", Int(doc))
        w.field("score", score)
        w.field("created", created.iso8601)
        w.field("classification", classification)
        w.field("origin", origin)
        w.field("tags", tags)
        w.field("subject", subject)
        w.field("snippet", snippet)
        return w.object
    }
}

extension CableRecord {
    /// The whole cable as one JSON object, the schema of `corpus-index records` / `show --json` (`appendJSON`).
    public var json: String {
        var out: [UInt8] = []
        appendJSON(to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

extension QueryEngine {
    /// The displayable hits of a result: each document fetched from the store, with a snippet of its body.
    /// - Throws: `.corrupt` if a stored document does not decode.
    public func details(_ result: SearchResult, for node: QueryNode, snippetWidth: Int = 24) throws -> [SearchHit] {
        let highlighter = Highlighter(node)
        return try result.hits.map { hit in
            let record = try source.document(hit.doc)
            return SearchHit(record: record, hit: hit, snippet: highlighter.snippet(of: record.body, width: snippetWidth))
        }
    }
}
