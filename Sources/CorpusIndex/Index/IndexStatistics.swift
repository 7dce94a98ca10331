import Foundation

/// What `corpus-index stats` reports about an index: counts, per-file and per-section sizes grouped into
/// components, compression figures (bits per posting and per position) and each field's most frequent terms.
///
/// Computed from an open `IndexReader` by reading the manifest, the file containers' section tables and one pass
/// over each dictionary (for the top terms). Value type, `Codable` (the `--json` output).
public struct IndexStatistics: Codable, Sendable, Equatable {
    public struct Section: Codable, Sendable, Equatable {
        public var name: String
        public var bytes: Int
    }

    public struct File: Codable, Sendable, Equatable {
        public var name: String
        public var bytes: UInt64
        public var component: String
        public var sections: [Section]
    }

    public struct Term: Codable, Sendable, Equatable {
        public var term: String
        public var documentFrequency: UInt32
        public var collectionFrequency: UInt64
    }

    public struct Field: Codable, Sendable, Equatable {
        public var name: String
        public var kind: String
        public var terms: Int
        public var postings: UInt64
        public var tokens: UInt64
        public var bytes: UInt64
        /// Bits of the postings file's `DOCS` section (doc ids, frequencies, skip data) per posting.
        public var bitsPerPosting: Double?
        /// Bits of the positions file's `POSS` section per position.
        public var bitsPerPosition: Double?
        public var averageFieldLength: Double?
        public var topTerms: [Term]
    }

    public var documents: Int
    public var formatVersion: UInt32
    public var analyzer: String
    public var storeCompression: String
    public var totalBytes: UInt64
    /// Bytes per component: `term dictionary`, `postings` (doc ids, freqs, skip data), `positions`,
    /// `field lengths`, `keyword fields` (tries and their lists), `document store`, `columns`, `manifest`.
    public var components: [String: UInt64]
    public var fields: [Field]
    public var files: [File]

    /// The component a file of the index belongs to, from its name.
    static func component(of name: String) -> (component: String, kind: FourCC?) {
        if name == IndexFiles.documentStore { return ("document store", FileKind.documentStore) }
        if name == IndexFiles.columns { return ("columns", FileKind.columns) }
        if name == IndexFiles.manifest { return ("manifest", nil) }
        let kind: FourCC?
        var component: String
        if name.hasSuffix(".terms") {
            (component, kind) = ("term dictionary", FileKind.termDictionary)
        } else if name.hasSuffix(".postings") {
            (component, kind) = ("postings", FileKind.postings)
        } else if name.hasSuffix(".positions") {
            (component, kind) = ("positions", FileKind.positions)
        } else if name.hasSuffix(".lengths") {
            (component, kind) = ("field lengths", FileKind.fieldLengths)
        } else {
            (component, kind) = ("other", nil)
        }
        if name.hasPrefix("kw-") { component = "keyword fields" }
        return (component, kind)
    }

    /// Gathers the statistics of the index at `path`, with the `top` most frequent terms of each field.
    public init(index: IndexReader, top: Int = 10) throws {
        let manifest = index.manifest
        documents = manifest.documentCount
        formatVersion = manifest.formatVersion
        analyzer = manifest.analyzer
        storeCompression = manifest.storeCompression.rawValue
        var files: [File] = []
        var components: [String: UInt64] = [:]
        var sectionBytes: [String: [String: Int]] = [:]
        let manifestSize = (try? FileManager.default.attributesOfItem(atPath: index.path + "/" + IndexFiles.manifest)[.size] as? NSNumber)?.uint64Value ?? 0
        for written in manifest.files + [WrittenFile(name: IndexFiles.manifest, size: manifestSize, crc32: 0)] {
            let (component, kind) = IndexStatistics.component(of: written.name)
            var sections: [Section] = []
            if let kind {
                let container = try ContainerFile(path: index.path + "/" + written.name, kind: kind)
                sections = container.sections.map { Section(name: $0.name.description, bytes: $0.range.count) }
                sectionBytes[written.name] = Dictionary(sections.map { ($0.name, $0.bytes) }, uniquingKeysWith: +)
            }
            files.append(File(name: written.name, bytes: written.size, component: component, sections: sections))
            components[component, default: 0] += written.size
        }
        self.files = files
        self.components = components
        totalBytes = files.reduce(0) { $0 + $1.bytes }

        var fields: [Field] = []
        for (ordinal, field) in TextField.allCases.enumerated() {
            let reader = index.field(field)
            let stats = ordinal < manifest.textFields.count ? manifest.textFields[ordinal] : nil
            let postings = stats?.postingCount ?? 0
            let tokens = stats?.tokenCount ?? reader.totalTokens
            let docsBytes = sectionBytes[IndexFiles.postings(field.rawValue)]?["DOCS"]
            let positionBytes = sectionBytes[IndexFiles.positions(field.rawValue)]?["POSS"]
            fields.append(Field(
                name: field.rawValue, kind: "text", terms: reader.termCount, postings: postings, tokens: tokens,
                bytes: stats?.files.reduce(0) { $0 + $1.size } ?? 0,
                bitsPerPosting: docsBytes.flatMap { postings > 0 ? Double($0 * 8) / Double(postings) : nil },
                bitsPerPosition: positionBytes.flatMap { tokens > 0 ? Double($0 * 8) / Double(tokens) : nil },
                averageFieldLength: reader.averageFieldLength,
                topTerms: try IndexStatistics.topTerms(reader.dictionary, count: top)))
        }
        for (ordinal, field) in KeywordField.allCases.enumerated() {
            let reader = index.keyword(field)
            let stats = ordinal < manifest.keywordFields.count ? manifest.keywordFields[ordinal] : nil
            let postings = stats?.postingCount ?? 0
            let docsBytes = sectionBytes[IndexFiles.postings(IndexFiles.keywordStem(field))]?["DOCS"]
            fields.append(Field(
                name: field.rawValue, kind: "keyword", terms: reader.valueCount, postings: postings,
                tokens: stats?.tokenCount ?? 0, bytes: stats?.files.reduce(0) { $0 + $1.size } ?? 0,
                bitsPerPosting: docsBytes.flatMap { postings > 0 ? Double($0 * 8) / Double(postings) : nil },
                bitsPerPosition: nil, averageFieldLength: nil,
                topTerms: try IndexStatistics.topTerms(reader.index.dictionary, count: top)))
        }
        self.fields = fields
    }

    /// The `count` terms with the highest document frequency (ties: the smaller term first), by one pass over the
    /// dictionary keeping a small sorted list.
    static func topTerms(_ dictionary: TermDictionaryReader, count: Int) throws -> [Term] {
        guard count > 0 else { return [] }
        var best: [(df: UInt32, cf: UInt64, ordinal: Int)] = []
        try dictionary.forEachTerm(in: 0..<dictionary.termCount) { _, info in
            if best.count < count || info.documentFrequency > best[best.count - 1].df {
                let entry = (info.documentFrequency, info.collectionFrequency, info.ordinal)
                let at = best.firstIndex { $0.df < entry.0 } ?? best.count
                best.insert(entry, at: at)
                if best.count > count { best.removeLast() }
            }
            return true
        }
        return try best.map { entry in
            Term(
                term: String(decoding: try dictionary.term(ordinal: entry.ordinal), as: UTF8.self),
                documentFrequency: entry.df, collectionFrequency: entry.cf)
        }
    }
}
