/// Reads text renderings of site pages, like `seed-07PRISTINA150.txt` (FORMATS.md §3, "Text rendering").
///
/// A record starts at the line `Reference ID Created Released Classification Origin`; the next non-blank line holds
/// the values (`07PRISTINA150 2007-02-28 13:55 2011-08-26 00:00 UNCLASSIFIED//FOR OFFICIAL USE ONLY Embassy
/// Pristina`: the classification is the longest known value there, else one word; the origin is the rest). Then
/// come header lines immediately followed by body lines: the body starts at the first line that is a
/// classification line (`UNCLAS ...`, `C O N F I D E N T I A L ...`, `SECRET ...`, any case). Without one, the
/// whole text is the body. The record ends at the end of the input, or, when several pages are concatenated, at the
/// `Viewing cable` line of the next page (else the next metadata line). Sidebar text before the metadata line is
/// ignored. CRLF line ends become LF. Stateless.
enum TextPageParser {
    static let metadataLine: StaticString = "Reference ID Created Released Classification Origin"

    static func parse<S: RecordSink>(_ b: UnsafeRawBufferPointer, into sink: inout S) throws {
        let n = b.count
        var marks: [Int] = []  // starts of metadata lines
        var viewing: [Int] = []  // starts of `Viewing cable` lines
        var s = 0
        while s < n {
            let e = ByteText.index(of: 0x0A, in: b, from: s, end: n)
            let t = ByteText.trimmed(b, s..<e)
            if t.count == metadataLine.utf8CodeUnitCount,
                ByteText.hasExactPrefix(b, at: t.lowerBound, end: t.upperBound, metadataLine)
            {
                marks.append(s)
            } else if ByteText.hasExactPrefix(b, at: t.lowerBound, end: t.upperBound, "Viewing cable ") {
                viewing.append(s)
            }
            s = e + 1
        }
        guard !marks.isEmpty else {
            try sink.malformed(offset: 0, reason: "no 'Reference ID Created Released Classification Origin' line")
            return
        }
        var v = 0  // moves forward only: marks and viewing lines are both in input order
        for (k, mark) in marks.enumerated() {
            var end = n
            if k + 1 < marks.count {
                end = marks[k + 1]
                while v < viewing.count && viewing[v] < marks[k + 1] {
                    if viewing[v] > mark { end = viewing[v] }
                    v += 1
                }
            }
            switch parseRecord(b, mark, end) {
            case let .record(record, invalid): try sink.record(record, offset: mark, invalidUTF8: invalid)
            case let .malformed(reason): try sink.malformed(offset: mark, reason: reason)
            }
        }
    }

    private static func parseRecord(_ b: UnsafeRawBufferPointer, _ mark: Int, _ end: Int) -> RecordOutcome {
        // The value line.
        var s = ByteText.index(of: 0x0A, in: b, from: mark, end: end) + 1
        var valueLine = s..<s
        while s < end {
            let e = ByteText.index(of: 0x0A, in: b, from: s, end: end)
            valueLine = ByteText.trimmed(b, s..<e)
            s = min(e + 1, end)
            if !valueLine.isEmpty { break }
        }
        guard !valueLine.isEmpty else { return .malformed("no value line after the metadata line") }
        let values = ByteText.string(b, valueLine)
        let words = values.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count >= 6 else { return .malformed("value line has too few fields: '\(values.prefix(120))'") }
        let referenceID = String(words[0])
        guard let created = isoDate(words[1], words[2]) else {
            return .malformed("unparsable Created date '\(words[1]) \(words[2])'")
        }
        let released = isoDate(words[3], words[4])
        let rest = words[5...].joined(separator: " ")
        var classification = String(words[5])
        for known in Classification.knownValues.sorted(by: { $0.count > $1.count })
        where rest == known || rest.hasPrefix(known + " ") {
            classification = known
            break
        }
        let origin = String(rest.dropFirst(classification.count).drop(while: { $0 == " " }))

        // Header lines, then the body from the first classification line.
        let textStart = s
        var bodyStart = textStart
        var line = textStart
        var found = false
        while line < end {
            let e = ByteText.index(of: 0x0A, in: b, from: line, end: end)
            if isClassificationLine(b, ByteText.trimmed(b, line..<e)) {
                bodyStart = line
                found = true
                break
            }
            line = e + 1
        }
        if !found { bodyStart = textStart }
        var header = Array(UnsafeRawBufferPointer(rebasing: b[textStart..<bodyStart]))
        while let last = header.last, last == 0x0A || last == 0x0D { header.removeLast() }
        let body = Array(UnsafeRawBufferPointer(rebasing: b[bodyStart..<max(bodyStart, end)]))
        let h = RecordAssembly.strippingCRBeforeLF(header)
        let bd = RecordAssembly.strippingCRBeforeLF(body)
        let (problem, invalid) = RecordAssembly.validate(
            header: h, body: bd, metadata: UnsafeRawBufferPointer(rebasing: b[valueLine]))
        if let problem { return .malformed(problem) }
        let record = RecordAssembly.record(
            rowID: nil, referenceID: referenceID, created: created, released: released,
            classification: classification, origin: origin, references: [], header: h, body: bd)
        return .record(record, invalid)
    }

    private static func isoDate(_ day: Substring, _ time: Substring) -> CableDate? {
        let text = Array("\(day) \(time)".utf8)
        return text.withUnsafeBytes { ByteText.parseISODate($0, 0..<$0.count) }
    }

    /// `UNCLAS ...`, `UNCLASSIFIED ...`, `C O N F I D E N T I A L ...`, `CONFIDENTIAL ...`, `S E C R E T ...`,
    /// `SECRET ...`, `LIMITED OFFICIAL USE ...` (any case), as a whole first word.
    static func isClassificationLine(_ b: UnsafeRawBufferPointer, _ line: Range<Int>) -> Bool {
        let s = line.lowerBound
        let e = line.upperBound
        for keyword: StaticString in [
            "UNCLASSIFIED", "UNCLAS", "C O N F I D E N T I A L", "CONFIDENTIAL", "S E C R E T", "SECRET",
            "LIMITED OFFICIAL USE",
        ] where ByteText.hasPrefix(b, at: s, end: e, keyword) {
            let k = s + keyword.utf8CodeUnitCount
            if k == e || !ByteText.isLetter(b[k]) { return true }
        }
        return false
    }
}
