/// The manifest (`manifest`, docs/FORMAT.md, "Manifest"): written last, it makes a directory an index. It records
/// the format version, the analyzer, the counts, and every other file's name, size and CRC-32.
public struct Manifest: Sendable, Equatable {
    /// The format version the index was written with.
    public var formatVersion: UInt32
    /// `Analyzer.name` at build time; a reader with a different analyzer must refuse to query.
    public var analyzer: String
    /// Documents in the index.
    public var documentCount: Int
    /// The document store's compression.
    public var storeCompression: StoreCompression
    /// The text fields' totals, in `TextField` order.
    public var textFields: [FieldIndexStats]
    /// The keyword fields' totals, in `KeywordField` order.
    public var keywordFields: [FieldIndexStats]
    /// Every file of the index but the manifest.
    public var files: [WrittenFile]

    public init(
        formatVersion: UInt32 = IndexFormat.current, analyzer: String = Analyzer.name, documentCount: Int,
        storeCompression: StoreCompression, textFields: [FieldIndexStats], keywordFields: [FieldIndexStats],
        files: [WrittenFile]
    ) {
        self.formatVersion = formatVersion
        self.analyzer = analyzer
        self.documentCount = documentCount
        self.storeCompression = storeCompression
        self.textFields = textFields
        self.keywordFields = keywordFields
        self.files = files
    }

    static let section = FourCC("MANF")

    /// Writes `manifest` into `directory` (call after every other file is complete).
    @discardableResult
    public func write(toDirectory directory: String) throws -> WrittenFile {
        var w = ByteWriter(capacity: 4096)
        w.append(formatVersion)
        w.append(UInt32(0))
        w.append(UInt64(documentCount))
        w.appendLengthPrefixed(analyzer)
        w.appendLengthPrefixed(storeCompression.rawValue)
        for group in [textFields, keywordFields] {
            w.appendVarInt(UInt64(group.count))
            for f in group {
                w.appendLengthPrefixed(f.field)
                w.appendVarInt(UInt64(f.termCount))
                w.appendVarInt(f.postingCount)
                w.appendVarInt(f.tokenCount)
                w.appendVarInt(UInt64(f.files.count))
                for file in f.files { w.appendLengthPrefixed(file.name) }
            }
        }
        w.appendVarInt(UInt64(files.count))
        for file in files {
            w.appendLengthPrefixed(file.name)
            w.appendVarInt(file.size)
            w.append(file.crc32)
        }
        let out = try ContainerWriter(path: "\(directory)/\(IndexFiles.manifest)", kind: FileKind.manifest)
        try out.writeSection(Self.section, w.bytes)
        return try out.finish()
    }

    /// Reads and checks the manifest of `directory` (container checksum included: it is small).
    public static func read(directory: String) throws -> Manifest {
        let file = try ContainerFile(path: "\(directory)/\(IndexFiles.manifest)", kind: FileKind.manifest)
        try file.verifyChecksum()
        var r = try file.reader(section)
        let version = try r.read(UInt32.self)
        _ = try r.read(UInt32.self)
        guard version <= IndexFormat.current else {
            throw CorpusIndexError.formatTooNew(file: file.name, found: version, supported: IndexFormat.current)
        }
        guard version >= IndexFormat.oldestSupported else {
            throw CorpusIndexError.formatTooOld(file: file.name, found: version, oldestSupported: IndexFormat.oldestSupported)
        }
        let documents = try r.read(UInt64.self)
        guard documents <= UInt64(UInt32.max) else { throw r.corrupt("document count \(documents)") }
        let analyzer = try r.readString()
        let compressionName = try r.readString()
        guard let compression = StoreCompression(rawValue: compressionName) else {
            throw r.corrupt("unknown store compression \(compressionName)")
        }
        var groups: [[(FieldIndexStats, [String])]] = []
        for _ in 0..<2 {
            var group: [(FieldIndexStats, [String])] = []
            for _ in 0..<(try r.readVarInt(limit: 1024)) {
                let name = try r.readString()
                let terms = try r.readVarInt(limit: Int(Int32.max))
                let postings = try r.readVarInt()
                let tokens = try r.readVarInt()
                var names: [String] = []
                for _ in 0..<(try r.readVarInt(limit: 64)) { names.append(try r.readString()) }
                group.append((FieldIndexStats(field: name, termCount: terms, postingCount: postings, tokenCount: tokens, files: []), names))
            }
            groups.append(group)
        }
        var files: [WrittenFile] = []
        for _ in 0..<(try r.readVarInt(limit: 4096)) {
            let name = try r.readString()
            guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else { throw r.corrupt("bad file name") }
            files.append(WrittenFile(name: name, size: try r.readVarInt(), crc32: try r.read(UInt32.self)))
        }
        guard r.isAtEnd else { throw r.corrupt("trailing bytes") }
        func resolve(_ group: [(FieldIndexStats, [String])]) throws -> [FieldIndexStats] {
            try group.map { stats, names in
                var s = stats
                s.files = try names.map { name in
                    guard let f = files.first(where: { $0.name == name }) else { throw r.corrupt("field file \(name) not listed") }
                    return f
                }
                return s
            }
        }
        return Manifest(
            formatVersion: version, analyzer: analyzer, documentCount: Int(documents), storeCompression: compression,
            textFields: try resolve(groups[0]), keywordFields: try resolve(groups[1]), files: files)
    }
}
