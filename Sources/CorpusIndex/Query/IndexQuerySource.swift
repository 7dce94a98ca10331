import Foundation

/// The `QuerySource` over an on-disk index opened with `IndexReader`: text fields, keyword fields (tags, origins,
/// classifications, months, references, reference ids), the metadata columns and the document store.
///
/// Cursor errors (corrupt postings) cannot be thrown mid-iteration, so a cursor that fails stops and records
/// the error in the query's `QueryErrorRecord`; `endQuery()` rethrows the first one. `beginQuery()` gives each
/// query its own record, so concurrent queries on one reader stay independent. Sendable: share one between
/// threads; each query makes its own cursors.
public struct IndexQuerySource: QuerySource, @unchecked Sendable {
    public let reader: IndexReader
    let fields: [FieldIndexReader]
    let keywords: [KeywordIndexReader]
    let averages: [Double]
    let errors: QueryErrorRecord
    let createdOrder: CreatedOrder

    /// Gathers the fields of `reader`. Cheap: nothing is scanned until a query needs it. The process keeps
    /// freed heap memory for later queries from then on (`HeapRetention`).
    public init(reader: IndexReader) {
        HeapRetention.retainFreedHeap()
        self.reader = reader
        fields = TextField.allCases.map { reader.field($0) }
        keywords = KeywordField.allCases.map { reader.keyword($0) }
        averages = fields.map(\.averageFieldLength)
        errors = QueryErrorRecord()
        createdOrder = CreatedOrder()
    }

    /// Whether the created column is non-decreasing: one pass over it on first use (the first `date:` query),
    /// then remembered.
    public var isSortedByCreated: Bool {
        createdOrder.value {
            let columns = reader.columns
            var previous = Int64.min
            for d in 0..<reader.documentCount {
                let c = columns.created(UInt32(d))
                if c < previous { return false }
                previous = c
            }
            return true
        }
    }

    init(copying other: IndexQuerySource, errors: QueryErrorRecord) {
        reader = other.reader
        fields = other.fields
        keywords = other.keywords
        averages = other.averages
        createdOrder = other.createdOrder
        self.errors = errors
    }

    public func beginQuery() -> IndexQuerySource { IndexQuerySource(copying: self, errors: QueryErrorRecord()) }
    public func endQuery() throws { if let e = errors.first { throw e } }

    public var documentCount: Int { reader.documentCount }

    @inline(__always) func field(_ f: TextField) -> FieldIndexReader {
        switch f {
        case .body: return fields[0]
        case .subject: return fields[1]
        case .header: return fields[2]
        }
    }

    func keyword(_ f: MetadataField) -> KeywordIndexReader {
        switch f {
        case .tags: return keywords[KeywordField.allCases.firstIndex(of: .tag)!]
        case .origins: return keywords[KeywordField.allCases.firstIndex(of: .origin)!]
        case .classifications: return keywords[KeywordField.allCases.firstIndex(of: .classification)!]
        case .months: return keywords[KeywordField.allCases.firstIndex(of: .month)!]
        case .references: return keywords[KeywordField.allCases.firstIndex(of: .reference)!]
        }
    }

    var refids: KeywordIndexReader { keywords[KeywordField.allCases.firstIndex(of: .refid)!] }

    /// `body()`'s value, or `fallback` after recording the error.
    func attempt<T>(_ fallback: T, _ body: () throws -> T) -> T {
        do { return try body() } catch {
            errors.record(error)
            return fallback
        }
    }

    public func termStatistics(field f: TextField, term: [UInt8]) -> TermStatistics? {
        attempt(nil) {
            try term.withUnsafeBytes { raw in
                try field(f).lookup(raw).map(Self.statistics)
            }
        }
    }

    public func prefixOrdinals(field f: TextField, prefix: [UInt8]) -> Range<Int> {
        attempt(0..<0) { try prefix.withUnsafeBytes { try field(f).prefixRange($0) } }
    }

    public func termStatistics(field f: TextField, ordinal: Int) -> TermStatistics {
        attempt(TermStatistics(ordinal: ordinal, documentFrequency: 0)) {
            Self.statistics(try field(f).termInfo(ordinal: ordinal))
        }
    }

    static func statistics(_ info: TermInfo) -> TermStatistics {
        TermStatistics(
            ordinal: info.ordinal, documentFrequency: Int(info.documentFrequency), maxFrequency: info.maxFrequency,
            minFieldLength: info.minFieldLength)
    }

