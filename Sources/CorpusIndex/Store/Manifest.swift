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

    /// Writes `manifest` into `directory` (call after every other file is complete).
    @discardableResult
    public func write(toDirectory directory: String) throws -> WrittenFile { fatalError("unimplemented") }

    /// Reads and checks the manifest of `directory`.
    public static func read(directory: String) throws -> Manifest { fatalError("unimplemented") }
}
