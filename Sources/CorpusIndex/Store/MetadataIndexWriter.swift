/// Writes the metadata of an index: the fixed-width columns (`documents.columns`) and the keyword fields (tags,
/// origins, classifications, months, references, reference ids) with their sorted value tables and doc-id lists.
///
/// Documents are added in doc-id order; values are collected in memory (a few bytes per value per document: about
/// 30 MB for the full Cablegate dump) and written sorted (by UTF-8 bytes) by `finish()`. Not thread-safe.
public final class MetadataIndexWriter {
    private let directory: String
    private var postings: [KeywordField: [String: [UInt32]]] = [:]
    private var rowIDs: [Int64] = []
    private var created: [Int64] = []
    private var released: [Int64] = []
    private var classification: [String] = []
    private var origin: [String] = []
    private var month: [String] = []

    /// Starts collecting for an index in `directory`.
    public init(directory: String) {
        self.directory = directory
        for field in KeywordField.allCases { postings[field] = [:] }
    }

    /// Documents added so far (the next doc id).
    public var documentCount: Int { created.count }

    /// The creation month of a date as the `month` field stores it: `YYYY-MM`.
    public static func monthKey(_ date: CableDate) -> String {
        let c = date.components
        let y = String(c.year), m = String(c.month)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + (m.count == 1 ? "0" : "") + m
    }

    /// Adds the metadata of the next document.
    public func add(_ record: CableRecord) {
        let doc = UInt32(created.count)
        let monthValue = Self.monthKey(record.created)
        rowIDs.append(record.rowID.map { Int64($0) } ?? MetadataColumns.null)
        created.append(record.created.minutesSinceEpoch)
        released.append(record.released?.minutesSinceEpoch ?? MetadataColumns.null)
        classification.append(record.classification)
        origin.append(record.origin)
        month.append(monthValue)
        note(.tag, record.tags, doc)
        note(.origin, [record.origin], doc)
        note(.classification, [record.classification], doc)
        note(.month, [monthValue], doc)
        note(.reference, record.references, doc)
        note(.refid, [record.referenceID], doc)
    }

    private func note(_ field: KeywordField, _ values: [String], _ doc: UInt32) {
        for v in values {
            postings[field]![v, default: []].appendIfNew(doc)
        }
    }

    /// Writes the columns and keyword fields.
    /// - Returns: stats of every keyword field (with its files), in `KeywordField` order, and the columns file.
    public func finish() throws -> (keywordFields: [FieldIndexStats], columns: WrittenFile) {
        var stats: [FieldIndexStats] = []
        var ordinals: [KeywordField: [String: UInt32]] = [:]
        for field in KeywordField.allCases {
            let values = postings[field]!.keys.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
            let writer = try FieldIndexWriter(
                directory: directory, keywordField: IndexFiles.keywordStem(field), documentCount: documentCount)
            var table: [String: UInt32] = [:]
            for (ordinal, bytes) in values.enumerated() {
                let key = String(decoding: bytes, as: UTF8.self)
                if field == .classification || field == .origin || field == .month { table[key] = UInt32(ordinal) }
                try bytes.withUnsafeBytes { term in
                    try postings[field]![key]!.withUnsafeBufferPointer { try writer.add(term: term, docs: $0) }
                }
            }
            ordinals[field] = table
            stats.append(try writer.finish())
        }
        let columns = try MetadataColumns.write(
            path: "\(directory)/\(IndexFiles.columns)", rowIDs: rowIDs, created: created, released: released,
            classification: classification.map { ordinals[.classification]![$0]! },
            origin: origin.map { ordinals[.origin]![$0]! }, month: month.map { ordinals[.month]![$0]! })
        return (stats, columns)
    }
}

extension Array where Element == UInt32 {
    /// Appends `doc` unless it is already the last element (a document listing a value twice).
    fileprivate mutating func appendIfNew(_ doc: UInt32) {
        if last != doc { append(doc) }
    }
}
