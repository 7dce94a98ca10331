import Dispatch

/// An opened index directory: the manifest, every field's reader, the keyword fields, the document store and
/// the metadata columns, all memory-mapped.
///
/// Opening reads the manifest, checks format versions and the analyzer name, and maps and structurally checks
/// every file (headers, footers, section tables, sizes against the manifest) without reading whole files, so it
/// takes milliseconds. `verify()` reads everything. Immutable and `Sendable`: share one reader between threads.
public final class IndexReader: @unchecked Sendable {
    /// The index directory.
    public let path: String
    /// The manifest.
    public let manifest: Manifest
    /// The document store.
    public let documents: DocStoreReader
    /// The metadata columns.
    public let columns: MetadataColumns
    private let fields: [FieldIndexReader]
    private let keywords: [KeywordIndexReader]

    /// Opens the index in `path`.
    /// - Throws: `.io` if a file is missing, `.formatTooOld`/`.formatTooNew`, `.corrupt` for structural damage or
    ///   an analyzer mismatch.
    public init(path: String) throws {
        self.path = path
        let manifest = try Manifest.read(directory: path)
        self.manifest = manifest
        guard manifest.analyzer == Analyzer.name else {
            throw CorpusIndexError.corrupt(
                file: IndexFiles.manifest, section: "MANF",
                reason: "index built with analyzer \(manifest.analyzer), this build uses \(Analyzer.name); rebuild it")
        }
        let count = manifest.documentCount
        fields = try TextField.allCases.map { try FieldIndexReader(directory: path, field: $0.rawValue, documentCount: count) }
        keywords = try KeywordField.allCases.map { try KeywordIndexReader(directory: path, field: $0, documentCount: count) }
        documents = try DocStoreReader(path: "\(path)/\(IndexFiles.documentStore)")
        columns = try MetadataColumns(path: "\(path)/\(IndexFiles.columns)", documentCount: count)
        guard documents.documentCount == count else {
            throw CorpusIndexError.corrupt(
                file: IndexFiles.documentStore, section: "DSHD",
                reason: "\(documents.documentCount) documents, the manifest says \(count)")
        }
        for file in containerFiles {
            guard let entry = manifest.files.first(where: { $0.name == file.name }) else {
                throw CorpusIndexError.corrupt(file: IndexFiles.manifest, section: "MANF", reason: "\(file.name) is not listed")
            }
            guard entry.size == UInt64(file.mapped.count) else {
                throw CorpusIndexError.corrupt(
                    file: file.name, section: "file", reason: "\(file.mapped.count) bytes, the manifest says \(entry.size)")
            }
        }
    }

    /// Documents in the index.
    public var documentCount: Int { manifest.documentCount }

    /// The reader of text field `field`.
    public func field(_ field: TextField) -> FieldIndexReader { fields[TextField.allCases.firstIndex(of: field)!] }

    /// The reader of keyword field `field`.
    public func keyword(_ field: KeywordField) -> KeywordIndexReader {
        keywords[KeywordField.allCases.firstIndex(of: field)!]
    }

    private var containerFiles: [ContainerFile] {
        fields.flatMap(\.containerFiles) + keywords.flatMap(\.index.containerFiles) + [documents.file, columns.file]
    }

    /// Checks every checksum and structural invariant: each file's footer CRC-32 and the manifest's whole-file
    /// CRC-32; every dictionary sorted with consistent offsets; every posting list decoding to increasing doc ids
    /// below the document count with frequencies, positions, block maxima and term statistics that agree; field
    /// lengths summing to their totals; the manifest's counts; every stored document decoding; every column
    /// ordinal in range.
    /// - Throws: the first `.corrupt` found, naming the file and section.
    public func verify() throws -> VerifyReport {
        var report = VerifyReport(filesChecked: 0, bytesChecked: 0, termsChecked: 0, postingsChecked: 0, documentsChecked: 0)
        let files = containerFiles
        let checksums = try Self.inParallel(files.count) { try files[$0].verifyChecksum() }
        for (file, crc) in zip(files, checksums) {
            let entry = manifest.files.first { $0.name == file.name }!
            guard crc == entry.crc32 else {
                throw CorpusIndexError.corrupt(
                    file: file.name, section: "file", reason: "CRC-32 \(hex(crc)), the manifest says \(hex(entry.crc32))")
            }
            report.filesChecked += 1
            report.bytesChecked += UInt64(file.mapped.count)
        }
        // One task per field plus one for the documents; errors are reported in this order, whatever finishes first.
        let pairs = Array(zip(fields, manifest.textFields)) + Array(zip(keywords.map(\.index), manifest.keywordFields))
        let results = try Self.inParallel(pairs.count + 1) { task -> (terms: Int, postings: UInt64, documents: Int) in
            guard task < pairs.count else {
                try columns.verify(
                    classificationCount: keyword(.classification).valueCount, originCount: keyword(.origin).valueCount,
                    monthCount: keyword(.month).valueCount)
                return (0, 0, try verifyDocumentsAgainstColumns())
            }
            let (reader, stats) = pairs[task]
            if reader.hasPositions { try reader.lengths.verify() }
            let (terms, postings) = try verify(reader, stats)
            return (terms, postings, 0)
        }
        for r in results {
            report.termsChecked += r.terms
            report.postingsChecked += r.postings
            report.documentsChecked += r.documents
        }
        return report
    }

