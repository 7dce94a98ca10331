/// The byte encoding of one stored document inside a document-store block (docs/FORMAT.md, "Stored document"):
/// every field of a `CableRecord`, so that `decode(encode(r)) == r` and the cable prints exactly as in the dump.
///
/// Stateless; thread-safe. `encode` appends to a caller-owned buffer (no allocation beyond its growth) so worker
/// threads can encode in parallel.
public enum StoredDocument {
    private static let hasRowID: UInt8 = 1
    private static let hasReleased: UInt8 = 2

    /// Appends the encoding of `record` to `out`.
    public static func encode(_ record: CableRecord, into out: inout [UInt8]) {
        var w = ByteWriter()
        swap(&w.bytes, &out)
        defer { swap(&w.bytes, &out) }
        w.append((record.rowID == nil ? 0 : hasRowID) | (record.released == nil ? 0 : hasReleased))
        if let rowID = record.rowID { w.appendVarInt(zigzag(Int64(rowID))) }
        w.appendVarInt(zigzag(record.created.minutesSinceEpoch))
        if let released = record.released { w.appendVarInt(zigzag(released.minutesSinceEpoch)) }
        w.appendLengthPrefixed(record.referenceID)
        w.appendLengthPrefixed(record.classification)
        w.appendLengthPrefixed(record.origin)
        appendList(record.references, &w)
        appendList(record.tags, &w)
        w.appendLengthPrefixed(record.subject)
        appendList(record.markings, &w)
        record.header.withUnsafeBytes { w.appendLengthPrefixed($0) }
        record.body.withUnsafeBytes { w.appendLengthPrefixed($0) }
    }

    /// Decodes one document from `bytes` (exactly one encoding).
    /// - Throws: `.corrupt(file:section:reason:)` with the given file and section if the bytes are malformed.
    public static func decode(_ bytes: UnsafeRawBufferPointer, file: String, section: String) throws -> CableRecord {
        var r = ByteReader(bytes, file: file, section: section)
        let flags = try r.readUInt8()
        guard flags & ~(hasRowID | hasReleased) == 0 else { throw r.corrupt("unknown document flags \(flags)") }
        let rowID = flags & hasRowID != 0 ? Int(truncatingIfNeeded: unzigzag(try r.readVarInt())) : nil
        let created = CableDate(minutesSinceEpoch: unzigzag(try r.readVarInt()))
        let released = flags & hasReleased != 0 ? CableDate(minutesSinceEpoch: unzigzag(try r.readVarInt())) : nil
        let referenceID = try r.readString()
        let classification = try r.readString()
        let origin = try r.readString()
        let references = try readList(&r)
        let tags = try readList(&r)
        let subject = try r.readString()
        let markings = try readList(&r)
        let header = Array(try r.readLengthPrefixed())
        let body = Array(try r.readLengthPrefixed())
        guard r.isAtEnd else { throw r.corrupt("\(r.remaining) bytes left after the document") }
        return CableRecord(
            rowID: rowID, referenceID: referenceID, created: created, released: released,
            classification: classification, origin: origin, references: references, header: header, body: body,
            tags: tags, subject: subject, markings: markings)
    }

    /// The three parts of an encoding that a store block keeps in separate streams (docs/FORMAT.md, "Document
    /// store"): the metadata (flags ... markings), the header's bytes and the body's bytes (without their
    /// length prefixes).
    /// - Throws: `.corrupt` naming `file` and `section` if `bytes` is not one encoding.
    static func parts(_ bytes: UnsafeRawBufferPointer, file: String, section: String) throws
        -> (metadata: Range<Int>, header: Range<Int>, body: Range<Int>)
    {
        var r = ByteReader(bytes, file: file, section: section)
        let flags = try r.readUInt8()
        guard flags & ~(hasRowID | hasReleased) == 0 else { throw r.corrupt("unknown document flags \(flags)") }
        let varInts = 1 + (flags & hasRowID != 0 ? 1 : 0) + (flags & hasReleased != 0 ? 1 : 0)
        for _ in 0..<varInts { _ = try r.readVarInt() }
        for _ in 0..<3 { _ = try r.readLengthPrefixed() }
        for list in 0..<4 {  // references, tags, the subject (a single string), markings
            let n = list == 2 ? 1 : try r.readVarInt(limit: r.remaining)
            for _ in 0..<n { _ = try r.readLengthPrefixed() }
        }
        let metadataEnd = r.offset
        let header = try r.readLengthPrefixed()
        let headerStart = r.offset - header.count
        let body = try r.readLengthPrefixed()
        guard r.isAtEnd else { throw r.corrupt("\(r.remaining) bytes left after the document") }
        return (0..<metadataEnd, headerStart..<(headerStart + header.count), (r.offset - body.count)..<r.offset)
    }

    private static func appendList(_ list: [String], _ w: inout ByteWriter) {
        w.appendVarInt(UInt64(list.count))
        for s in list { w.appendLengthPrefixed(s) }
    }

    private static func readList(_ r: inout ByteReader) throws -> [String] {
        let n = try r.readVarInt(limit: r.remaining)
        var list: [String] = []
        list.reserveCapacity(n)
        for _ in 0..<n { list.append(try r.readString()) }
        return list
    }
}

/// ZigZag: maps signed to unsigned so small magnitudes stay small (0, -1, 1, -2 → 0, 1, 2, 3).
@inline(__always) func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
@inline(__always) func unzigzag(_ v: UInt64) -> Int64 { Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1) }