    public func termCursor(field f: TextField, ordinal: Int, statistics: TermStatistics) -> TermCursor {
        let cursor: PostingCursor? = attempt(nil) {
            let reader = field(f)
            return try reader.cursor(try reader.termInfo(ordinal: ordinal))
        }
        guard let cursor else { return EmptyTermCursor(statistics: statistics) }
        return IndexTermCursor(cursor: cursor, statistics: statistics, errors: errors)
    }

    @inline(__always)
    public func fieldLength(field f: TextField, doc: DocID) -> UInt32 { field(f).fieldLength(doc) }

    public func fieldLengthTable(field f: TextField) -> FieldLengths? { field(f).lengths }

    public func averageFieldLength(field f: TextField) -> Double {
        switch f {
        case .body: return averages[0]
        case .subject: return averages[1]
        case .header: return averages[2]
        }
    }

    public func metadataOrdinals(field: MetadataField, value: String, prefix: Bool) -> Range<Int> {
        attempt(0..<0) {
            let k = keyword(field)
            if prefix { return try k.prefixRange(value) }
            guard let info = try k.lookup(value) else { return 0..<0 }
            return info.ordinal..<(info.ordinal + 1)
        }
    }

    public func metadataCursor(field: MetadataField, ordinal: Int) -> DocCursor {
        attempt(EmptyDocCursor()) { PostingDocCursor(try keyword(field).cursor(ordinal: ordinal), errors: errors) }
    }

    public func metadataCount(field: MetadataField, ordinal: Int) -> Int {
        attempt(0) { Int(try keyword(field).index.termInfo(ordinal: ordinal).documentFrequency) }
    }

    public func facetValues(field: MetadataField, prefix: String) -> [FacetValue] {
        attempt([]) {
            let k = keyword(field)
            let range = try k.prefixRange(prefix)
            return try k.entries(in: range).map { FacetValue(value: $0.value, ordinal: $0.ordinal, count: $0.documentCount) }
        }
    }

    public func documents(withReferenceID referenceID: String) -> [DocID] {
        attempt([]) {
            guard let info = try refids.lookup(referenceID) else { return [] }
            let cursor = try refids.index.cursor(info)
            var out: [DocID] = []
            var d = cursor.doc
            while d != PostingCursor.end {
                out.append(d)
                d = try cursor.next()
            }
            return out
        }
    }

    @inline(__always)
    public func created(doc: DocID) -> Int64 { reader.columns.created(doc) }

    /// From the `documents.columns` reference id column: no document-store block is decompressed.
    public func referenceID(_ doc: DocID) throws -> String { try reader.columns.referenceIDs.referenceID(doc) }

    public func document(_ doc: DocID) throws -> CableRecord { try reader.documents.document(doc) }
}

/// A term's on-disk postings as the engine's `TermCursor`: `PostingCursor` starts on its first document, this
/// one before it; an error stops the cursor and is recorded for `endQuery`.
final class IndexTermCursor: TermCursor {
    let cursor: PostingCursor
    let errors: QueryErrorRecord
    var started = false

    init(cursor: PostingCursor, statistics: TermStatistics, errors: QueryErrorRecord) {
        self.cursor = cursor
        self.errors = errors
        super.init(statistics: statistics)
    }

    override func next() -> DocID {
        if !started {
            started = true
            doc = cursor.doc
            return doc
        }
        do { doc = try cursor.next() } catch { stop(error) }
        return doc
    }

    override func advance(to target: DocID) -> DocID {
        started = true
        do { doc = try cursor.advance(to: target) } catch { stop(error) }
        return doc
    }

    func stop(_ error: any Error) {
        errors.record(error)
        doc = noMoreDocs
    }

    override func next(minimumFrequency minimum: UInt32, upTo limit: DocID) -> DocID {
        guard started else { return super.next(minimumFrequency: minimum, upTo: limit) }
        do { doc = try cursor.next(minimumFrequency: minimum, upTo: limit) } catch { stop(error) }
        return doc
    }

    override func next(lengthAtMost limits: UnsafePointer<UInt32>, count: Int) -> DocID {
        guard started else { return next() }
        do { doc = try cursor.next(lengthAtMost: limits, count: count) } catch { stop(error) }
        return doc
    }

