import CorpusIndex

/// An in-memory `QuerySource` built from records with the `Analyzer`, with small postings blocks so block-max
/// pruning and block skipping are exercised on tiny corpora. Test double for the on-disk index.
struct MemoryQuerySource: QuerySource {
    final class TermData {
        var docs: [DocID] = []
        var freqs: [UInt32] = []
        var positions: [[UInt32]] = []
        // Per block: last doc, max freq, min field length.
        var blockLast: [DocID] = []
        var blockMaxFreq: [UInt32] = []
        var blockMinLength: [UInt32] = []
    }

    final class MemoryTermCursor: TermCursor {
        let data: TermData
        var index = -1
        var block = 0

        init(data: TermData, statistics: TermStatistics) {
            self.data = data
            super.init(statistics: statistics)
        }

        override func next() -> DocID {
            index += 1
            doc = index < data.docs.count ? data.docs[index] : noMoreDocs
            return doc
        }
        override func advance(to target: DocID) -> DocID {
            if index >= 0 && doc >= target { return doc }
            if index < 0 { index = 0 }
            while index < data.docs.count && data.docs[index] < target { index += 1 }
            doc = index < data.docs.count ? data.docs[index] : noMoreDocs
            return doc
        }
        override var freq: UInt32 { data.freqs[index] }
        override func positions(into buffer: inout [UInt32]) { buffer = data.positions[index] }
        override func shallowAdvance(to target: DocID) {
            while block < data.blockLast.count && data.blockLast[block] < target { block += 1 }
        }
        override var blockMaxFreq: UInt32 { block < data.blockMaxFreq.count ? data.blockMaxFreq[block] : 0 }
        override var blockMinFieldLength: UInt32 { block < data.blockMinLength.count ? data.blockMinLength[block] : 0 }
        override var blockLastDoc: DocID { block < data.blockLast.count ? data.blockLast[block] : noMoreDocs }
    }

    struct Field {
        var terms: [String] = []  // sorted by UTF-8 bytes
        var data: [TermData] = []
        var lengths: [UInt32] = []
        var average = 0.0
    }

    let records: [CableRecord]
    let blockSize: Int
    var fields: [TextField: Field] = [:]
    var metadata: [MetadataField: [(value: String, docs: [DocID])]] = [:]
    var referenceIDs: [String: [DocID]] = [:]

    static func text(_ r: CableRecord, _ field: TextField) -> [UInt8] {
        switch field {
        case .body: return r.body
        case .header: return r.header
        case .subject: return Array(r.subject.utf8)
        }
    }

    static func metadataValues(_ r: CableRecord, _ field: MetadataField) -> [String] {
        switch field {
        case .tags: return r.tags
        case .origins: return [r.origin]
        case .classifications: return [r.classification]
        case .references: return r.references
        case .months:
            let c = r.created.components
            return [String(format4: c.year) + "-" + (c.month < 10 ? "0" : "") + String(c.month)]
        }
    }

    init(records: [CableRecord], blockSize: Int = 4) {
        self.records = records
        self.blockSize = blockSize
        for field in TextField.allCases {
            var byTerm: [String: TermData] = [:]
            var f = Field()
            var scratch = TokenScratch()
            for (d, r) in records.enumerated() {
                var local: [String: [UInt32]] = [:]
                let n = Self.text(r, field).withUnsafeBytes { raw in
                    Analyzer.forEachToken(in: raw, scratch: &scratch) { token, _, position in
                        local[String(decoding: token, as: UTF8.self), default: []].append(UInt32(position))
                    }
                }
                f.lengths.append(UInt32(n))
                for (term, positions) in local {
                    let t = byTerm[term] ?? TermData()
                    byTerm[term] = t
                    t.docs.append(DocID(d))
                    t.freqs.append(UInt32(positions.count))
                    t.positions.append(positions)
                }
            }
            f.terms = byTerm.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            for term in f.terms {
                let t = byTerm[term]!
                var start = 0
                while start < t.docs.count {
                    let end = min(start + blockSize, t.docs.count)
                    t.blockLast.append(t.docs[end - 1])
                    t.blockMaxFreq.append(t.freqs[start..<end].max()!)
                    t.blockMinLength.append(t.docs[start..<end].map { f.lengths[Int($0)] }.min()!)
                    start = end
                }
                f.data.append(t)
            }
            f.average = records.isEmpty ? 0 : Double(f.lengths.reduce(0) { $0 + Int($1) }) / Double(records.count)
            fields[field] = f
        }
        for field in MetadataField.allCases {
            var byValue: [String: [DocID]] = [:]
            for (d, r) in records.enumerated() {
                for v in Set(Self.metadataValues(r, field)) { byValue[v, default: []].append(DocID(d)) }
            }
            metadata[field] = byValue.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                .map { ($0, byValue[$0]!) }
        }
        for (d, r) in records.enumerated() { referenceIDs[r.referenceID, default: []].append(DocID(d)) }
    }

