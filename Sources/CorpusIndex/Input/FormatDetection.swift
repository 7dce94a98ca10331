/// Recognising a dump's compression and form from its first bytes (the file name is never consulted, so a
/// renamed or piped dump reads the same).
extension DumpCompression {
    /// gzip (`1f 8b`), zlib (`78 01|5e|9c|da`), LZ4 frame (`04 22 4d 18`), else none.
    public static func detect(_ prefix: UnsafeRawBufferPointer) -> DumpCompression {
        guard prefix.count >= 2 else { return .none }
        if prefix[0] == 0x1F && prefix[1] == 0x8B { return .gzip }
        if prefix.count >= 4 && prefix[0] == 0x04 && prefix[1] == 0x22 && prefix[2] == 0x4D && prefix[3] == 0x18 {
            return .lz4
        }
        if prefix[0] == 0x78 && [0x01, 0x5E, 0x9C, 0xDA].contains(prefix[1]) { return .gzip }
        return .none
    }
}

extension DumpFormat {
    /// After an optional UTF-8 BOM and white space: `"digits","` → csv; `INSERT`/`REPLACE`/`CREATE`/`DROP`/`SET`/
    /// `LOCK`/`USE` or an SQL comment (`--`, `/*`, `#`) → sql; `<?xml`, `<!DOCTYPE`, `<html` → html; otherwise text.
    public static func detect(_ prefix: UnsafeRawBufferPointer) -> DumpFormat {
        var i = 0
        let n = prefix.count
        if n >= 3 && prefix[0] == 0xEF && prefix[1] == 0xBB && prefix[2] == 0xBF { i = 3 }
        while i < n && (ByteText.isSpace(prefix[i]) || prefix[i] == 0x0A) { i += 1 }
        if i < n && prefix[i] == UInt8(ascii: "\"") {
            var j = i + 1
            while j < n && ByteText.isDigit(prefix[j]) { j += 1 }
            if j > i + 1 && ByteText.hasExactPrefix(prefix, at: j, end: n, "\",\"") { return .csv }
        }
        for keyword: StaticString in ["INSERT ", "REPLACE ", "CREATE ", "DROP ", "SET ", "LOCK ", "USE ", "--", "/*", "#"]
        where ByteText.hasPrefix(prefix, at: i, end: n, keyword) {
            return .sql
        }
        for keyword: StaticString in ["<?xml", "<!DOCTYPE", "<html"] where ByteText.hasPrefix(prefix, at: i, end: n, keyword) {
            return .html
        }
        return .text
    }

    /// Whether a form's records can be cut into chunks inside one file (csv, sql); html and text inputs are read
    /// whole, one chunk per file.
    var isSplittable: Bool { self == .csv || self == .sql }

    /// The first record boundary at or after `from`, for splittable forms.
    func nextBoundary(in bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
        switch self {
        case .csv: return CSVRecordParser.nextBoundary(in: bytes, from: from)
        case .sql: return SQLDumpParser.nextBoundary(in: bytes, from: from)
        case .html, .text: return nil
        }
    }
}