    /// Runs `body(0..<count)` on worker threads and returns the results in order, or throws the error of the
    /// lowest-numbered task that failed.
    private static func inParallel<T>(_ count: Int, _ body: (Int) throws -> T) throws -> [T] {
        let slots = DisjointSlots<Result<T, Error>>(count: count)
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendableBox(body)
            DispatchQueue.concurrentPerform(iterations: count) { i in
                slots[i] = Result { try box.value(i) }
            }
        }
        return try slots.takeAll().map { try $0.get() }
    }

    /// Decodes every stored document and checks that the columns (dates, row id, classification, origin and
    /// month ordinals) say the same as the document.
    private func verifyDocumentsAgainstColumns() throws -> Int {
        func values(_ field: KeywordField) throws -> [String] {
            let k = keyword(field)
            return try k.entries(in: 0..<k.valueCount).map(\.value)
        }
        let classifications = try values(.classification)
        let origins = try values(.origin)
        let months = try values(.month)
        let file = columns.file.name
        return try documents.verifyAll { doc, record in
            func check(_ ok: Bool, _ section: FourCC, _ what: String) throws {
                guard ok else {
                    throw CorpusIndexError.corrupt(
                        file: file, section: section.description, reason: "doc \(doc): \(what) differs from the stored document")
                }
            }
            try check(columns.created(doc) == record.created.minutesSinceEpoch, MetadataColumns.createdSection, "created")
            try check(columns.released(doc) == record.released?.minutesSinceEpoch, MetadataColumns.releasedSection, "released")
            try check(columns.rowID(doc) == record.rowID.map(Int64.init), MetadataColumns.rowIDSection, "row id")
            try check(
                classifications[Int(columns.classificationOrdinal(doc))] == record.classification,
                MetadataColumns.classificationSection, "classification")
            try check(origins[Int(columns.originOrdinal(doc))] == record.origin, MetadataColumns.originSection, "origin")
            try check(
                months[Int(columns.monthOrdinal(doc))] == MetadataIndexWriter.monthKey(record.created),
                MetadataColumns.monthSection, "month")
            try check(
                try columns.referenceIDs.referenceID(doc) == record.referenceID, ReferenceIDColumn.bytesSection,
                "reference id")
        }
    }

    private func verify(_ reader: FieldIndexReader, _ stats: FieldIndexStats) throws -> (terms: Int, postings: UInt64) {
        let dictionary = reader.dictionary
        let name = dictionary.file.name
        guard stats.field == reader.field, stats.termCount == dictionary.termCount,
            stats.postingCount == dictionary.postingCount, stats.tokenCount == dictionary.tokenCount
        else {
            throw CorpusIndexError.corrupt(file: name, section: "TSTA", reason: "counts differ from the manifest's")
        }
        if !reader.hasPositions, dictionary.postingCount != dictionary.tokenCount {
            throw CorpusIndexError.corrupt(file: name, section: "TSTA", reason: "keyword field with frequencies above 1")
        }
        if reader.hasPositions, reader.lengths.totalTokens != dictionary.tokenCount {
            throw CorpusIndexError.corrupt(
                file: name, section: "TSTA",
                reason: "\(dictionary.tokenCount) positions but the field lengths sum to \(reader.lengths.totalTokens)")
        }
        var previous: [UInt8] = []
        var nextPostings = 0
        var nextPositions = 0
        var postings: UInt64 = 0
        var terms = 0
        try dictionary.forEachTerm(in: 0..<dictionary.termCount) { term, info in
            let ordered = terms == 0 || previous.withUnsafeBytes { compareBytes($0, term) < 0 }
            guard ordered else {
                throw CorpusIndexError.corrupt(file: name, section: "TBLK", reason: "term \(info.ordinal) out of order")
            }
            previous.removeAll(keepingCapacity: true)
            previous.append(contentsOf: term)
            guard info.postingsOffset == UInt64(nextPostings), info.positionsOffset == UInt64(nextPositions) else {
                throw CorpusIndexError.corrupt(
                    file: name, section: "TBLK", reason: "term \(info.ordinal) postings do not follow the previous term's")
            }
            let result = try reader.cursor(info).verifyList(lengths: reader.lengths)
            nextPostings = result.docsEnd
            nextPositions = reader.hasPositions ? result.positionsEnd : 0
            postings += result.postings
            terms += 1
            return true
        }
        let docsSize = try reader.postingsFile.section(FieldIndexWriter.docsSection).count
        guard nextPostings == docsSize else {
            throw CorpusIndexError.corrupt(
                file: reader.postingsFile.name, section: "DOCS", reason: "\(docsSize - nextPostings) bytes after the last list")
        }
        if let positionsFile = reader.positionsFile {
            let size = try positionsFile.section(FieldIndexWriter.positionsSection).count
            guard nextPositions == size else {
                throw CorpusIndexError.corrupt(
                    file: positionsFile.name, section: "POSS", reason: "\(size - nextPositions) bytes after the last list")
            }
        }
        guard terms == dictionary.termCount, postings == dictionary.postingCount else {
            throw CorpusIndexError.corrupt(file: name, section: "TSTA", reason: "term or posting count differs from the lists")
        }
        return (terms, postings)
    }
}

/// What `IndexReader.verify()` checked.
public struct VerifyReport: Sendable, Equatable {
    /// Files whose CRC-32 matched the footer and the manifest.
    public var filesChecked: Int
    /// Bytes read for checksums.
    public var bytesChecked: UInt64
    /// Terms and keyword values walked (dictionary order checked).
    public var termsChecked: Int
    /// Postings decoded (doc ids increasing, `< documentCount`, frequencies and positions consistent).
    public var postingsChecked: UInt64
    /// Stored documents decoded.
    public var documentsChecked: Int
}

/// Carries a non-Sendable closure into `concurrentPerform`. Sound here because the closure only reads immutable
/// readers (each task creates its own cursors) and `concurrentPerform` returns before the closure's lifetime ends.
private struct UncheckedSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
