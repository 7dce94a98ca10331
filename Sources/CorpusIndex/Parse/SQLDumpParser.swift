/// Reads the WikiLeaks MySQL dump (FORMATS.md §2): `INSERT INTO cable (id, date, refid, classification, origin,
/// destination, header, content) VALUES (...),(...);`, possibly many INSERT statements, amid other statements
/// (`CREATE TABLE`, `SET`, `LOCK TABLES`, ...) and comments (`-- `, `#`, `/* */`, `/*! */`), which are skipped, as are
/// INSERTs into other tables.
///
/// The column list, when present, maps values to fields by name (`id`, `date`, `refid`, `classification`, `origin`,
/// `destination` = references, `header`, `content` = body; unknown columns ignored); without one, the order above is
/// assumed. Strings are `'...'` or `"..."` with MySQL escapes (`\n` `\r` `\t` `\0` `\Z` `\b` `\\` `\'` `\"`, a
/// doubled quote; `\%` and `\_` keep their backslash; any other `\x` is `x`). Dates are `YYYY-MM-DD HH:MM[:SS]`;
/// `destination` is split on `|` (and `,`). Each tuple is one record; a malformed tuple is reported and parsing
/// resumes at the next `),(` or statement. Stateless; thread-safe.
enum SQLDumpParser {
    static let defaultColumns = ["id", "date", "refid", "classification", "origin", "destination", "header", "content"]

    static func parse<S: RecordSink>(_ b: UnsafeRawBufferPointer, into sink: inout S) throws {
        let n = b.count
        var pos = 0
        while pos < n {
            skipSpaceAndComments(b, &pos)
            guard pos < n else { break }
            let statementStart = pos
            if let afterInto = insertKeyword(b, pos) {
                pos = afterInto
                try parseInsert(b, &pos, statementStart: statementStart, into: &sink)
            } else if isKnownStatement(b, pos) {
                skipStatement(b, &pos)
            } else {
                let lineEnd = ByteText.index(of: 0x0A, in: b, from: pos, end: min(n, pos + 60))
                try sink.malformed(
                    offset: statementStart, reason: "not an SQL statement: '\(ByteText.string(b, pos..<lineEnd))'")
                skipStatement(b, &pos)
            }
        }
    }

    /// Statements of a MySQL dump that carry no cables.
    private static func isKnownStatement(_ b: UnsafeRawBufferPointer, _ pos: Int) -> Bool {
        for keyword: StaticString in [
            "CREATE", "DROP", "SET", "LOCK", "UNLOCK", "USE", "ALTER", "START", "BEGIN", "COMMIT", "ROLLBACK",
            "DELIMITER", "INSERT", "REPLACE", "TRUNCATE", "DELETE", "UPDATE", "GRANT", "FLUSH",
        ] where ByteText.hasPrefix(b, at: pos, end: b.count, keyword) {
            return true
        }
        return false
    }

    /// The next `INSERT` statement that starts a line after `from` (its first byte), for cutting chunks.
    static func nextBoundary(in b: UnsafeRawBufferPointer, from: Int) -> Int? {
        var i = max(from, 1)
        while i < b.count {
            guard let at = ByteText.find("\nINSERT ", in: b, from: i - 1, end: b.count) else { return nil }
            if at + 1 >= from { return at + 1 }
            i = at + 2
        }
        return nil
    }

    // MARK: Statements

    private static func insertKeyword(_ b: UnsafeRawBufferPointer, _ pos: Int) -> Int? {
        let e = b.count
        for keyword: StaticString in ["INSERT INTO", "INSERT IGNORE INTO", "REPLACE INTO"]
        where ByteText.hasPrefix(b, at: pos, end: e, keyword) {
            return pos + keyword.utf8CodeUnitCount
        }
        return nil
    }

