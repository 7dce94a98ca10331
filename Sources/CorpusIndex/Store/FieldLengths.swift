/// The field-length column of one text field (`FLEN` file, docs/FORMAT.md "Field lengths"): one UInt32 token
/// count per document and the total, for BM25's length normalisation.
///
/// Immutable, `Sendable`; lookups are O(1) and bounds-checked (out-of-range docs read as 0).
public final class FieldLengths: @unchecked Sendable {
    static let valuesSection = FourCC("LENS")
    static let statsSection = FourCC("LSTA")

    /// Documents covered.
    public let count: Int
    /// Sum of all lengths.
    public let totalTokens: UInt64
    @usableFromInline let values: UnsafeRawBufferPointer
    let file: ContainerFile?

    /// An empty column (keyword fields).
    public init() {
        count = 0
        totalTokens = 0
        values = UnsafeRawBufferPointer(start: nil, count: 0)
        file = nil
    }

    /// Opens `path` (a `FLEN` file) and checks it holds `documentCount` lengths.
    public init(path: String, documentCount: Int) throws {
        let file = try ContainerFile(path: path, kind: FileKind.fieldLengths)
        var stats = try file.reader(Self.statsSection)
        let stored = try stats.read(UInt64.self)
        let total = try stats.read(UInt64.self)
        let values = try file.section(Self.valuesSection)
        guard stored == UInt64(documentCount), values.count == documentCount * 4 else {
            throw CorpusIndexError.corrupt(
                file: file.name, section: Self.valuesSection.description,
                reason: "\(values.count / 4) lengths (header says \(stored)) for \(documentCount) documents")
        }
        self.file = file
        count = documentCount
        totalTokens = total
        self.values = values
    }

    /// The length of `doc` (0 if out of range).
    @inlinable public subscript(doc: UInt32) -> UInt32 {
        let i = Int(doc)
        guard i < count else { return 0 }
        return UInt32(littleEndian: values.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self))
    }

    /// Mean length (0 when empty).
    public var averageLength: Double { count == 0 ? 0 : Double(totalTokens) / Double(count) }

    /// Checks that the lengths sum to the stored total.
    func verify() throws {
        var sum: UInt64 = 0
        for i in 0..<count { sum += UInt64(self[UInt32(i)]) }
        guard sum == totalTokens else {
            throw CorpusIndexError.corrupt(
                file: file?.name ?? "?", section: Self.valuesSection.description,
                reason: "lengths sum to \(sum), the stats say \(totalTokens)")
        }
    }

    /// Writes a `FLEN` file holding `lengths`.
    static func write(path: String, lengths: UnsafeBufferPointer<UInt32>) throws -> WrittenFile {
        try write(path: path, count: lengths.count, total: lengths.reduce(UInt64(0)) { $0 + UInt64($1) }) { emit in
            var chunk = ByteWriter(capacity: 64 * 1024)
            for value in lengths {
                chunk.append(value)
                if chunk.count >= 64 * 1024 {
                    try chunk.bytes.withUnsafeBytes { try emit($0) }
                    chunk.removeAll()
                }
            }
            try chunk.bytes.withUnsafeBytes { try emit($0) }
        }
    }

    /// Writes a `FLEN` file from lengths spilled during the build (streamed, never all in memory); `total` is
    /// their sum.
    static func write(path: String, spilled: SpilledColumn<UInt32>, total: UInt64) throws -> WrittenFile {
        try write(path: path, count: spilled.count, total: total) { emit in try spilled.readBytes(emit) }
    }

    /// Writes the stats section, then the values section from the little-endian bytes `values` emits.
    private static func write(
        path: String, count: Int, total: UInt64,
        values: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) throws -> WrittenFile {
        let out = try ContainerWriter(path: path, kind: FileKind.fieldLengths)
        var stats = ByteWriter(capacity: 16)
        stats.append(UInt64(count))
        stats.append(total)
        try out.writeSection(statsSection, stats.bytes)
        try out.beginSection(valuesSection)
        try values { try out.write($0) }
        try out.endSection()
        return try out.finish()
    }

    /// Calls `body` with the lengths as native `UInt32`s: a view of the mapped file where the layout allows
    /// (little-endian, 4-byte aligned: always on Linux), a copy otherwise.
    func withLengths<R>(_ body: (UnsafeBufferPointer<UInt32>) throws -> R) rethrows -> R {
        #if _endian(little)
        if count == 0 { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        if Int(bitPattern: values.baseAddress!) % 4 == 0 {
            return try body(values.assumingMemoryBound(to: UInt32.self))
        }
        #endif
        return try (0..<count).map { self[UInt32($0)] }.withUnsafeBufferPointer(body)
    }
}
