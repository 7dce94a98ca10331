/// An opened index directory: the manifest, every field's reader, the keyword fields, the document store and
/// the metadata columns, all memory-mapped.
///
/// Opening reads the manifest, checks format versions and the analyzer name, and maps and structurally checks
/// every file (headers, footers, section tables) without reading whole files, so it takes milliseconds.
/// `verify()` reads everything. Immutable and `Sendable`: share one reader between threads.
public final class IndexReader: @unchecked Sendable {
    /// The index directory.
    public let path: String
    /// The manifest.
    public let manifest: Manifest
    /// The document store.
    public let documents: DocStoreReader
    /// The metadata columns.
    public let columns: MetadataColumns

    /// Opens the index in `path`.
    /// - Throws: `.io` if a file is missing, `.formatTooOld`/`.formatTooNew`, `.corrupt` for structural damage or
    ///   an analyzer mismatch.
    public init(path: String) throws {
        fatalError("unimplemented")
    }

    /// Documents in the index.
    public var documentCount: Int { manifest.documentCount }

    /// The reader of text field `field`.
    public func field(_ field: TextField) -> FieldIndexReader { fatalError("unimplemented") }

    /// The reader of keyword field `field`.
    public func keyword(_ field: KeywordField) -> KeywordIndexReader { fatalError("unimplemented") }

    /// Checks every checksum and structural invariant (see `VerifyReport`).
    /// - Throws: the first `.corrupt` found, naming the file and section.
    public func verify() throws -> VerifyReport { fatalError("unimplemented") }
}

/// What `IndexReader.verify()` checked.
public struct VerifyReport: Sendable, Equatable {
    /// Files whose CRC-32 matched the footer and the manifest.
    public var filesChecked: Int
    /// Bytes read.
    public var bytesChecked: UInt64
    /// Terms and keyword values walked (dictionary order checked).
    public var termsChecked: Int
    /// Postings decoded (doc ids increasing, `< documentCount`, frequencies and positions consistent).
    public var postingsChecked: UInt64
    /// Stored documents decoded.
    public var documentsChecked: Int
}