    /// Whole decoded blocks at a time.
    override func forEachRun(_ body: (UnsafeBufferPointer<DocID>) -> Void) {
        started = true
        do {
            while cursor.doc != PostingCursor.end {
                body(cursor.blockRemainder)
                try cursor.nextBlock()
            }
        } catch { stop(error) }
        doc = noMoreDocs
    }

    override var freq: UInt32 { cursor.freq }

    override func positions(into buffer: inout [UInt32]) {
        buffer.removeAll(keepingCapacity: true)
        do { buffer.append(contentsOf: try cursor.positions()) } catch { stop(error) }
    }

    override func currentPositions() -> UnsafeBufferPointer<UInt32> {
        do { return try cursor.positions() } catch {
            stop(error)
            return UnsafeBufferPointer(start: nil, count: 0)
        }
    }

    override func shallowAdvance(to target: DocID) {
        do { try cursor.shallowAdvance(to: target) } catch { errors.record(error) }
    }

    override var blockMaxFreq: UInt32 { cursor.blockMaxFreq }
    override var blockMinFieldLength: UInt32 { cursor.blockMinFieldLength }
    override var blockLastDoc: DocID { cursor.blockLastDoc }

    /// idf times the skip entry's exact block maximum (rounded up to Float32, so never below the true maximum).
    override func blockMaxScore(_ weight: BM25) -> Double { weight.idf * Double(cursor.blockMaxWeight) }

    override func maxScore(_ weight: BM25) -> Double { weight.idf * Double(cursor.termMaxWeight) }

    override func probeFrequency(_ target: DocID) -> UInt32 {
        do { return try cursor.probeFrequency(target) } catch {
            stop(error)
            return 0
        }
    }

    override func probeFrequencies(
        _ targets: UnsafePointer<DocID>, count: Int, into frequencies: UnsafeMutablePointer<UInt32>
    ) {
        do { try cursor.probeFrequencies(targets, count: count, into: frequencies) } catch {
            stop(error)
            frequencies.update(repeating: 0, count: count)
        }
    }

    override func topScoringDocuments() -> TopScoringList? {
        do { return try cursor.topScoringDocuments() } catch {
            errors.record(error)
            return nil
        }
    }

    override func runnersUp(of list: TopScoringList) -> TopScoringRunnersUp? {
        do { return try cursor.runnersUp(of: list) } catch {
            errors.record(error)
            return nil
        }
    }
}

/// A keyword value's document list as a `DocCursor`.
final class PostingDocCursor: DocCursor {
    let cursor: PostingCursor
    let errors: QueryErrorRecord
    var started = false

    init(_ cursor: PostingCursor, errors: QueryErrorRecord) {
        self.cursor = cursor
        self.errors = errors
        super.init()
    }

    override func next() -> DocID {
        if !started {
            started = true
            doc = cursor.doc
            return doc
        }
        do { doc = try cursor.next() } catch {
            errors.record(error)
            doc = noMoreDocs
        }
        return doc
    }

    override func advance(to target: DocID) -> DocID {
        started = true
        do { doc = try cursor.advance(to: target) } catch {
            errors.record(error)
            doc = noMoreDocs
        }
        return doc
    }

    override var cost: Int { cursor.documentFrequency }
}

/// A flag computed once, on first use, by whichever thread asks first (guarded by a lock).
final class CreatedOrder: @unchecked Sendable {
    private let lock = NSLock()
    private var computed: Bool?

    func value(_ compute: () -> Bool) -> Bool {
        lock.withLock {
            if let computed { return computed }
            let v = compute()
            computed = v
            return v
        }
    }
}

/// The first error met while running one query (thread-safe; cursors record, `endQuery` rethrows).
public final class QueryErrorRecord: @unchecked Sendable {
    private let lock = NSLock()
    private var error: (any Error)?

    public init() {}

    func record(_ e: any Error) { lock.withLock { if error == nil { error = e } } }

    var first: (any Error)? { lock.withLock { error } }
}

extension IndexSession {
    /// Opens the on-disk index in the directory `path`.
    /// - Throws: `.io`, `.corrupt`, `.formatTooOld` / `.formatTooNew`.
    public convenience init(path: String) throws {
        self.init(source: IndexQuerySource(reader: try IndexReader(path: path)))
    }
}
