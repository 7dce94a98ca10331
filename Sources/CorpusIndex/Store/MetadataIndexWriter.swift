/// Writes the metadata of an index: the fixed-width columns (`documents.columns`) and the keyword fields (tags,
/// origins, classifications, months, references, reference ids) with their sorted value tables and doc-id lists.
///
/// Documents are added in doc-id order; values are collected in memory (a few bytes per value per document: about
/// 30 MB for the full Cablegate dump) and written sorted by `finish()`. Not thread-safe.
public final class MetadataIndexWriter {
    /// Starts collecting for an index in `directory`.
    public init(directory: String) {
        fatalError("unimplemented")
    }

    /// Documents added so far (the next doc id).
    public var documentCount: Int { fatalError("unimplemented") }

    /// Adds the metadata of the next document.
    public func add(_ record: CableRecord) { fatalError("unimplemented") }

    /// Writes the columns and keyword fields.
    /// - Returns: stats of every keyword field (with its files) and the columns file.
    public func finish() throws -> (keywordFields: [FieldIndexStats], columns: WrittenFile) {
        fatalError("unimplemented")
    }
}
