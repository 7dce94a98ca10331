/// The full-text fields of an index: each has a term dictionary, postings with positions and field lengths.
///
/// The raw value is the field's name in file names (`body.terms`) and in the manifest; the ordinal (declaration
/// order) is the field's number in the manifest.
public enum TextField: String, CaseIterable, Sendable {
    /// The cable text.
    case body
    /// The SUBJECT line.
    case subject
    /// The routing header.
    case header
}

/// The keyword fields: exact values (not tokenised) with a sorted value table ("trie") and a doc-id list per value.
///
/// Used for filters (`tag:PREL*`, `origin:"Embassy B*"`), browsing with counts, and reference lookups.
public enum KeywordField: String, CaseIterable, Sendable {
    /// TAGS values as written (`PREL`, `OVIP (STEINBERG, JAMES B.)`).
    case tag
    /// The origin (`Embassy Pristina`).
    case origin
    /// The classification verbatim.
    case classification
    /// The creation month `YYYY-MM`.
    case month
    /// Reference ids a cable cites (`06STATE202745`).
    case reference
    /// The cable's own reference id (usually one document per value).
    case refid
}

/// The file names inside an index directory (docs/FORMAT.md, "Directory layout").
public enum IndexFiles {
    /// The manifest, written last; its presence marks a complete index.
    public static let manifest = "manifest"
    /// Stored documents.
    public static let documentStore = "documents.store"
    /// Fixed-width metadata columns.
    public static let columns = "documents.columns"

    /// The term dictionary of a text or keyword field named `field`.
    public static func terms(_ field: String) -> String { "\(field).terms" }
    /// The postings (doc ids, frequencies, skip data) of `field`.
    public static func postings(_ field: String) -> String { "\(field).postings" }
    /// The positions of a text field.
    public static func positions(_ field: String) -> String { "\(field).positions" }
    /// The field lengths of a text field.
    public static func lengths(_ field: String) -> String { "\(field).lengths" }
    /// The file-name stem of a keyword field (`kw-tag`), kept apart from text field names.
    public static func keywordStem(_ field: KeywordField) -> String { "kw-\(field.rawValue)" }
}