    var documentCount: Int { records.count }

    func termStatistics(field: TextField, term: [UInt8]) -> TermStatistics? {
        let f = fields[field]!
        let s = String(decoding: term, as: UTF8.self)
        guard let i = f.terms.firstIndex(of: s) else { return nil }
        return termStatistics(field: field, ordinal: i)
    }

    func prefixOrdinals(field: TextField, prefix: [UInt8]) -> Range<Int> {
        let f = fields[field]!
        let hits = f.terms.indices.filter { Array(f.terms[$0].utf8).starts(with: prefix) }
        return hits.isEmpty ? 0..<0 : hits.first!..<(hits.last! + 1)
    }

    func termStatistics(field: TextField, ordinal: Int) -> TermStatistics {
        let t = fields[field]!.data[ordinal]
        return TermStatistics(
            ordinal: ordinal, documentFrequency: t.docs.count, maxFrequency: t.blockMaxFreq.max()!,
            minFieldLength: t.blockMinLength.min()!)
    }

    func termCursor(field: TextField, ordinal: Int, statistics: TermStatistics) -> TermCursor {
        MemoryTermCursor(data: fields[field]!.data[ordinal], statistics: statistics)
    }

    func fieldLength(field: TextField, doc: DocID) -> UInt32 { fields[field]!.lengths[Int(doc)] }
    func averageFieldLength(field: TextField) -> Double { fields[field]!.average }

    func metadataOrdinals(field: MetadataField, value: String, prefix: Bool) -> Range<Int> {
        let entries = metadata[field]!
        let hits = entries.indices.filter {
            prefix ? Array(entries[$0].value.utf8).starts(with: Array(value.utf8)) : entries[$0].value == value
        }
        return hits.isEmpty ? 0..<0 : hits.first!..<(hits.last! + 1)
    }

    func metadataCursor(field: MetadataField, ordinal: Int) -> DocCursor {
        ArrayDocCursor(metadata[field]![ordinal].docs)
    }

    func metadataCount(field: MetadataField, ordinal: Int) -> Int { metadata[field]![ordinal].docs.count }

    func facetValues(field: MetadataField, prefix: String) -> [FacetValue] {
        metadata[field]!.enumerated().filter { Array($0.element.value.utf8).starts(with: Array(prefix.utf8)) }
            .map { FacetValue(value: $0.element.value, ordinal: $0.offset, count: $0.element.docs.count) }
    }

    func documents(withReferenceID referenceID: String) -> [DocID] { referenceIDs[referenceID] ?? [] }
    func created(doc: DocID) -> Int64 { records[Int(doc)].created.minutesSinceEpoch }
    var isSortedByCreated: Bool {
        zip(records, records.dropFirst()).allSatisfy { $0.created <= $1.created }
    }
    func document(_ doc: DocID) throws -> CableRecord { records[Int(doc)] }
}

extension String {
    init(format4 value: Int) {
        let s = "\(value)"
        let zeros = Swift.max(0, 4 - s.count)
        self = String(repeating: "0", count: zeros) + s
    }
}
