/// Fetches stored documents from `documents.store`: binary search in the block index, decompress one block,
/// decode one document.
///
/// Immutable and `Sendable` (no cache; each call decompresses into its own buffer). Bad bytes give `.corrupt`.
public final class DocStoreReader: @unchecked Sendable {
    /// Documents in the store.
    public let documentCount: Int
    /// How blocks are compressed.
    public let compression: StoreCompression

    /// Opens `path` (a `DSTO` file).
    public init(path: String) throws {
        fatalError("unimplemented")
    }

    /// The document `doc` (0..<documentCount).
    public func document(_ doc: UInt32) throws -> CableRecord { fatalError("unimplemented") }

    /// The encoded bytes of `doc` (see `StoredDocument`).
    public func encodedDocument(_ doc: UInt32) throws -> [UInt8] { fatalError("unimplemented") }
}
