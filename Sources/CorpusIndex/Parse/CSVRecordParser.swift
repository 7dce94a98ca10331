/// The strict state machine for `cables.csv` (FORMATS.md §1): no header row; 8 fields, each enclosed in `"`;
/// `,` between fields; `\"` `\'` `\\` backslash escapes (undone; any other backslash pair is kept verbatim); raw
/// newlines inside fields; a record ends with `"` + LF or `"` + CRLF (or `"` at the end of the input). In a record
/// terminated by CRLF, CRLFs inside header and body become LF so that both checkouts give the same bytes.
///
/// The hot path of the project: fields are found with `memchr` for `"` and `\`, so the cost per byte is a SIMD scan
/// plus one copy of header and body. Malformed records (bad quoting, wrong field count, an unparsable row id or
/// date, NUL bytes, a truncated last record) are reported to the sink, and parsing resumes at the next record
/// boundary (`CSVRecordParser.nextBoundary`). Stateless; thread-safe.
enum CSVRecordParser {
    static let fieldCount = 8

    /// Parses every record of `bytes` (which must start at a record boundary).
    static func parse<S: RecordSink>(_ bytes: UnsafeRawBufferPointer, into sink: inout S) throws {
        var pos = 0
        let n = bytes.count
        var scratch: [UInt8] = []
        while pos < n {
            // Tolerate blank lines between records and at the end (a trailing newline of a hand-edited file).
            if bytes[pos] == 0x0A || bytes[pos] == 0x0D {
                pos += 1
                continue
            }
            let start = pos
            switch parseRecord(bytes, &pos, &scratch) {
            case let .record(record, invalid):
                try sink.record(record, offset: start, invalidUTF8: invalid)
            case let .malformed(reason):
                try sink.malformed(offset: start, reason: reason)
                pos = nextBoundary(in: bytes, from: start + 1) ?? n
            }
        }
    }

    private static let fieldNames = ["row id", "created", "reference id", "origin", "classification", "references",
                                     "header", "body"]

