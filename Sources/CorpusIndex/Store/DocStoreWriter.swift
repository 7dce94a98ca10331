/// The compression of document-store blocks, stored by name in the manifest and the store's header section.
public enum StoreCompression: String, Sendable, CaseIterable {
    /// liblz4 block compression: fast (the default).
    case lz4
    /// zlib (deflate) at level 6: smaller, slower.
    case zlib
}

/// Writes `documents.store` (docs/FORMAT.md, "Document store"): encoded documents cut into blocks of about
/// `blockSize` uncompressed bytes, each compressed on its own, plus a block index (first doc id, offset) so that
/// fetching one document decompresses one block.
///
/// Block cutting is deterministic: a block ends after the first document that brings it to `>= blockSize` bytes.
/// Completed blocks are queued and compressed `threads` at a time with `DispatchQueue.concurrentPerform`, then
/// written in order; memory is bounded by about `2 * threads * 8` blocks. Documents must be added in doc-id order.
/// Not thread-safe itself (it parallelises internally).
public final class DocStoreWriter {
    /// Starts `documents.store` in `directory`.
    public init(directory: String, compression: StoreCompression = .lz4, blockSize: Int = 64 * 1024, threads: Int = 2)
        throws
    {
        fatalError("unimplemented")
    }

    /// Documents added so far (the next doc id).
    public var documentCount: Int { fatalError("unimplemented") }

    /// Adds the next document.
    public func add(_ record: CableRecord) throws { fatalError("unimplemented") }

    /// Adds the next document, already encoded with `StoredDocument.encode` (lets callers encode in parallel).
    public func add(encoded: UnsafeRawBufferPointer) throws { fatalError("unimplemented") }

    /// Compresses and writes what is left, the block index and the footer.
    public func finish() throws -> WrittenFile { fatalError("unimplemented") }
}
