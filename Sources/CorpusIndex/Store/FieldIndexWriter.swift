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
    /// Used instead of `lengths` when the lengths are read from the written `FLEN` file (mapped, not copied).
    private let mappedLengths: FieldLengths?
    /// `mappedLengths`' mapping viewed as native `UInt32`s when the layout allows (see `FieldLengths.withLengths`),
    /// valid as long as `mappedLengths` lives: the merge's per-run path reads it without a closure per call.
    private let mappedView: UnsafeBufferPointer<UInt32>?
    /// The lengths in 16 bits for the merge (built with `mappedView`).
    private let compactLengths: CompactLengths?
    /// The lengths' average exactly as `FieldLengths.averageLength` computes it (skip entries' `maxWeight`).
    private let averageLength: Double
    private let dictionary: any TermSink
    private let postings: any FieldByteSink
    private let positions: (any FieldByteSink)?
    /// The index files proper; `nil` for a part writer (see `FieldIndexPart`), whose sinks are temporary files.
    private let indexFiles: (dictionary: TermDictionaryWriter, postings: ContainerWriter, positions: ContainerWriter?)?
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
        mappedLengths = nil
        mappedView = nil
        compactLengths = nil
        averageLength = Self.averageLength(fieldLengths)
        files.append(try FieldLengths.write(path: "\(directory)/\(IndexFiles.lengths(field))", lengths: fieldLengths))
        let files = try Self.openTextFiles(directory: directory, field: field)
        (dictionary, postings, positions) = (files.dictionary, files.postings, files.positions)
        indexFiles = files
    }

    /// Starts writing the text field `field` whose field-length file is already written (`lengthsFile`, opened
    /// as `lengths`): the encoder reads the lengths from that file's mapping, so the writer holds no per-document
    /// copy (the build's bounded-memory path). Same files, byte for byte, as the initializer taking the lengths.
    init(directory: String, field: String, lengths: FieldLengths, lengthsFile: WrittenFile) throws {
        self.field = field
        documentCount = lengths.count
        self.lengths = []
        mappedLengths = lengths
        mappedView = Self.nativeView(of: lengths)
        compactLengths = mappedView.map { CompactLengths($0) }
        averageLength = lengths.averageLength
        files.append(lengthsFile)
        let files = try Self.openTextFiles(directory: directory, field: field)
        (dictionary, postings, positions) = (files.dictionary, files.postings, files.positions)
        indexFiles = files
    }

    private static func openTextFiles(directory: String, field: String) throws
        -> (dictionary: TermDictionaryWriter, postings: ContainerWriter, positions: ContainerWriter?)
    {
        let dictionary = try TermDictionaryWriter(path: "\(directory)/\(IndexFiles.terms(field))")
        let postings = try ContainerWriter(path: "\(directory)/\(IndexFiles.postings(field))", kind: FileKind.postings)
        try postings.beginSection(Self.docsSection)
        let positions = try ContainerWriter(path: "\(directory)/\(IndexFiles.positions(field))", kind: FileKind.positions)
        try positions.beginSection(Self.positionsSection)
        return (dictionary, postings, positions)
    }

    /// A part writer (see `FieldIndexPart`): encodes terms exactly as the text field's writer `whole` would,
    /// into `postings`, `positions` and `dictionary` with offsets counted from the part's start.
    init(partOf whole: FieldIndexWriter, dictionary: any TermSink, postings: any FieldByteSink, positions: any FieldByteSink) {
        field = whole.field
        documentCount = whole.documentCount
        lengths = whole.lengths
        mappedLengths = whole.mappedLengths
        mappedView = whole.mappedView
        compactLengths = whole.compactLengths
        averageLength = whole.averageLength
        (self.dictionary, self.postings, self.positions) = (dictionary, postings, positions)
        indexFiles = nil
        positionsDrainBytes = whole.positionsDrainBytes
    }

    /// The mapped lengths as `UInt32`s in place: little-endian and 4-byte aligned (always on Linux), else `nil`.
    private static func nativeView(of lengths: FieldLengths) -> UnsafeBufferPointer<UInt32>? {
        #if _endian(little)
        guard lengths.count > 0, let base = lengths.values.baseAddress, Int(bitPattern: base) % 4 == 0 else { return nil }
        return UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt32.self), count: lengths.count)
        #else
        return nil
        #endif
    }

    /// The lengths' average exactly as `FieldLengths.averageLength` computes it (skip entries' `maxWeight`).
    private static func averageLength(_ lengths: UnsafeBufferPointer<UInt32>) -> Double {
        lengths.isEmpty ? 0 : Double(lengths.reduce(UInt64(0)) { $0 + UInt64($1) }) / Double(lengths.count)
    }

    /// Starts writing a keyword field (no positions, no field lengths; every frequency is 1).
    public init(directory: String, keywordField field: String, documentCount: Int) throws {
        self.field = field
        self.documentCount = documentCount
        lengths = []
        mappedLengths = nil
        mappedView = nil
        compactLengths = nil
        averageLength = 0
        let dictionary = try TermDictionaryWriter(path: "\(directory)/\(IndexFiles.terms(field))")
        let postings = try ContainerWriter(path: "\(directory)/\(IndexFiles.postings(field))", kind: FileKind.postings)
        try postings.beginSection(Self.docsSection)
        (self.dictionary, self.postings, positions) = (dictionary, postings, nil)
        indexFiles = (dictionary, postings, nil)
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
        // One-shot: nothing reaches the files before the whole term is checked, so a rejected term leaves the
        // writer usable.
        beginTerm(term)
        do {
            try appendPostings(docs: docs, freqs: freqs, positions: input, drainPositions: false)
        } catch {
            inTerm = false
            throw error
        }
        try endTerm()
    }

    // MARK: Streaming a term

    /// The term being streamed (`beginTerm` … `endTerm`) and where its positions start.
    private let currentTerm = RawByteBuffer(capacity: 256)
    private var inTerm = false
    private var termPositionsOffset: UInt64 = 0
    private var termDocumentCount = 0

    /// Starts a term whose postings arrive in slices (`append`, any number of times, then `endTerm()`), so a
    /// term with millions of documents never needs its whole lists in memory: full 128-doc blocks are encoded
    /// as they arrive and their positions go straight to the positions file; only the term's encoded doc blocks
    /// and skip entries (about 1–2 bytes and 0.22 bytes a doc) and one partial block wait for `endTerm`.
    /// The files are byte-identical to `add(term:...)` with the concatenated slices, however they are cut.
    /// Same order rules as `add`; the term is copied. Unlike `add`, an error inside a streamed term (bad slice,
    /// term out of order) may leave part of it in the files: the writer must then be abandoned.
    public func beginTerm(_ term: UnsafeRawBufferPointer) {
        precondition(!finished, "FieldIndexWriter used after finish()")
        precondition(!inTerm, "beginTerm() inside a term: call endTerm() first")
        inTerm = true
        currentTerm.removeAll()
        currentTerm.append(term)
        termPositionsOffset = positions?.sectionPosition ?? 0
        termDocumentCount = 0
        encoder.begin(withPositions: positions != nil)
    }

    /// Appends the next slice of a text field's term (see `beginTerm`): `docs` continue strictly increasing
    /// after the previous slice's, `positions.count == sum(freqs)`.
    public func append(
        docs: UnsafeBufferPointer<UInt32>, freqs: UnsafeBufferPointer<UInt32>, positions: UnsafeBufferPointer<UInt32>
    ) throws {
        guard self.positions != nil else {
            throw CorpusIndexError.invalidArgument("field \(field) is a keyword field: use append(docs:)")
        }
        try appendPostings(docs: docs, freqs: freqs, positions: positions, drainPositions: true)
    }

    /// Appends the next slice of a keyword field's value (see `beginTerm`).
    public func append(docs: UnsafeBufferPointer<UInt32>) throws {
        guard positions == nil else {
            throw CorpusIndexError.invalidArgument("field \(field) is a text field: pass freqs and positions")
        }
        try appendPostings(docs: docs, freqs: nil, positions: nil, drainPositions: true)
    }

    private func appendPostings(
        docs: UnsafeBufferPointer<UInt32>, freqs: UnsafeBufferPointer<UInt32>?, positions input: UnsafeBufferPointer<UInt32>?,
        drainPositions: Bool
    ) throws {
        precondition(inTerm, "append() outside beginTerm()/endTerm()")
        func encode(_ lengthBuffer: UnsafeBufferPointer<UInt32>) throws {
            try encoder.append(
                docs: docs, freqs: freqs, positions: input, documentCount: documentCount, lengths: lengthBuffer,
                averageLength: averageLength, context: "field \(field), term \(dictionary.termCount)")
        }
        if let mappedLengths {
            try mappedLengths.withLengths(encode)
        } else {
            try lengths.withUnsafeBufferPointer(encode)
        }
        termDocumentCount += docs.count
        if drainPositions, let positions, encoder.positions.count >= positionsDrainBytes {
            try encoder.drainPositions { try positions.write($0) }
        }
    }

    /// Appends one run's postings bytes of a text field's streamed term (see `beginTerm`), decoded and encoded in
    /// one pass (`PostingListEncoder.appendRunPostings`): the same files as `append` with the decoded slice. The
    /// run's documents are `base ..< base + runDocumentCount` of the index; `previousDocument` is the run document
    /// before `bytes` (-1 at the start of the run's list).
    /// - Throws: `.corrupt` naming `file` if the bytes are malformed, `.invalidArgument` on a keyword field or
    ///   documents out of order, `.io` on a write error.
    func appendRunPostings(
        _ bytes: UnsafeRawBufferPointer, base: UInt32, runDocumentCount: UInt32, previousDocument: inout Int64,
        file: @autoclosure () -> String
    ) throws {
        precondition(inTerm, "appendRunPostings() outside beginTerm()/endTerm()")
        guard let positions else {
            throw CorpusIndexError.invalidArgument("field \(field) is a keyword field: run postings carry positions")
        }
        let compact = compactLengths?.values
        func encode(_ lengthBuffer: UnsafeBufferPointer<UInt32>) throws -> Int {
            try encoder.appendRunPostings(
                bytes, base: base, runDocumentCount: runDocumentCount, previousDocument: &previousDocument,
                documentCount: documentCount, lengths: lengthBuffer, compactLengths: compact,
                averageLength: averageLength, file: file())
        }
        if let mappedView {
            termDocumentCount += try encode(mappedView)
        } else if let mappedLengths {
            termDocumentCount += try mappedLengths.withLengths(encode)
        } else {
            termDocumentCount += try lengths.withUnsafeBufferPointer(encode)
        }
        if encoder.positions.count >= positionsDrainBytes { try encoder.drainPositions { try positions.write($0) } }
    }

    /// Position bytes gathered before they are written out mid-term (tests lower it to drain often; part writers
    /// take their whole writer's).
    var positionsDrainBytes = 1 << 20

    /// Ends the streamed term: writes its dictionary entry, skip table, doc blocks and remaining positions.
    /// - Throws: `.invalidArgument` if the term has no documents or is out of order, `.io` on a write error.
    public func endTerm() throws {
        precondition(inTerm, "endTerm() without beginTerm()")
        inTerm = false
        let summary = try encoder.end(context: "field \(field), term \(dictionary.termCount)")
        let info = TermInfo(
            ordinal: dictionary.termCount, documentFrequency: UInt32(termDocumentCount),
            collectionFrequency: summary.collectionFrequency, maxFrequency: summary.maxFrequency,
            minFieldLength: summary.minFieldLength, postingsOffset: postings.sectionPosition,
            positionsOffset: termPositionsOffset)
        try dictionary.add(currentTerm.bytes, info)
        try postings.write(encoder.skip.bytes)
        try postings.write(encoder.data.bytes)
        if let positions { try encoder.drainPositions { try positions.write($0) } }
    }

    /// Writes the remaining blocks, the block index and the footers; closes the files.
    public func finish() throws -> FieldIndexStats {
        precondition(!finished, "finish() called twice")
        guard let (dictionary, postings, positions) = indexFiles else {
            preconditionFailure("finish() on a part writer: FieldIndexPart.finish() closes it")
        }
        finished = true
        files.append(try dictionary.finish())
        try postings.endSection()
        if positions != nil {
            try postings.writeSection(
                TopScoringDocuments.parametersSection, TopScoringDocuments.Parameters(documentCount: documentCount).bytes)
        }
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

extension FieldIndexWriter {
    /// Appends a finished part (`FieldIndexPart`, written by a part writer of this field): its postings and
    /// positions bytes go to the end of this writer's sections and its terms into the dictionary, their offsets
    /// rebased on where the part landed. Parts appended in term order give exactly the files that adding their
    /// terms here would have given. The part's files are deleted afterwards.
    /// - Throws: `.invalidArgument` if a term is out of order, `.corrupt` if a part file is malformed, `.io`.
    func append(part: FieldIndexPart) throws {
        precondition(!finished && !inTerm, "append(part:) after finish() or inside a term")
        guard let positions else {
            throw CorpusIndexError.invalidArgument("field \(field) is a keyword field: parts are for text fields")
        }
        let postingsBase = postings.sectionPosition
        let positionsBase = positions.sectionPosition
        try part.copyPostings { try postings.write($0) }
        try part.copyPositions { try positions.write($0) }
        try part.forEachTerm { term, info in
            var rebased = info
            rebased.ordinal = dictionary.termCount
            rebased.postingsOffset += postingsBase
            rebased.positionsOffset += positionsBase
            try dictionary.add(term, rebased)
        }
        part.remove()
    }
}
