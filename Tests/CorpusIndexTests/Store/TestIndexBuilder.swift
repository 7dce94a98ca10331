@testable import CorpusIndex

/// A small in-memory inverter for tests: tokenises records with `Analyzer` and writes a complete index with the
/// format writers (the shape the real indexer follows, without its runs and merging).
enum TestIndexBuilder {
    static func fieldBytes(_ record: CableRecord, _ field: TextField) -> [UInt8] {
        switch field {
        case .body: return record.body
        case .subject: return Array(record.subject.utf8)
        case .header: return record.header
        }
    }

    @discardableResult
    static func build(_ records: [CableRecord], directory: String, compression: StoreCompression = .lz4, blockSize: Int = 64 * 1024)
        throws -> Manifest
    {
        var files: [WrittenFile] = []
        var textStats: [FieldIndexStats] = []
        for field in TextField.allCases {
            // term -> [(doc, positions)]
            var postings: [[UInt8]: [(UInt32, [UInt32])]] = [:]
            var lengths: [UInt32] = []
            var scratch = TokenScratch()
            for (doc, record) in records.enumerated() {
                var perDoc: [[UInt8]: [UInt32]] = [:]
                let n = fieldBytes(record, field).withUnsafeBytes { raw in
                    Analyzer.forEachToken(in: raw, scratch: &scratch) { token, _, position in
                        perDoc[Array(token), default: []].append(UInt32(position))
                    }
                }
                lengths.append(UInt32(n))
                for (term, positions) in perDoc { postings[term, default: []].append((UInt32(doc), positions)) }
            }
            let writer = try lengths.withUnsafeBufferPointer {
                try FieldIndexWriter(directory: directory, field: field.rawValue, documentCount: records.count, fieldLengths: $0)
            }
            for term in postings.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                let list = postings[term]!
                let docs = list.map(\.0), freqs = list.map { UInt32($0.1.count) }, positions = list.flatMap(\.1)
                try term.withUnsafeBytes { t in
                    try docs.withUnsafeBufferPointer { d in
                        try freqs.withUnsafeBufferPointer { f in
                            try positions.withUnsafeBufferPointer { p in try writer.add(term: t, docs: d, freqs: f, positions: p) }
                        }
                    }
                }
            }
            let stats = try writer.finish()
            textStats.append(stats)
            files += stats.files
        }
        let store = try DocStoreWriter(directory: directory, compression: compression, blockSize: blockSize, threads: 2)
        let metadata = try MetadataIndexWriter(directory: directory, spillDirectory: directory, memoryBudget: 64 << 20)
        for record in records {
            try store.add(record)
            try metadata.add(record)
        }
        files.append(try store.finish())
        let (keywordStats, columns) = try metadata.finish()
        files += keywordStats.flatMap(\.files)
        files.append(columns)
        let manifest = Manifest(
            documentCount: records.count, storeCompression: compression, textFields: textStats,
            keywordFields: keywordStats, files: files)
        try manifest.write(toDirectory: directory)
        return manifest
    }

    /// Deterministic synthetic cables.
    static func records(_ count: Int, seed: UInt64 = 1) -> [CableRecord] {
        var rng = SplitMix64(seed: seed)
        let words = ["embassy", "minister", "talks", "security", "oil", "nuclear", "visit", "press", "élection", "東京",
                     "budget", "the", "of", "and", "to", "in", "kosovo", "pristina", "status", "un"]
        let origins = ["Embassy Pristina", "Embassy Berlin", "Embassy Bern", "Consulate Dhahran", "Secretary of State",
                       "** Dhahran", "Embasy Bonn", "Mission USUN New York"]
        let tags = ["PREL", "PGOV", "PREF", "KV", "SR", "OVIP (STEINBERG, JAMES B.)", "HUMAN RIGHTS", "ECON", "EPET"]
        return (0..<count).map { i in
            let bodyWords = (0..<(Int(rng.next() % 400) + 1)).map { _ in words[Int(rng.next() % UInt64(words.count))] }
            let created = CableDate(minutesSinceEpoch: 15_000_000 + Int64(rng.next() % 20_000_000))
            return CableRecord(
                rowID: i % 17 == 0 ? nil : i + 1, referenceID: "0\(i % 9)STATE\(100_000 + i)", created: created,
                released: i % 3 == 0 ? nil : CableDate(minutesSinceEpoch: 21_000_000 + Int64(i)),
                classification: Classification.knownValues[Int(rng.next() % 6)],
                origin: origins[Int(rng.next() % UInt64(origins.count))],
                references: (0..<Int(rng.next() % 3)).map { _ in "06STATE\(200_000 + Int(rng.next() % 50))" },
                header: Array("R 0\(i)1200Z FM AMEMBASSY\nTO SECSTATE WASHDC".utf8),
                body: Array(bodyWords.joined(separator: i % 2 == 0 ? " " : "\n").utf8) + (i % 5 == 0 ? [0xFF, 0xFE] : []),
                tags: (0..<Int(rng.next() % 4 + 1)).map { _ in tags[Int(rng.next() % UInt64(tags.count))] },
                subject: "SUBJECT \(bodyWords.prefix(5).joined(separator: " "))",
                markings: i % 4 == 0 ? ["SIPDIS", "NOFORN"] : [])
        }
    }
}
