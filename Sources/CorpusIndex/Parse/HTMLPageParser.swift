/// Reads one cable page of the WikiLeaks site, either generation (December 2010, August 2011; FORMATS.md §3).
///
/// Metadata comes from the table whose header row is `Reference ID | Created | Released | Classification |
/// Origin` (cell texts with tags stripped; the classification link's `title` attribute is wrong on the site and is
/// ignored). The text comes from the `<code><pre>` blocks after that table: header then body, or only the body when
/// there is one block. In the blocks, paragraph anchors (`<a id='par1' href='#par1'>¶</a>`) are removed, other
/// `<a ...>`/`</a>` tags are dropped keeping their text (the linkified TAGS), and numeric (`&#x000A;`, `&#10;`) and
/// the common named entities are decoded; everything else (raw `<`, `&`, `R&D;`) is kept verbatim. Stateless.
enum HTMLPageParser {
    /// Parses the page in `b`, reporting one record (or one malformed record) at offset 0.
    static func parse<S: RecordSink>(_ b: UnsafeRawBufferPointer, into sink: inout S) throws {
        switch parsePage(b) {
        case let .record(record, invalid): try sink.record(record, offset: 0, invalidUTF8: invalid)
        case let .malformed(reason): try sink.malformed(offset: 0, reason: reason)
        }
    }

