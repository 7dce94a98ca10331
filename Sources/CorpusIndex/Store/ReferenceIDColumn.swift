/// The reference id of every document (`07PRISTINA150`), as two sections of `documents.columns`
/// (docs/FORMAT.md "Metadata columns"): `RIDO`, `documentCount + 1` little-endian u32 offsets, and `RIDS`, the
/// ids' UTF-8 bytes concatenated in doc-id order; document `d`'s id is `RIDS[RIDO[d] ..< RIDO[d + 1]]`.
///
/// Lets a ranked hit be named without decompressing a document-store block. Opening checks the section sizes and
/// the first and last offsets (O(1)); each lookup checks its own two offsets, so a corrupt file yields `.corrupt`,
/// never a trap or a read out of bounds; `verify()` checks every offset and the UTF-8. Immutable, `Sendable`
/// (it views the bytes of a `ContainerFile` the owner keeps mapped).
public struct ReferenceIDColumn: @unchecked Sendable {
    static let offsetsSection = FourCC("RIDO")
    static let bytesSection = FourCC("RIDS")

    /// Documents covered.
    public let documentCount: Int
    private let offsets: UnsafeRawBufferPointer
    private let bytes: UnsafeRawBufferPointer
    private let fileName: String

    init(file: ContainerFile, documentCount: Int) throws {
        self.documentCount = documentCount
        fileName = file.name
        offsets = try file.section(Self.offsetsSection)
        bytes = try file.section(Self.bytesSection)
        guard offsets.count == (documentCount + 1) * 4 else {
            throw corrupt(Self.offsetsSection, "\(offsets.count) bytes for \(documentCount + 1) offsets of 4 bytes")
        }
        let first = offset(0), last = offset(documentCount)
        guard first == 0, last == bytes.count else {
            throw corrupt(Self.offsetsSection, "offsets run from \(first) to \(last), the ids have \(bytes.count) bytes")
        }
    }

    private func corrupt(_ section: FourCC, _ reason: String) -> CorpusIndexError {
        CorpusIndexError.corrupt(file: fileName, section: section.description, reason: reason)
    }

    @inline(__always) private func offset(_ i: Int) -> Int {
        Int(UInt32(littleEndian: offsets.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
    }

    /// The UTF-8 bytes of document `doc`'s reference id (a view of the mapped file).
    /// - Throws: `.invalidArgument` for `doc >= documentCount`, `.corrupt` for offsets out of order.
    public func bytes(_ doc: DocID) throws -> UnsafeRawBufferPointer {
        guard Int(doc) < documentCount else {
            throw CorpusIndexError.invalidArgument("document id \(doc) is out of range (the index has \(documentCount))")
        }
        let start = offset(Int(doc)), end = offset(Int(doc) + 1)
        guard start <= end, end <= bytes.count else {
            throw corrupt(Self.offsetsSection, "doc \(doc): reference id bytes \(start)..<\(end) of \(bytes.count)")
        }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    /// Document `doc`'s reference id.
    /// - Throws: as `bytes(_:)`.
    public func referenceID(_ doc: DocID) throws -> String {
        String(decoding: try bytes(doc), as: UTF8.self)
    }

    /// Checks every offset and that each id is valid UTF-8 (verify).
    func verify() throws {
        for d in 0..<UInt32(documentCount) {
            let id = try bytes(d)
            guard String(validating: id, as: UTF8.self) != nil else {
                throw corrupt(Self.bytesSection, "doc \(d): the reference id is not valid UTF-8")
            }
        }
    }

    /// Collects reference ids in doc-id order (the writer's side): one byte heap and one offset per document.
    struct Builder {
        private(set) var ends: [UInt32] = []
        private(set) var heap: [UInt8] = []

        var count: Int { ends.count }

        /// Appends the next document's id.
        mutating func append(_ referenceID: String) {
            heap.append(contentsOf: referenceID.utf8)
            ends.append(UInt32(truncatingIfNeeded: heap.count))
        }

        /// Writes `RIDO` and `RIDS` into `out`.
        /// - Throws: `.invalidArgument` when the ids pass 4 GiB in total (the offsets are 32-bit).
        func write(to out: ContainerWriter) throws {
            guard heap.count <= Int(UInt32.max) else {
                throw CorpusIndexError.invalidArgument("reference ids exceed 4 GiB in total (documents.columns RIDS)")
            }
            var w = ByteWriter(capacity: (ends.count + 1) * 4)
            w.append(UInt32(0))
            for end in ends { w.append(end) }
            try out.writeSection(ReferenceIDColumn.offsetsSection, w.bytes)
            try out.writeSection(ReferenceIDColumn.bytesSection, heap)
        }
    }
}