    private static func parseInsert<S: RecordSink>(
        _ b: UnsafeRawBufferPointer, _ pos: inout Int, statementStart: Int, into sink: inout S
    ) throws {
        let n = b.count
        skipSpace(b, &pos)
        let table = identifier(b, &pos)
        guard table.lowercased() == "cable" else {
            pos = statementStart
            skipStatement(b, &pos)
            return
        }
        skipSpace(b, &pos)
        var columns = defaultColumns
        if pos < n && b[pos] == UInt8(ascii: "(") {
            pos += 1
            columns = []
            while pos < n {
                skipSpace(b, &pos)
                let name = identifier(b, &pos)
                guard !name.isEmpty else { break }
                columns.append(name.lowercased())
                skipSpace(b, &pos)
                if pos < n && b[pos] == UInt8(ascii: ",") { pos += 1 } else { break }
            }
            guard pos < n, b[pos] == UInt8(ascii: ")") else {
                try sink.malformed(offset: statementStart, reason: "bad column list in INSERT INTO cable")
                skipStatement(b, &pos)
                return
            }
            pos += 1
        }
        skipSpace(b, &pos)
        guard ByteText.hasPrefix(b, at: pos, end: n, "VALUES") else {
            try sink.malformed(offset: statementStart, reason: "INSERT INTO cable without VALUES")
            skipStatement(b, &pos)
            return
        }
        pos += 6
        while true {
            skipSpace(b, &pos)
            let tupleStart = pos
            switch parseTuple(b, &pos, columns: columns) {
            case let .success(values):
                switch assemble(values) {
                case let .record(record, invalid): try sink.record(record, offset: tupleStart, invalidUTF8: invalid)
                case let .malformed(reason): try sink.malformed(offset: tupleStart, reason: reason)
                }
            case let .failure(error):
                try sink.malformed(offset: tupleStart, reason: error.reason)
                // Resume at the next tuple or statement.
                let next = ByteText.find("),(", in: b, from: max(pos, tupleStart + 1), end: n)
                let end = ByteText.find(");\n", in: b, from: max(pos, tupleStart + 1), end: next.map { $0 + 3 } ?? n)
                if let next, next < (end ?? n) {
                    pos = next + 2
                    continue
                }
                pos = end.map { $0 + 2 } ?? n
                return
            }
            skipSpace(b, &pos)
            guard pos < n else { return }
            if b[pos] == UInt8(ascii: ",") {
                pos += 1
            } else if b[pos] == UInt8(ascii: ";") {
                pos += 1
                return
            } else {
                try sink.malformed(offset: pos, reason: "expected ',' or ';' after a VALUES tuple")
                skipStatement(b, &pos)
                return
            }
        }
    }