    /// Parses one record starting at `pos` (a `"`), leaving `pos` after its terminator. `meta` is scratch space
    /// for the six metadata fields (reused across records).
    static func parseRecord(_ b: UnsafeRawBufferPointer, _ pos: inout Int, _ meta: inout [UInt8]) -> RecordOutcome {
        let n = b.count
        meta.removeAll(keepingCapacity: true)
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(6)
        var header: [UInt8] = []
        var body: [UInt8] = []
        var crlf = false
        for field in 0..<fieldCount {
            guard pos < n else { return .malformed("truncated record: \(fieldNames[field]) field missing") }
            guard b[pos] == UInt8(ascii: "\"") else {
                return .malformed("expected '\"' to open the \(fieldNames[field]) field (field \(field + 1))")
            }
            pos += 1
            switch field {
            case 6, 7:
                var bytes: [UInt8] = []
                bytes.reserveCapacity(ByteText.index(of: UInt8(ascii: "\""), in: b, from: pos, end: n) - pos)
                guard scanField(b, &pos, into: &bytes) != nil else {
                    return .malformed("unbalanced quote: the \(fieldNames[field]) field never ends")
                }
                if field == 6 { header = bytes } else { body = bytes }
            default:
                let s = meta.count
                guard scanField(b, &pos, into: &meta) != nil else {
                    return .malformed("unbalanced quote: the \(fieldNames[field]) field never ends")
                }
                ranges.append(s..<meta.count)
            }
            // After the closing quote.
            if field < fieldCount - 1 {
                guard pos < n else { return .malformed("truncated record: only \(field + 1) of 8 fields") }
                guard b[pos] == UInt8(ascii: ",") else {
                    return .malformed(
                        "unescaped quote or missing ',' after the \(fieldNames[field]) field (field \(field + 1))")
                }
                pos += 1
            } else if pos < n {
                if b[pos] == 0x0A {
                    pos += 1
                } else if b[pos] == 0x0D && pos + 1 < n && b[pos + 1] == 0x0A {
                    pos += 2
                    crlf = true
                } else if b[pos] == UInt8(ascii: ",") {
                    return .malformed("more than 8 fields")
                } else {
                    return .malformed("unescaped quote or missing record end after the body field")
                }
            }
        }
        if crlf {
            header = RecordAssembly.strippingCRBeforeLF(header)
            body = RecordAssembly.strippingCRBeforeLF(body)
        }
        return meta.withUnsafeBytes { m in
            func field(_ k: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: m[ranges[k]]) }
            func text(_ k: Int) -> String { ByteText.string(m, ByteText.trimmed(m, ranges[k])) }
            func quoted(_ k: Int) -> String { "'" + ByteText.string(m, ranges[k].prefix(40)) + "'" }
            let (problem, invalid) = RecordAssembly.validate(
                header: header, body: body, metadata: field(0), field(1), field(2), field(3), field(4), field(5))
            if let problem { return .malformed(problem) }
            guard let rowID = ByteText.parseInt(m, ranges[0]) else {
                return .malformed("row id \(quoted(0)) is not a number")
            }
            guard let created = ByteText.parseCSVDate(m, ranges[1]) else {
                return .malformed("unparsable date \(quoted(1)) (expected M/D/YYYY H:MM)")
            }
            let referenceID = text(2)
            guard !referenceID.isEmpty else { return .malformed("empty reference id") }
            let record = RecordAssembly.record(
                rowID: rowID, referenceID: referenceID, created: created, released: nil, classification: text(4),
                origin: text(3), references: RecordAssembly.splitReferences(m, ranges[5]), header: header, body: body)
            return .record(record, invalid)
        }
    }

    /// Scans a quoted field whose content starts at `pos`, appending its unescaped bytes to `out` and leaving `pos`
    /// after the closing quote. Returns `nil` if the input ends first.
    @inline(__always)
    static func scanField(_ b: UnsafeRawBufferPointer, _ pos: inout Int, into out: inout [UInt8]) -> Int? {
        let n = b.count
        var segment = pos
        var quote = ByteText.index(of: UInt8(ascii: "\""), in: b, from: segment, end: n)
        while true {
            let slash = ByteText.index(of: UInt8(ascii: "\\"), in: b, from: segment, end: quote)
            if slash == quote {
                guard quote < n else { return nil }
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[segment..<quote]))
                pos = quote + 1
                return quote
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[segment..<slash]))
            guard slash + 1 < n else { return nil }
            let escaped = b[slash + 1]
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"):
                out.append(escaped)
            default:
                out.append(UInt8(ascii: "\\"))
                out.append(escaped)
            }
            segment = slash + 2
            if quote < segment {
                quote = ByteText.index(of: UInt8(ascii: "\""), in: b, from: segment, end: n)
            }
        }
    }

    /// The start (a `"`) of the first record that begins after `from`: the first `"` + LF/CRLF + `"` + digits +
    /// `","` whose first quote is not escaped (preceded by an even run of backslashes). Since every quote
    /// inside a well-formed field is escaped, this finds only real boundaries in well-formed input. `nil` if there
    /// is none in `bytes` (the caller needs more input or is at the end).
    static func nextBoundary(in b: UnsafeRawBufferPointer, from: Int) -> Int? {
        let n = b.count
        var i = max(from, 1)
        while i < n {
            let lf = ByteText.index(of: 0x0A, in: b, from: i, end: n)
            guard lf < n else { return nil }
            i = lf + 1
            var q = lf - 1
            if q >= 0 && b[q] == 0x0D { q -= 1 }
            guard q >= 0, b[q] == UInt8(ascii: "\"") else { continue }
            var slashes = 0
            var k = q - 1
            while k >= 0 && b[k] == UInt8(ascii: "\\") {
                slashes += 1
                k -= 1
            }
            guard slashes % 2 == 0 else { continue }
            // `"digits","d`
            var j = lf + 1
            guard j < n, b[j] == UInt8(ascii: "\"") else { continue }
            j += 1
            let digitsStart = j
            while j < n && ByteText.isDigit(b[j]) && j - digitsStart < 12 { j += 1 }
            guard j > digitsStart, j + 2 < n, b[j] == UInt8(ascii: "\""), b[j + 1] == UInt8(ascii: ","),
                b[j + 2] == UInt8(ascii: "\"")
            else { continue }
            if lf + 1 >= from { return lf + 1 }
        }
        return nil
    }
}
