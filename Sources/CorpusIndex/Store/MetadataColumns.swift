/// The fixed-width metadata columns of `documents.columns` (`DCOL` file, docs/FORMAT.md "Metadata columns"), for
/// filters and sorting without touching the document store.
///
/// Each accessor is O(1); `doc` must be `< documentCount` (doc ids from cursors are checked against it); out of
/// range traps. Values are whatever the file says; ordinals index the keyword fields' value tables (callers
/// check them against `valueCount`). Immutable, `Sendable`.
public final class MetadataColumns: @unchecked Sendable {
    /// The null sentinel of the `released` and `rowID` columns.
    public static let null = Int64.min
    static let statsSection = FourCC("CSTA")
    static let rowIDSection = FourCC("ROWI")
    static let createdSection = FourCC("CRTD")
    static let releasedSection = FourCC("RELS")
    static let classificationSection = FourCC("CLAS")
    static let originSection = FourCC("ORIG")
    static let monthSection = FourCC("MNTH")

    /// Documents covered.
    public let documentCount: Int
    let file: ContainerFile
    /// Each document's reference id (sections `RIDO`, `RIDS`).
    public let referenceIDs: ReferenceIDColumn
    private let rowIDs, createdValues, releasedValues, classifications, origins, months: UnsafeRawBufferPointer

    /// Opens `path` (a `DCOL` file) and checks every column holds `documentCount` values.
    public init(path: String, documentCount: Int) throws {
        let file = try ContainerFile(path: path, kind: FileKind.columns)
        self.file = file
        var stats = try file.reader(Self.statsSection)
        let stored = try stats.read(UInt64.self)
        guard stored == UInt64(documentCount) else {
            throw stats.corrupt("\(stored) documents, the manifest says \(documentCount)")
        }
        self.documentCount = documentCount
        func column(_ name: FourCC, _ width: Int) throws -> UnsafeRawBufferPointer {
            let s = try file.section(name)
            guard s.count == documentCount * width else {
                throw CorpusIndexError.corrupt(
                    file: file.name, section: name.description,
                    reason: "\(s.count) bytes for \(documentCount) values of \(width) bytes")
            }
            return s
        }
        rowIDs = try column(Self.rowIDSection, 8)
        createdValues = try column(Self.createdSection, 8)
        releasedValues = try column(Self.releasedSection, 8)
        classifications = try column(Self.classificationSection, 4)
        origins = try column(Self.originSection, 4)
        months = try column(Self.monthSection, 4)
        referenceIDs = try ReferenceIDColumn(file: file, documentCount: documentCount)
    }

    @inline(__always) private func int64(_ column: UnsafeRawBufferPointer, _ doc: UInt32) -> Int64 {
        precondition(Int(doc) < documentCount, "doc \(doc) out of range")
        return Int64(littleEndian: column.loadUnaligned(fromByteOffset: Int(doc) * 8, as: Int64.self))
    }

    @inline(__always) private func uint32(_ column: UnsafeRawBufferPointer, _ doc: UInt32) -> UInt32 {
        precondition(Int(doc) < documentCount, "doc \(doc) out of range")
        return UInt32(littleEndian: column.loadUnaligned(fromByteOffset: Int(doc) * 4, as: UInt32.self))
    }

    /// The dump's row id, or `nil`.
    public func rowID(_ doc: UInt32) -> Int64? {
        let v = int64(rowIDs, doc)
        return v == Self.null ? nil : v
    }
    /// Creation time, minutes since 1970-01-01 00:00 UTC.
    public func created(_ doc: UInt32) -> Int64 { int64(createdValues, doc) }
    /// Release time in minutes, or `nil`.
    public func released(_ doc: UInt32) -> Int64? {
        let v = int64(releasedValues, doc)
        return v == Self.null ? nil : v
    }
    /// The ordinal of the document's classification in the `classification` keyword field.
    public func classificationOrdinal(_ doc: UInt32) -> UInt32 { uint32(classifications, doc) }
    /// The ordinal of the document's origin in the `origin` keyword field.
    public func originOrdinal(_ doc: UInt32) -> UInt32 { uint32(origins, doc) }
    /// The ordinal of the document's creation month in the `month` keyword field.
    public func monthOrdinal(_ doc: UInt32) -> UInt32 { uint32(months, doc) }

    /// Checks every ordinal against the keyword fields' value counts (verify).
    func verify(classificationCount: Int, originCount: Int, monthCount: Int) throws {
        for d in 0..<UInt32(documentCount) {
            let checks: [(UInt32, Int, FourCC)] = [
                (classificationOrdinal(d), classificationCount, Self.classificationSection),
                (originOrdinal(d), originCount, Self.originSection), (monthOrdinal(d), monthCount, Self.monthSection),
            ]
            for (value, limit, section) in checks where Int(value) >= limit {
                throw CorpusIndexError.corrupt(
                    file: file.name, section: section.description,
                    reason: "doc \(d): ordinal \(value) but only \(limit) values")
            }
        }
        try referenceIDs.verify()
    }

    /// Writes a `DCOL` file.
    static func write(
        path: String, rowIDs: [Int64], created: [Int64], released: [Int64], classification: [UInt32],
        origin: [UInt32], month: [UInt32], referenceIDs: ReferenceIDColumn.Builder
    ) throws -> WrittenFile {
        let out = try ContainerWriter(path: path, kind: FileKind.columns)
        var stats = ByteWriter(capacity: 8)
        stats.append(UInt64(created.count))
        try out.writeSection(statsSection, stats.bytes)
        for (name, values) in [(rowIDSection, rowIDs), (createdSection, created), (releasedSection, released)] {
            var w = ByteWriter(capacity: values.count * 8)
            for v in values { w.append(v) }
            try out.writeSection(name, w.bytes)
        }
        for (name, values) in [(classificationSection, classification), (originSection, origin), (monthSection, month)] {
            var w = ByteWriter(capacity: values.count * 4)
            for v in values { w.append(v) }
            try out.writeSection(name, w.bytes)
        }
        try referenceIDs.write(to: out)
        return try out.finish()
    }
}
