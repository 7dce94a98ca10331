/// Writes the index of one field: its term dictionary, postings (doc ids, frequencies, skip data), positions and
/// field lengths (docs/FORMAT.md, "Field index").
///
/// Streaming: terms go to disk as they are added, so memory stays bounded by one term's encoding plus the
/// dictionary's block index (24 bytes per 32 terms) and the field-length column. Per term it allocates nothing
/// beyond amortised growth of its reusable buffers. Not thread-safe; distinct fields may be written on distinct
/// threads at once.
public final class FieldIndexWriter {
    /// The field name used in file names.
    public let field: String

    /// Starts writing the text field `field` in `directory` (which must exist).
    /// - Parameters:
    ///   - documentCount: documents in the index; every doc id added must be below it.
    ///   - fieldLengths: tokens per document in this field, `documentCount` values (copied; written at once).
    /// - Throws: `.io` if a file cannot be created, `.invalidArgument` if the lengths do not match the count.
    public init(directory: String, field: String, documentCount: Int, fieldLengths: UnsafeBufferPointer<UInt32>) throws {
        self.field = field
        fatalError("unimplemented")
    }

    /// Starts writing a keyword field (no positions, no field lengths; every frequency is 1).
    public init(directory: String, keywordField field: String, documentCount: Int) throws {
        self.field = field
        fatalError("unimplemented")
    }

    /// Adds one term and its posting list.
    ///
    /// Terms must be added in strictly increasing byte order (unsigned lexicographic). `docs` are strictly
    /// increasing and `< documentCount`; `freqs[i] >= 1`; `positions` holds `freqs[i]` strictly increasing
    /// positions for each doc, concatenated (so `positions.count == sum(freqs)`). For keyword writers pass
    /// `add(term:docs:)` instead.
    /// - Throws: `.invalidArgument` if the order or counts are violated, `.io` on a write error.
    public func add(
        term: UnsafeRawBufferPointer, docs: UnsafeBufferPointer<UInt32>, freqs: UnsafeBufferPointer<UInt32>,
        positions: UnsafeBufferPointer<UInt32>
    ) throws {
        fatalError("unimplemented")
    }

    /// Adds one keyword value and the documents that have it (strictly increasing, `< documentCount`).
    public func add(term: UnsafeRawBufferPointer, docs: UnsafeBufferPointer<UInt32>) throws {
        fatalError("unimplemented")
    }

    /// Writes the remaining blocks, the block index and the footers; closes the files.
    public func finish() throws -> FieldIndexStats {
        fatalError("unimplemented")
    }
}
