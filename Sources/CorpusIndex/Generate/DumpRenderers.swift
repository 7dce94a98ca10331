/// Renders composed cables into the bytes of each dump form.
///
/// * CSV (`cables.csv`): 8 double-quoted fields, no header row, `\"` `\'` `\\` escapes, raw LF inside fields,
///   `M/D/YYYY H:MM` dates, records ending in `"` LF.
/// * SQL (the WikiLeaks `cable` table): `INSERT INTO cable (id, date, refid, classification, origin, destination,
///   header, content) VALUES (...),(...);` statements of `sqlRowsPerStatement` rows, MySQL string escapes.
/// * HTML: a page of the Dec-2010 site layout (`cable/YYYY/MM/REFID.html`): `<h3>Viewing cable …</h3>`, the
///   metadata table, header and body in `<code><pre>` blocks on one line with `&#x000A;` newlines, the first TAGS
///   line's tags linked, paragraph anchors. Links are inserted without changing the text between them (commas
///   kept), so stripping `<a …>`/`</a>`/`¶` anchors gives back the body byte for byte.
/// * Text: the visible text of a site page, like `seed-07PRISTINA150.txt`.
/// Stateless; every function writes only into the `ByteBuffer` it is given.
enum DumpRenderers {
    static let sqlRowsPerStatement = 100

    private static let csvEscapes: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        t[0x22] = 0x22
        t[0x27] = 0x27
        t[0x5C] = 0x5C
        return t
    }()

    private static let sqlEscapes: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        t[0x22] = 0x22
        t[0x27] = 0x27
        t[0x5C] = 0x5C
        t[0x0A] = 0x6E  // \n
        t[0x0D] = 0x72  // \r
        t[0x00] = 0x30  // \0
        t[0x1A] = 0x5A  // \Z
        return t
    }()

    /// Appends `bytes` with every byte that has an escape written as backslash + escape.
    @inline(__always)
    private static func appendEscaped(
        _ bytes: UnsafePointer<UInt8>, _ count: Int, table: UnsafePointer<UInt8>, to out: ByteBuffer
    ) {
        out.reserve(count * 2)
        var o = out.base + out.count
        for i in 0..<count {
            let b = bytes[i]
            let e = table[Int(b)]
            if e != 0 {
                o[0] = 0x5C
                o[1] = e
                o += 2
            } else {
                o[0] = b
                o += 1
            }
        }
        out.count = o - out.base
    }

    private static func appendEscaped(_ text: String, table: [UInt8], to out: ByteBuffer) {
        var text = text
        text.withUTF8 { utf8 in
            table.withUnsafeBufferPointer { t in
                if let p = utf8.baseAddress { appendEscaped(p, utf8.count, table: t.baseAddress!, to: out) }
            }
        }
    }

    private static func appendEscaped(_ range: Range<Int>, of source: ByteBuffer, table: [UInt8], to out: ByteBuffer) {
        table.withUnsafeBufferPointer { t in
            appendEscaped(source.base + range.lowerBound, range.count, table: t.baseAddress!, to: out)
        }
    }

    // MARK: CSV

    static func csv(_ draft: CableDraft, source: ByteBuffer, origins: [String], to out: ByteBuffer) {
        out.append(0x22)
        out.appendDecimal(draft.index + 1)
        out.append("\",\"")
        let c = draft.created.components
        out.appendDecimal(c.month)
        out.append(0x2F)
        out.appendDecimal(c.day)
        out.append(0x2F)
        out.appendDecimal(c.year)
        out.append(0x20)
        out.appendDecimal(c.hour)
        out.append(0x3A)
        out.appendDecimal(c.minute, width: 2)
        out.append("\",\"")
        appendEscaped(draft.referenceID, table: csvEscapes, to: out)
        out.append("\",\"")
        appendEscaped(origins[draft.origin], table: csvEscapes, to: out)
        out.append("\",\"")
        out.append(Classification.knownValues[draft.classification])
        out.append("\",\"")
        appendEscaped(draft.references.joined(separator: "|"), table: csvEscapes, to: out)
        out.append("\",\"")
        appendEscaped(draft.header, of: source, table: csvEscapes, to: out)
        out.append("\",\"")
        appendEscaped(draft.body, of: source, table: csvEscapes, to: out)
        out.append("\"\n")
    }

    // MARK: SQL

    static func sqlPreamble(cables: Int, seed: UInt64) -> String {
        """
        -- corpus-index generate: a synthetic dump in the form of the WikiLeaks cable table (\(cables) cables, seed \(seed))
        SET NAMES utf8;
        DROP TABLE IF EXISTS `cable`;
        CREATE TABLE `cable` (
          `id` int(11) NOT NULL,
          `date` datetime DEFAULT NULL,
          `refid` varchar(250) DEFAULT NULL,
          `classification` varchar(250) DEFAULT NULL,
          `origin` varchar(250) DEFAULT NULL,
          `destination` text,
          `header` text,
          `content` mediumtext,
          PRIMARY KEY (`id`)
        ) ENGINE=MyISAM DEFAULT CHARSET=utf8;

        """
    }

    static func sql(_ draft: CableDraft, source: ByteBuffer, origins: [String], total: Int, to out: ByteBuffer) {
        let i = draft.index
        if i % sqlRowsPerStatement == 0 {
            out.append("INSERT INTO cable (id, date, refid, classification, origin, destination, header, content) VALUES ")
        }
        out.append(0x28)
        out.appendDecimal(i + 1)
        out.append(", '")
        let c = draft.created.components
        out.appendDecimal(c.year, width: 4)
        out.append(0x2D)
        out.appendDecimal(c.month, width: 2)
        out.append(0x2D)
        out.appendDecimal(c.day, width: 2)
        out.append(0x20)
        out.appendDecimal(c.hour, width: 2)
        out.append(0x3A)
        out.appendDecimal(c.minute, width: 2)
        out.append(":00', '")
        appendEscaped(draft.referenceID, table: sqlEscapes, to: out)
        out.append("', '")
        out.append(Classification.knownValues[draft.classification])
        out.append("', '")
        appendEscaped(origins[draft.origin], table: sqlEscapes, to: out)
        out.append("', '")
        appendEscaped(draft.references.joined(separator: "|"), table: sqlEscapes, to: out)
        out.append("', '")
        appendEscaped(draft.header, of: source, table: sqlEscapes, to: out)
        out.append("', '")
        appendEscaped(draft.body, of: source, table: sqlEscapes, to: out)
        out.append("')")
        out.append(i % sqlRowsPerStatement == sqlRowsPerStatement - 1 || i == total - 1 ? ";\n" : ",")
    }
}
