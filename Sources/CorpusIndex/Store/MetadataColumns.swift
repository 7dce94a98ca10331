/// The fixed-width metadata columns of `documents.columns` (`DCOL` file, docs/FORMAT.md "Metadata columns"), for
/// filters and sorting without touching the document store.
///
/// Each accessor is O(1); `doc` must be `< documentCount` (doc ids from cursors are checked against it); out of
/// range traps. Values are whatever the file says; ordinals index the keyword fields' value tables (callers
/// check them against `valueCount`). Immutable, `Sendable`.
public final class MetadataColumns: @unchecked Sendable {
    /// The null sentinel of the `released` and `rowID` columns (what `Spill.append` takes for "absent").
    public static let null = Int64.min
    /// The stored sentinels: `RELS` holds `Int32.min` and `ROWI` holds `UInt32.max` for an absent value.
    static let storedNullTime = Int32.min
    static let storedNullRowID = UInt32.max
    /// The dates a `CRTD` / `RELS` value can hold: minutes since 1970-01-01 00:00 that fit an `i32` (the
    /// sentinel excluded), 1970 +- 4,083 years (up to 6053-01-23 02:07).
    static let storableMinutes = Int64(Int32.min) + 1...Int64(Int32.max)
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
        rowIDs = try column(Self.rowIDSection, 4)
        createdValues = try column(Self.createdSection, 4)
        releasedValues = try column(Self.releasedSection, 4)
        classifications = try column(Self.classificationSection, 4)
        origins = try column(Self.originSection, 4)
        months = try column(Self.monthSection, 4)
        referenceIDs = try ReferenceIDColumn(file: file, documentCount: documentCount)
    }

    @inline(__always) private func int32(_ column: UnsafeRawBufferPointer, _ doc: UInt32) -> Int32 {
        Int32(bitPattern: uint32(column, doc))
    }

    @inline(__always) private func uint32(_ column: UnsafeRawBufferPointer, _ doc: UInt32) -> UInt32 {
        precondition(Int(doc) < documentCount, "doc \(doc) out of range")
        return UInt32(littleEndian: column.loadUnaligned(fromByteOffset: Int(doc) * 4, as: UInt32.self))
    }

    /// The dump's row id, or `nil`.
    public func rowID(_ doc: UInt32) -> Int64? {
        let v = uint32(rowIDs, doc)
        return v == Self.storedNullRowID ? nil : Int64(v)
    }
    /// Creation time, minutes since 1970-01-01 00:00 UTC.
    public func created(_ doc: UInt32) -> Int64 { Int64(int32(createdValues, doc)) }
    /// Release time in minutes, or `nil`.
    public func released(_ doc: UInt32) -> Int64? {
        let v = int32(releasedValues, doc)
        return v == Self.storedNullTime ? nil : Int64(v)
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

    /// The columns of a build in progress, spilled to temporary files in document order (`SpilledColumn`), so
    /// that collecting them costs a few write buffers whatever the document count. Classification, origin and
    /// month are collected as first-seen value ids and mapped to the values' sorted ordinals by `write`. Not
    /// thread-safe.
    final class Spill {
        private let rowIDs: SpilledColumn<UInt32>
        private let created, released: SpilledColumn<Int32>
        /// `ids[0...2]`: classification, origin, month.
        private let ids: [SpilledColumn<UInt32>]
        private let referenceIDs: ReferenceIDColumn.Builder

        /// Starts the spill files in `directory` (which must exist).
        init(directory: String) throws {
            func path(_ name: String) -> String { "\(directory)/column-\(name).spill" }
            rowIDs = try SpilledColumn(path: path("rowid"))
            created = try SpilledColumn(path: path("created"))
            released = try SpilledColumn(path: path("released"))
            ids = try ["classification", "origin", "month"].map { try SpilledColumn(path: path($0)) }
            referenceIDs = try ReferenceIDColumn.Builder(spillPath: path("refid"))
        }

        /// Documents appended so far.
        var count: Int { created.count }

        /// Appends the next document's values (`rowID` and `released` may be `MetadataColumns.null`).
        /// - Throws: `.invalidArgument` naming the document if a row id is negative or above 4,294,967,294, or a
        ///   date lies beyond what the 4-byte columns hold (`storableMinutes`: after 6053-01-23 02:07).
        func append(
            rowID: Int64, created: Int64, released: Int64, classificationID: UInt32, originID: UInt32, monthID: UInt32,
            referenceID: String
        ) throws {
            func outOfRange(_ what: String) -> CorpusIndexError {
                .invalidArgument("document \(count) (\(referenceID)): \(what) does not fit the index's 4-byte column")
            }
            guard rowID == MetadataColumns.null || (0..<Int64(MetadataColumns.storedNullRowID)).contains(rowID) else {
                throw outOfRange("row id \(rowID) (0...\(MetadataColumns.storedNullRowID - 1))")
            }
            for (name, minutes) in [("created", created), ("released", released)]
            where minutes != MetadataColumns.null && !MetadataColumns.storableMinutes.contains(minutes) {
                throw outOfRange("\(name) date \(CableDate(minutesSinceEpoch: minutes)) (dates up to 6053-01-23 02:07)")
            }
            guard created != MetadataColumns.null else { throw outOfRange("an absent creation date") }
            try rowIDs.append(rowID == MetadataColumns.null ? MetadataColumns.storedNullRowID : UInt32(rowID))
            try self.created.append(Int32(created))
            try self.released.append(released == MetadataColumns.null ? MetadataColumns.storedNullTime : Int32(released))
            try ids[0].append(classificationID)
            try ids[1].append(originID)
            try ids[2].append(monthID)
            try referenceIDs.append(referenceID)
        }

        /// Writes the `DCOL` file, streaming every column back; `ordinals[c][id]` maps the first-seen id `id` of
        /// column `c` (classification, origin, month) to its value's ordinal in the keyword field.
        func write(path: String, ordinals: [[UInt32]]) throws -> WrittenFile {
            let out = try ContainerWriter(path: path, kind: FileKind.columns)
            var stats = ByteWriter(capacity: 8)
            stats.append(UInt64(count))
            try out.writeSection(MetadataColumns.statsSection, stats.bytes)
            try out.beginSection(MetadataColumns.rowIDSection)
            try rowIDs.readBytes { try out.write($0) }
            try out.endSection()
            for (name, column) in [(MetadataColumns.createdSection, created), (MetadataColumns.releasedSection, released)] {
                try out.beginSection(name)
                try column.readBytes { try out.write($0) }
                try out.endSection()
            }
            let mapped = [MetadataColumns.classificationSection, MetadataColumns.originSection, MetadataColumns.monthSection]
            var piece = ByteWriter(capacity: 64 << 10)
            for (c, name) in mapped.enumerated() {
                try out.beginSection(name)
                try ids[c].read { values in
                    piece.removeAll()
                    for id in values {
                        guard Int(id) < ordinals[c].count else {
                            throw CorpusIndexError.corrupt(
                                file: ids[c].path, section: name.description, reason: "value id \(id) was never assigned")
                        }
                        piece.append(ordinals[c][Int(id)])
                    }
                    try out.write(piece.bytes)
                }
                try out.endSection()
            }
            try referenceIDs.write(to: out)
            return try out.finish()
        }

        /// Deletes the spill files.
        func remove() {
            rowIDs.remove()
            for column in [created, released] { column.remove() }
            for column in ids { column.remove() }
            referenceIDs.remove()
        }
    }
}
