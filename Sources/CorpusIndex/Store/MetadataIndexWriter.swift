/// Writes the metadata of an index: the fixed-width columns (`documents.columns`) and the keyword fields (tags,
/// origins, classifications, months, references, reference ids) with their sorted value tables and doc-id lists.
///
/// Documents are added in doc-id order; values are collected in memory (a few bytes per value per document: about
/// 30 MB for the full Cablegate dump) and written sorted (by UTF-8 bytes) by `finish()`. The per-document
/// columns hold 8-byte integers and 4-byte value ids (classification, origin and month are interned), not
/// strings; the keyword postings still keep each distinct value (one reference id per document) as a `String`.
/// Not thread-safe.
public final class MetadataIndexWriter {
    private let directory: String
    private var postings: [KeywordField: [String: [UInt32]]] = [:]
    private var rowIDs: [Int64] = []
    private var created: [Int64] = []
    private var released: [Int64] = []
    /// First-seen ids of each document's classification, origin and month (`interned` maps them back to values).
    private var classification: [UInt32] = []
    private var origin: [UInt32] = []
    private var month: [UInt32] = []
    private var referenceIDs = ReferenceIDColumn.Builder()
    private var interned: [KeywordField: ValueInterner] = [.classification: .init(), .origin: .init(), .month: .init()]

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
        classification.append(interned[.classification]!.id(of: record.classification))
        origin.append(interned[.origin]!.id(of: record.origin))
        month.append(interned[.month]!.id(of: monthValue))
        referenceIDs.append(record.referenceID)
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

    /// Writes the columns and keyword fields, then frees the collected values (call once).
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
            classification: sortedOrdinals(classification, .classification, ordinals),
            origin: sortedOrdinals(origin, .origin, ordinals), month: sortedOrdinals(month, .month, ordinals),
            referenceIDs: referenceIDs)
        // Give the collected values back before the caller's merge needs the memory (`created` keeps the count).
        postings = [:]
        interned = [:]
        rowIDs = []
        released = []
        classification = []
        origin = []
        month = []
        referenceIDs = .init()
        return (stats, columns)
    }
}

extension MetadataIndexWriter {
    /// First-seen value ids mapped to the values' ordinals in the sorted value table.
    private func sortedOrdinals(
        _ ids: [UInt32], _ field: KeywordField, _ ordinals: [KeywordField: [String: UInt32]]
    ) -> [UInt32] {
        let table = ordinals[field]!
        let byID = interned[field]!.values.map { table[$0]! }
        return ids.map { byID[Int($0)] }
    }
}

/// Gives each distinct string a dense id in first-seen order.
private struct ValueInterner {
    var ids: [String: UInt32] = [:]
    var values: [String] = []

    mutating func id(of value: String) -> UInt32 {
        if let id = ids[value] { return id }
        let id = UInt32(values.count)
        ids[value] = id
        values.append(value)
        return id
    }
}

extension Array where Element == UInt32 {
    /// Appends `doc` unless it is already the last element (a document listing a value twice).
    fileprivate mutating func appendIfNew(_ doc: UInt32) {
        if last != doc { append(doc) }
    }
}
