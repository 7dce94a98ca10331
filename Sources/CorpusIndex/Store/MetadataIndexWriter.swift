/// Writes the metadata of an index: the fixed-width columns (`documents.columns`) and the keyword fields (tags,
/// origins, classifications, months, references, reference ids) with their sorted value tables and doc-id lists.
///
/// Memory is bounded, whatever the number of documents: the per-document columns are spilled to temporary files
/// as documents arrive (`MetadataColumns.Spill`), and the keyword postings are collected up to `memoryBudget` and
/// then spilled as sorted runs (`KeywordPostingsCollector`), merged by `finish()`. What stays in memory grows only
/// with the distinct classifications, origins and months (value-id tables; a few hundred in the real dump).
/// Temporary files go to `spillDirectory` and are deleted by `finish()` (or with the staging directory if the
/// build fails). The index bytes do not depend on the budget. Documents are added in doc-id order. Not thread-safe.
public final class MetadataIndexWriter {
    private let directory: String
    private let keywords: KeywordPostingsCollector
    private let columns: MetadataColumns.Spill
    /// First-seen ids of the classifications, origins and months (the columns hold these ids until `finish`).
    private var interned = [ValueInterner](repeating: ValueInterner(), count: 3)
    private static let internedFields: [KeywordField] = [.classification, .origin, .month]

    /// Starts collecting for an index in `directory`, with temporary files in `spillDirectory` (both must
    /// exist) and at most about `memoryBudget` bytes of keyword postings in memory.
    public init(directory: String, spillDirectory: String, memoryBudget: Int) throws {
        self.directory = directory
        keywords = KeywordPostingsCollector(directory: spillDirectory, memoryBudget: memoryBudget)
        columns = try MetadataColumns.Spill(directory: spillDirectory)
    }

    /// Documents added so far (the next doc id).
    public var documentCount: Int { columns.count }

    /// Keyword runs spilled so far (0 when the keyword postings fit in the budget).
    var keywordSpillCount: Int { keywords.spillCount }

    /// The creation month of a date as the `month` field stores it: `YYYY-MM`.
    public static func monthKey(_ date: CableDate) -> String {
        let c = date.components
        let y = String(c.year), m = String(c.month)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + (m.count == 1 ? "0" : "") + m
    }

    /// Adds the metadata of the next document.
    /// - Throws: `.io` if a spill file cannot be written, `.invalidArgument` past the format's limits.
    public func add(_ record: CableRecord) throws {
        guard documentCount < Int(UInt32.max) else {
            throw CorpusIndexError.invalidArgument("more than \(UInt32.max - 1) documents: the index holds at most that many")
        }
        let doc = UInt32(documentCount)
        let monthValue = Self.monthKey(record.created)
        try columns.append(
            rowID: record.rowID.map { Int64($0) } ?? MetadataColumns.null, created: record.created.minutesSinceEpoch,
            released: record.released?.minutesSinceEpoch ?? MetadataColumns.null,
            classificationID: interned[0].id(of: record.classification), originID: interned[1].id(of: record.origin),
            monthID: interned[2].id(of: monthValue), referenceID: record.referenceID)
        for tag in record.tags { keywords.add(.tag, tag, doc: doc) }
        keywords.add(.origin, record.origin, doc: doc)
        keywords.add(.classification, record.classification, doc: doc)
        keywords.add(.month, monthValue, doc: doc)
        for reference in record.references { keywords.add(.reference, reference, doc: doc) }
        keywords.add(.refid, record.referenceID, doc: doc)
        try keywords.endDocument()
    }

    /// Writes the keyword fields (values sorted by UTF-8 bytes) and the columns, then deletes the temporary
    /// files (call once).
    /// - Returns: stats of every keyword field (with its files), in `KeywordField` order, and the columns file.
    public func finish() throws -> (keywordFields: [FieldIndexStats], columns: WrittenFile) {
        defer {
            keywords.removeRuns()
            columns.remove()
        }
        var stats: [FieldIndexStats] = []
        // ordinals[c][first-seen id] = the value's ordinal in its sorted keyword field.
        var ordinals = interned.map { [UInt32](repeating: 0, count: $0.count) }
        for field in KeywordField.allCases {
            let writer = try FieldIndexWriter(
                directory: directory, keywordField: IndexFiles.keywordStem(field), documentCount: documentCount)
            let column = Self.internedFields.firstIndex(of: field)
            var ordinal: UInt32 = 0
            try keywords.write(field, to: writer) { value in
                if let column, let id = interned[column].existingID(of: value) { ordinals[column][Int(id)] = ordinal }
                ordinal += 1
            }
            stats.append(try writer.finish())
        }
        let file = try columns.write(path: "\(directory)/\(IndexFiles.columns)", ordinals: ordinals)
        return (stats, file)
    }
}

/// Gives each distinct value a dense id in first-seen order; values are told apart by their exact UTF-8 bytes.
private struct ValueInterner {
    private var values = ByteStringTable()

    var count: Int { values.count }

    mutating func id(of value: String) -> UInt32 { UInt32(values.insert(value).id) }

    func existingID(of value: UnsafeRawBufferPointer) -> UInt32? { values.id(of: value).map { UInt32($0) } }
}
