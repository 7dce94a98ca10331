/// Reads one field's index from its mapped files: dictionary lookups, posting cursors and field lengths.
///
/// Immutable after `init` and `Sendable`: any number of threads may look up terms and create cursors at once
/// (each cursor is used by one thread). Opening maps the files and checks their headers, footers and section
/// tables (not the checksums: see `IndexReader.verify()`). Every offset read from disk is bounds-checked; bad
/// bytes give `.corrupt`, never a crash.
public final class FieldIndexReader: @unchecked Sendable {
    /// The field name.
    public let field: String
    /// Documents in the index.
    public let documentCount: Int
    /// The term dictionary.
    public let dictionary: TermDictionaryReader
    /// Tokens per document (empty for keyword fields).
    public let lengths: FieldLengths
    /// Whether the field stores positions.
    public let hasPositions: Bool
    /// Which posting lists start with top-scoring documents (none for keyword fields).
    public let topScoring: TopScoringDocuments.Parameters
    let postingsFile: ContainerFile
    let positionsFile: ContainerFile?
    private let docsData: UnsafeRawBufferPointer
    private let positionsData: UnsafeRawBufferPointer

    /// Opens the text field `field` (or keyword field, with `keyword: true`) in `directory`.
    public init(directory: String, field: String, documentCount: Int, keyword: Bool = false) throws {
        self.field = field
        self.documentCount = documentCount
        dictionary = try TermDictionaryReader(path: "\(directory)/\(IndexFiles.terms(field))")
        postingsFile = try ContainerFile(path: "\(directory)/\(IndexFiles.postings(field))", kind: FileKind.postings)
        docsData = try postingsFile.section(FieldIndexWriter.docsSection)
        hasPositions = !keyword
        if keyword {
            positionsFile = nil
            positionsData = UnsafeRawBufferPointer(start: nil, count: 0)
            lengths = FieldLengths()
            topScoring = TopScoringDocuments.Parameters(minimumDocumentFrequency: 0, listLength: 0)
        } else {
            topScoring = try TopScoringDocuments.Parameters.read(postingsFile)
            let file = try ContainerFile(
                path: "\(directory)/\(IndexFiles.positions(field))", kind: FileKind.positions)
            positionsFile = file
            positionsData = try file.section(FieldIndexWriter.positionsSection)
            lengths = try FieldLengths(path: "\(directory)/\(IndexFiles.lengths(field))", documentCount: documentCount)
        }
    }

    var postingsFileName: String { postingsFile.name }
    var positionsFileName: String { positionsFile?.name ?? postingsFile.name }

    /// The number of distinct terms.
    public var termCount: Int { dictionary.termCount }
    /// Sum of all field lengths.
    public var totalTokens: UInt64 { lengths.totalTokens }
    /// Mean tokens per document (BM25's avgdl); 0 for an empty index.
    public var averageFieldLength: Double { lengths.averageLength }

    /// The length of `doc` in this field (0 if out of range).
    @inlinable public func fieldLength(_ doc: UInt32) -> UInt32 { lengths[doc] }

    /// The exact term, or `nil`.
    public func lookup(_ term: UnsafeRawBufferPointer) throws -> TermInfo? { try dictionary.lookup(term) }
    /// The exact term, or `nil`.
    public func lookup(_ term: String) throws -> TermInfo? { try dictionary.lookup(term) }
    /// The ordinals of all terms starting with `prefix` (empty range if none; all terms for an empty prefix).
    public func prefixRange(_ prefix: UnsafeRawBufferPointer) throws -> Range<Int> { try dictionary.prefixRange(prefix) }
    /// The ordinals of all terms starting with `prefix`.
    public func prefixRange(_ prefix: String) throws -> Range<Int> { try dictionary.prefixRange(prefix) }
    /// The information of the term at `ordinal` (0..<termCount).
    public func termInfo(ordinal: Int) throws -> TermInfo { try dictionary.termInfo(ordinal: ordinal) }
    /// The bytes of the term at `ordinal`.
    public func term(ordinal: Int) throws -> [UInt8] { try dictionary.term(ordinal: ordinal) }

    /// A cursor over the postings of `info`, positioned on its first document. Costs one allocation and the
    /// decoding of the first block.
    public func cursor(_ info: TermInfo) throws -> PostingCursor {
        try PostingCursor(owner: self, termInfo: info, data: docsData, positions: positionsData)
    }

    /// The files of this field (for verification).
    var containerFiles: [ContainerFile] {
        [dictionary.file, postingsFile] + (positionsFile.map { [$0] } ?? []) + (lengths.file.map { [$0] } ?? [])
    }
}
