/// Writes the index of one field: its term dictionary, postings (doc ids, frequencies, skip data), positions and
/// field lengths (docs/FORMAT.md, "Field index").
///
/// Streaming: terms go to disk as they are added, so memory stays bounded by one term's encoding plus the
/// dictionary's block index (24 bytes per 32 terms) and the field-length column. Per term it allocates nothing
/// beyond amortised growth of its reusable buffers. Not thread-safe; distinct fields may be written on distinct
/// threads at once.
public final class FieldIndexWriter {
    static let docsSection = FourCC("DOCS")
    static let positionsSection = FourCC("POSS")

    /// The field name used in file names.
    public let field: String
    private let documentCount: Int
    private let lengths: [UInt32]
    /// The lengths' average exactly as `FieldLengths.averageLength` computes it (skip entries' `maxWeight`).
    private let averageLength: Double
    private let dictionary: TermDictionaryWriter
    private let postings: ContainerWriter
    private let positions: ContainerWriter?
    private var encoder = PostingListEncoder()
    private var files: [WrittenFile] = []
    private var finished = false

    /// Starts writing the text field `field` in `directory` (which must exist).
    /// - Parameters:
    ///   - documentCount: documents in the index; every doc id added must be below it.
    ///   - fieldLengths: tokens per document in this field, `documentCount` values (copied; written at once).
    /// - Throws: `.io` if a file cannot be created, `.invalidArgument` if the lengths do not match the count.
    public init(directory: String, field: String, documentCount: Int, fieldLengths: UnsafeBufferPointer<UInt32>) throws {
        guard fieldLengths.count == documentCount else {
            throw CorpusIndexError.invalidArgument(
                "field \(field): \(fieldLengths.count) field lengths for \(documentCount) documents")
        }
        self.field = field
        self.documentCount = documentCount
        lengths = Array(fieldLengths)
        averageLength = documentCount == 0
            ? 0 : Double(fieldLengths.reduce(UInt64(0)) { $0 + UInt64($1) }) / Double(documentCount)
        files.append(try FieldLengths.write(path: "\(directory)/\(IndexFiles.lengths(field))", lengths: fieldLengths))
        dictionary = try TermDictionaryWriter(path: "\(directory)/\(IndexFiles.terms(field))")
        postings = try ContainerWriter(path: "\(directory)/\(IndexFiles.postings(field))", kind: FileKind.postings)
        try postings.beginSection(Self.docsSection)
        let positions = try ContainerWriter(path: "\(directory)/\(IndexFiles.positions(field))", kind: FileKind.positions)
        try positions.beginSection(Self.positionsSection)
        self.positions = positions
    }

    /// Starts writing a keyword field (no positions, no field lengths; every frequency is 1).
    public init(directory: String, keywordField field: String, documentCount: Int) throws {
        self.field = field
        self.documentCount = documentCount
        lengths = []
        averageLength = 0
        dictionary = try TermDictionaryWriter(path: "\(directory)/\(IndexFiles.terms(field))")
        postings = try ContainerWriter(path: "\(directory)/\(IndexFiles.postings(field))", kind: FileKind.postings)
        try postings.beginSection(Self.docsSection)
        positions = nil
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
        guard self.positions != nil else {
            throw CorpusIndexError.invalidArgument("field \(field) is a keyword field: use add(term:docs:)")
        }
        try addList(term: term, docs: docs, freqs: freqs, positions: positions)
    }

    /// Adds one keyword value and the documents that have it (strictly increasing, `< documentCount`).
    public func add(term: UnsafeRawBufferPointer, docs: UnsafeBufferPointer<UInt32>) throws {
        guard positions == nil else {
            throw CorpusIndexError.invalidArgument("field \(field) is a text field: pass freqs and positions")
        }
        try addList(term: term, docs: docs, freqs: nil, positions: nil)
    }

    private func addList(
        term: UnsafeRawBufferPointer, docs: UnsafeBufferPointer<UInt32>, freqs: UnsafeBufferPointer<UInt32>?,
        positions input: UnsafeBufferPointer<UInt32>?
    ) throws {
        precondition(!finished, "FieldIndexWriter used after finish()")
        let summary = try lengths.withUnsafeBufferPointer { lengthBuffer in
            try encoder.encode(
                docs: docs, freqs: freqs, positions: input, documentCount: documentCount, lengths: lengthBuffer, averageLength: averageLength,
                context: "field \(field), term \(dictionary.termCount)")
        }
        let info = TermInfo(
            ordinal: dictionary.termCount, documentFrequency: UInt32(docs.count),
            collectionFrequency: summary.collectionFrequency, maxFrequency: summary.maxFrequency,
            minFieldLength: summary.minFieldLength, postingsOffset: postings.sectionPosition,
            positionsOffset: positions?.sectionPosition ?? 0)
        try dictionary.add(term, info)
        try postings.write(encoder.skip.bytes)
        try postings.write(encoder.data.bytes)
        if let positions { try positions.write(encoder.positions.bytes) }
    }

    /// Writes the remaining blocks, the block index and the footers; closes the files.
    public func finish() throws -> FieldIndexStats {
        precondition(!finished, "finish() called twice")
        finished = true
        files.append(try dictionary.finish())
        try postings.endSection()
        files.append(try postings.finish())
        if let positions {
            try positions.endSection()
            files.append(try positions.finish())
        }
        return FieldIndexStats(
            field: field, termCount: dictionary.termCount, postingCount: dictionary.postingCount,
            tokenCount: dictionary.tokenCount, files: files)
    }
}