    static func parsePage(_ b: UnsafeRawBufferPointer) -> RecordOutcome {
        let n = b.count
        guard let th = ByteText.find("<th>Reference ID</th>", in: b, from: 0, end: n) else {
            return .malformed("not a cable page: no metadata table (<th>Reference ID</th>)")
        }
        guard let rowEnd = ByteText.find("</tr>", in: b, from: th, end: n) else {
            return .malformed("truncated metadata table")
        }
        var cells: [[UInt8]] = []
        var pos = rowEnd
        while cells.count < 5 {
            guard let open = ByteText.find("<td", in: b, from: pos, end: n),
                let gt = Optional(ByteText.index(of: UInt8(ascii: ">"), in: b, from: open, end: n)), gt < n,
                let close = ByteText.find("</td>", in: b, from: gt, end: n)
            else { return .malformed("metadata table has \(cells.count) of 5 cells") }
            cells.append(cleanText(b, (gt + 1)..<close, stripAllTags: true))
            pos = close + 5
        }
        let tableEnd = ByteText.find("</table>", in: b, from: pos, end: n) ?? pos
        var blocks: [[UInt8]] = []
        var p = tableEnd
        while blocks.count < 2, let open = ByteText.find("<pre>", in: b, from: p, end: n) {
            guard let close = ByteText.find("</pre>", in: b, from: open + 5, end: n) else {
                return .malformed("truncated page: <pre> block never ends")
            }
            blocks.append(cleanText(b, (open + 5)..<close, stripAllTags: false))
            p = close + 6
        }
        guard !blocks.isEmpty else { return .malformed("cable page without a <pre> text block") }
        let header = blocks.count == 2 ? blocks[0] : []
        let body = blocks[blocks.count - 1]
        return cells.withUnsafeBufferPointer { c in
            c[0].withUnsafeBytes { ref in
                c[1].withUnsafeBytes { created in
                    c[2].withUnsafeBytes { released in
                        c[3].withUnsafeBytes { classification in
                            c[4].withUnsafeBytes { origin in
                                let (problem, invalid) = RecordAssembly.validate(
                                    header: header, body: body, metadata: ref, created, released, classification,
                                    origin)
                                if let problem { return .malformed(problem) }
                                guard ref.count > 0 else { return .malformed("empty Reference ID") }
                                guard let date = ByteText.parseISODate(created, 0..<created.count) else {
                                    return .malformed("unparsable Created date '\(ByteText.string(created, 0..<min(40, created.count)))'")
                                }
                                let record = RecordAssembly.record(
                                    rowID: nil, referenceID: ByteText.string(ref, 0..<ref.count), created: date,
                                    released: ByteText.parseISODate(released, 0..<released.count),
                                    classification: ByteText.string(classification, 0..<classification.count),
                                    origin: ByteText.string(origin, 0..<origin.count), references: [],
                                    header: header, body: body)
                                return .record(record, invalid)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The text of `b[range]` with `<a>` tags (or, for table cells, all tags) removed, paragraph anchors dropped and
    /// entities decoded; table cells are also trimmed.
    static func cleanText(_ b: UnsafeRawBufferPointer, _ range: Range<Int>, stripAllTags: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let c = b[i]
            if c == UInt8(ascii: "<") {
                let isAnchor = ByteText.hasPrefix(b, at: i, end: end, "<a ") || ByteText.hasPrefix(b, at: i, end: end, "</a>")
                if !stripAllTags && !isAnchor, let length = emphasisTagLength(b, i, end) {
                    i += length  // `<strong>` and kin in media-edited pages
                    continue
                }
                if stripAllTags || isAnchor {
                    let gt = ByteText.index(of: UInt8(ascii: ">"), in: b, from: i, end: end)
                    if gt < end {
                        let isParagraphAnchor = ByteText.find("id='par", in: b, from: i, end: gt) != nil
                            || ByteText.find("id=\"par", in: b, from: i, end: gt) != nil
                        i = gt + 1
                        // `<a id='par1' href='#par1'>¶</a>`: drop the pilcrow and the closing tag too.
                        if isParagraphAnchor, ByteText.hasExactPrefix(b, at: i, end: end, "\u{B6}</a>") {
                            i += 6
                        }
                        continue
                    }
                }
            } else if c == UInt8(ascii: "&"), let (decoded, length) = entity(b, i, end) {
                appendScalar(&out, decoded)
                i += length
                continue
            }
            out.append(c)
            i += 1
        }
        if stripAllTags {
            return out.withUnsafeBytes { Array(UnsafeRawBufferPointer(rebasing: $0[ByteText.trimmed($0, 0..<$0.count)])) }
        }
        return out
    }

    /// The length of an exact `<strong>`, `</strong>`, `<b>`, `<em>`, `<i>`, `<br />`, `<p>` (and closing) tag at `i`.
    private static func emphasisTagLength(_ b: UnsafeRawBufferPointer, _ i: Int, _ end: Int) -> Int? {
        for tag: StaticString in [
            "<strong>", "</strong>", "<b>", "</b>", "<em>", "</em>", "<i>", "</i>", "<br />", "<br/>", "<br>", "<p>", "</p>",
        ] where ByteText.hasExactPrefix(b, at: i, end: end, tag) {
            return tag.utf8CodeUnitCount
        }
        return nil
    }

    private static let namedEntities: [(StaticString, UInt32)] = [
        ("&amp;", 0x26), ("&lt;", 0x3C), ("&gt;", 0x3E), ("&quot;", 0x22), ("&apos;", 0x27), ("&nbsp;", 0xA0),
        ("&para;", 0xB6), ("&mdash;", 0x2014), ("&ndash;", 0x2013), ("&rsquo;", 0x2019), ("&lsquo;", 0x2018),
        ("&rdquo;", 0x201D), ("&ldquo;", 0x201C), ("&hellip;", 0x2026),
    ]

    /// The code point and length of the entity at `i`, or `nil` if it is not one (then `&` is literal).
    private static func entity(_ b: UnsafeRawBufferPointer, _ i: Int, _ end: Int) -> (UInt32, Int)? {
        if i + 3 < end && b[i + 1] == UInt8(ascii: "#") {
            var k = i + 2
            let hex = b[k] == UInt8(ascii: "x") || b[k] == UInt8(ascii: "X")
            if hex { k += 1 }
            var value: UInt32 = 0
            let digitsStart = k
            while k < end && k - digitsStart < 8 {
                let d = b[k]
                if ByteText.isDigit(d) {
                    value = value * (hex ? 16 : 10) + UInt32(d - 0x30)
                } else if hex, let h = hexValue(d) {
                    value = value * 16 + h
                } else {
                    break
                }
                k += 1
            }
            guard k > digitsStart, k < end, b[k] == UInt8(ascii: ";"), Unicode.Scalar(value) != nil, value != 0 else {
                return nil
            }
            return (value, k + 1 - i)
        }
        for (name, scalar) in namedEntities where ByteText.hasExactPrefix(b, at: i, end: end, name) {
            return (scalar, name.utf8CodeUnitCount)
        }
        return nil
    }

    private static func hexValue(_ d: UInt8) -> UInt32? {
        switch d {
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(d - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(d - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private static func appendScalar(_ out: inout [UInt8], _ value: UInt32) {
        guard let scalar = Unicode.Scalar(value) else { return }
        out.append(contentsOf: UTF8.encode(scalar)!)
    }
}
