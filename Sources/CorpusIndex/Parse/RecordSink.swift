/// Where a form parser delivers what it finds in a buffer: each well-formed record, and each malformed one.
///
/// Offsets are relative to the start of the buffer given to the parser; the chunk that owns the sink adds its own
/// base offset. A sink decides what a malformed record means (throw, or count and go on); the parser then resumes
/// at the next record boundary it can find. Parsers are generic over the sink so the calls inline.
protocol RecordSink {
    /// A well-formed record that starts at `offset`; `invalidUTF8` when some field is not valid UTF-8 (the bytes
    /// are kept; metadata strings were repaired with U+FFFD).
    mutating func record(_ record: CableRecord, offset: Int, invalidUTF8: Bool) throws
    /// A record starting at `offset` that cannot be read, and why.
    mutating func malformed(offset: Int, reason: String) throws
}

/// What parsing one record gives: the record and whether some field has invalid UTF-8, or why it is malformed.
enum RecordOutcome {
    case record(CableRecord, Bool)
    case malformed(String)
}

/// Shared final steps of every form: validate the raw fields, parse the body fields, build the record.
enum RecordAssembly {
    /// Checks `fields` (the record's metadata strings as bytes, header and body) for NUL bytes and invalid UTF-8.
    /// Returns a reason when the record is malformed, else whether any field has invalid UTF-8.
    static func validate(header: [UInt8], body: [UInt8], metadata: UnsafeRawBufferPointer...) -> (String?, Bool) {
        var invalid = false
        for (index, field) in metadata.enumerated() {
            let r = ByteValidation.check(field)
            if r.hasNUL { return ("NUL byte in metadata field \(index + 1)", false) }
            invalid = invalid || r.invalidUTF8
        }
        let h = header.withUnsafeBytes { ByteValidation.check($0) }
        if h.hasNUL { return ("NUL byte in the header", false) }
        let b = body.withUnsafeBytes { ByteValidation.check($0) }
        if b.hasNUL { return ("NUL byte in the body", false) }
        return (nil, invalid || h.invalidUTF8 || b.invalidUTF8)
    }

    /// A record with its TAGS, SUBJECT and markings parsed from `body`.
    static func record(
        rowID: Int?, referenceID: String, created: CableDate, released: CableDate?, classification: String,
        origin: String, references: [String], header: [UInt8], body: [UInt8]
    ) -> CableRecord {
        let fields = CableBodyFields.parse(body)
        return CableRecord(
            rowID: rowID, referenceID: referenceID, created: created, released: released,
            classification: classification, origin: origin, references: references, header: header, body: body,
            tags: fields.tags, subject: fields.subject, markings: fields.markings)
    }

    /// `text` split on `|` (the CSV references column), empty parts dropped.
    static func splitReferences(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> [String] {
        var out: [String] = []
        var s = range.lowerBound
        while s < range.upperBound {
            let e = ByteText.index(of: UInt8(ascii: "|"), in: bytes, from: s, end: range.upperBound)
            let part = ByteText.trimmed(bytes, s..<e)
            if !part.isEmpty { out.append(ByteText.string(bytes, part)) }
            s = e + 1
        }
        return out
    }

    /// `bytes` with every CR that precedes an LF removed (CRLF files).
    static func strippingCRBeforeLF(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(0x0D) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for (i, c) in bytes.enumerated() where !(c == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A) {
            out.append(c)
        }
        return out
    }
}
