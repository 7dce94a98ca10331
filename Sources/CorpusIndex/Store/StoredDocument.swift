/// The byte encoding of one stored document inside a document-store block (docs/FORMAT.md, "Stored document"):
/// every field of a `CableRecord`, so that `decode(encode(r)) == r` and the cable prints exactly as in the dump.
///
/// Stateless; thread-safe. `encode` appends to a caller-owned buffer (no allocation beyond its growth) so worker
/// threads can encode in parallel.
public enum StoredDocument {
    /// Appends the encoding of `record` to `out`.
    public static func encode(_ record: CableRecord, into out: inout [UInt8]) {
        fatalError("unimplemented")
    }

    /// Decodes one document from `bytes` (exactly one encoding).
    /// - Throws: `.corrupt(file:section:reason:)` with the given file and section if the bytes are malformed.
    public static func decode(_ bytes: UnsafeRawBufferPointer, file: String, section: String) throws -> CableRecord {
        fatalError("unimplemented")
    }
}
