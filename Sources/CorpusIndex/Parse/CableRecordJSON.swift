/// A field of a `CableRecord` as JSON output names it (`corpus-index records --fields`).
public enum RecordField: String, Sendable, CaseIterable {
    case referenceID = "reference_id"
    case rowID = "row_id"
    case created, released, classification, origin, references, tags, subject, markings, header, body

    /// Parses a comma-separated list of field names; throws `invalidArgument` naming an unknown one.
    public static func parseList(_ text: String) throws -> [RecordField] {
        try text.split(separator: ",").map { name in
            let trimmed = name.trimmingCharacters(in: " ")
            guard let field = RecordField(rawValue: trimmed) else {
                let known = RecordField.allCases.map(\.rawValue).joined(separator: ", ")
                throw CorpusIndexError.invalidArgument("unknown field '\(trimmed)' (known: \(known))")
            }
            return field
        }
    }
}

extension CableRecord {
    /// Appends the record as one JSON object (no newline) with `fields` in that order: dates as
    /// `YYYY-MM-DDTHH:MMZ`, `null` for an absent row id or release date, header and body as strings with invalid
    /// UTF-8 shown as U+FFFD. Hand-rolled: no Foundation, one pass over the bytes.
    public func appendJSON(to out: inout [UInt8], fields: [RecordField] = RecordField.allCases) {
        out.append(UInt8(ascii: "{"))
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendString(field.rawValue, to: &out)
            out.append(UInt8(ascii: ":"))
            switch field {
            case .referenceID: JSONText.appendString(referenceID, to: &out)
            case .rowID: JSONText.appendRaw(rowID.map { String($0) } ?? "null", to: &out)
            case .created: JSONText.appendString(created.iso8601, to: &out)
            case .released:
                if let released { JSONText.appendString(released.iso8601, to: &out) } else { JSONText.appendRaw("null", to: &out) }
            case .classification: JSONText.appendString(classification, to: &out)
            case .origin: JSONText.appendString(origin, to: &out)
            case .references: JSONText.appendArray(references, to: &out)
            case .tags: JSONText.appendArray(tags, to: &out)
            case .subject: JSONText.appendString(subject, to: &out)
            case .markings: JSONText.appendArray(markings, to: &out)
            case .header: header.withUnsafeBytes { JSONText.appendString(bytes: $0, to: &out) }
            case .body: body.withUnsafeBytes { JSONText.appendString(bytes: $0, to: &out) }
            }
        }
        out.append(UInt8(ascii: "}"))
    }
}

/// JSON string escaping over bytes: `"` `\` and control characters escaped, valid UTF-8 copied, each invalid byte
/// replaced by U+FFFD. Pure functions.
public enum JSONText {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    public static func appendRaw(_ text: String, to out: inout [UInt8]) { out.append(contentsOf: text.utf8) }

    public static func appendString(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendString(bytes: UnsafeRawBufferPointer($0), to: &out) }
    }

    public static func appendArray(_ items: [String], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendString(item, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// 1 for bytes that end a run copied verbatim: controls, `"`, `\\` and non-ASCII (checked as UTF-8).
    private static let special: [Bool] = (0..<256).map { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 >= 0x80 }

    public static func appendString(bytes b: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let n = b.count
        guard n > 0, let base = b.baseAddress else {
            out.append(UInt8(ascii: "\""))
            return
        }
        let p = base.assumingMemoryBound(to: UInt8.self)
        special.withUnsafeBufferPointer { special in
            var i = 0
            var run = 0  // start of the pending run of bytes copied as they are
            while i < n {
                let c = p[i]
                if !special[Int(c)] {
                    i += 1
                    continue
                }
                if c >= 0x80 {
                    let length = ByteValidation.sequenceLength(base, i, n)
                    if length > 0 {
                        i += length
                        continue
                    }
                }
                out.append(contentsOf: UnsafeBufferPointer(start: p + run, count: i - run))
                switch c {
                case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
                case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0..<0x20:
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 15)]])
                default:
                    out.append(contentsOf: [0xEF, 0xBF, 0xBD])  // invalid UTF-8
                }
                i += 1
                run = i
            }
            out.append(contentsOf: UnsafeBufferPointer(start: p + run, count: n - run))
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop(while: { $0 == set }).reversed().drop(while: { $0 == set }).reversed())
    }
}