    struct LexError: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The values of the tuple at `pos` by column name (`NULL` as empty), leaving `pos` after its `)`.
    private static func parseTuple(_ b: UnsafeRawBufferPointer, _ pos: inout Int, columns: [String])
        -> Result<[String: [UInt8]], LexError>
    {
        let n = b.count
        guard pos < n, b[pos] == UInt8(ascii: "(") else { return .failure(LexError("expected '(' to open a VALUES tuple")) }
        pos += 1
        var values: [String: [UInt8]] = [:]
        for (index, column) in columns.enumerated() {
            skipSpace(b, &pos)
            guard pos < n else { return .failure(LexError("truncated VALUES tuple")) }
            var value: [UInt8] = []
            let c = b[pos]
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                guard readString(b, &pos, quote: c, into: &value) else {
                    return .failure(LexError("unterminated string in column \(column)"))
                }
            } else {
                let s = pos
                while pos < n && b[pos] != UInt8(ascii: ",") && b[pos] != UInt8(ascii: ")") { pos += 1 }
                let raw = ByteText.trimmed(b, s..<pos)
                if !(raw.count == 4 && ByteText.hasPrefix(b, at: raw.lowerBound, end: raw.upperBound, "NULL")) {
                    value = Array(UnsafeRawBufferPointer(rebasing: b[raw]))
                }
            }
            values[column] = value
            skipSpace(b, &pos)
            guard pos < n else { return .failure(LexError("truncated VALUES tuple")) }
            let expected = index == columns.count - 1 ? UInt8(ascii: ")") : UInt8(ascii: ",")
            guard b[pos] == expected else {
                return .failure(LexError("expected '\(Character(UnicodeScalar(expected)))' after column \(column)"))
            }
            pos += 1
        }
        return .success(values)
    }

    private static func assemble(_ values: [String: [UInt8]]) -> RecordOutcome {
        let header = values["header"] ?? []
        let body = values["content"] ?? values["body"] ?? []
        let meta = ["id", "date", "refid", "classification", "origin", "destination"].map { values[$0] ?? [] }
        let (problem, invalid) = meta[0].withUnsafeBytes { a in
            meta[1].withUnsafeBytes { b in
                meta[2].withUnsafeBytes { c in
                    meta[3].withUnsafeBytes { d in
                        meta[4].withUnsafeBytes { e in
                            meta[5].withUnsafeBytes { f in
                                RecordAssembly.validate(header: header, body: body, metadata: a, b, c, d, e, f)
                            }
                        }
                    }
                }
            }
        }
        if let problem { return .malformed(problem) }
        func text(_ k: Int) -> String {
            meta[k].withUnsafeBytes { ByteText.string($0, ByteText.trimmed($0, 0..<$0.count)) }
        }
        let rowID = meta[0].withUnsafeBytes { ByteText.parseInt($0, ByteText.trimmed($0, 0..<$0.count)) }
        if !meta[0].isEmpty && rowID == nil { return .malformed("id '\(text(0).prefix(40))' is not a number") }
        guard let created = meta[1].withUnsafeBytes({ ByteText.parseISODate($0, ByteText.trimmed($0, 0..<$0.count)) })
        else { return .malformed("unparsable date '\(text(1).prefix(40))' (expected YYYY-MM-DD HH:MM:SS)") }
        let referenceID = text(2)
        guard !referenceID.isEmpty else { return .malformed("empty refid") }
        let references = meta[5].withUnsafeBytes { buffer in
            RecordAssembly.splitReferences(buffer, 0..<buffer.count).flatMap { part in
                part.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
            }
        }
        let record = RecordAssembly.record(
            rowID: rowID, referenceID: referenceID, created: created, released: nil, classification: text(3),
            origin: text(4), references: references, header: header, body: body)
        return .record(record, invalid)
    }

    // MARK: Lexing

    /// Reads a quoted string at `pos` (on the opening quote), unescaping into `out`; `false` if unterminated.
    static func readString(_ b: UnsafeRawBufferPointer, _ pos: inout Int, quote: UInt8, into out: inout [UInt8]) -> Bool {
        let n = b.count
        pos += 1
        var segment = pos
        while pos < n {
            let q = ByteText.index(of: quote, in: b, from: pos, end: n)
            let slash = ByteText.index(of: UInt8(ascii: "\\"), in: b, from: pos, end: q)
            if slash < q {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[segment..<slash]))
                guard slash + 1 < n else { return false }
                switch b[slash + 1] {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "0"): out.append(0x00)
                case UInt8(ascii: "Z"): out.append(0x1A)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "%"), UInt8(ascii: "_"): out.append(contentsOf: [0x5C, b[slash + 1]])
                default: out.append(b[slash + 1])
                }
                pos = slash + 2
                segment = pos
                continue
            }
            guard q < n else { return false }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[segment..<q]))
            if q + 1 < n && b[q + 1] == quote {  // doubled quote
                out.append(quote)
                pos = q + 2
                segment = pos
                continue
            }
            pos = q + 1
            return true
        }
        return false
    }

    private static func identifier(_ b: UnsafeRawBufferPointer, _ pos: inout Int) -> String {
        let n = b.count
        guard pos < n else { return "" }
        if b[pos] == UInt8(ascii: "`") || b[pos] == UInt8(ascii: "\"") {
            let q = b[pos]
            let e = ByteText.index(of: q, in: b, from: pos + 1, end: n)
            defer { pos = min(e + 1, n) }
            return ByteText.string(b, (pos + 1)..<e)
        }
        let s = pos
        while pos < n && (ByteText.isLetter(b[pos]) || ByteText.isDigit(b[pos]) || b[pos] == UInt8(ascii: "_")
            || b[pos] == UInt8(ascii: ".") || b[pos] == UInt8(ascii: "$"))
        { pos += 1 }
        // `db.cable`: the table name is the last part.
        let name = ByteText.string(b, s..<pos)
        return String(name.split(separator: ".").last ?? "")
    }

    private static func skipSpace(_ b: UnsafeRawBufferPointer, _ pos: inout Int) {
        while pos < b.count && (ByteText.isSpace(b[pos]) || b[pos] == 0x0A) { pos += 1 }
    }

    static func skipSpaceAndComments(_ b: UnsafeRawBufferPointer, _ pos: inout Int) {
        let n = b.count
        while pos < n {
            skipSpace(b, &pos)
            if ByteText.hasExactPrefix(b, at: pos, end: n, "--") || (pos < n && b[pos] == UInt8(ascii: "#")) {
                pos = min(ByteText.index(of: 0x0A, in: b, from: pos, end: n) + 1, n)
            } else if ByteText.hasExactPrefix(b, at: pos, end: n, "/*") {
                pos = (ByteText.find("*/", in: b, from: pos + 2, end: n).map { $0 + 2 }) ?? n
                // `/*!40101 SET ... */;`
                skipSpace(b, &pos)
                if pos < n && b[pos] == UInt8(ascii: ";") { pos += 1 }
            } else {
                return
            }
        }
    }

    /// Skips to just after the `;` that ends the statement at `pos`, honouring quoted strings.
    private static func skipStatement(_ b: UnsafeRawBufferPointer, _ pos: inout Int) {
        let n = b.count
        while pos < n {
            let c = b[pos]
            if c == UInt8(ascii: ";") {
                pos += 1
                return
            }
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "`") {
                var sink: [UInt8] = []
                if !readString(b, &pos, quote: c, into: &sink) { pos = n }
                continue
            }
            pos += 1
        }
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
