/// The fields every reader parses from the opening of a cable's body: TAGS, SUBJECT and the handling markings.
///
/// One implementation for every dump form, so that the same cable read from `cables.csv`, the SQL dump, an HTML
/// page or a text rendering gives the same values. Looks at the first `scanLimit` bytes (FORMATS.md §7, after
/// heuer/cablemap's `_MAX_HEADER_IDX`), but follows a wrapped TAGS or SUBJECT past that limit (bounded) rather than
/// cutting it.
///
/// * TAGS: the keyword variants `TAGS:` `TAGS` `TAG` `TAGE` `AGS:` `Tags:` at a line start, or `Tags:` inline
///   (`E.o. 12958: decl: ... Tags: prel, pgov Subject: ...`). Continuation lines are taken while the previous line
///   ends with `,`, a parenthesis is open, or the next line looks like a tag list. Tags are normalised by
///   `normalizedTags(_:)`.
/// * SUBJECT: `SUBJECT:` / `SUBJ:` (any case), wrapped lines joined by single spaces, ending at a blank line, a
///   `REF`/`Classified By`/`E.O.`/`TAGS` line or a numbered paragraph.
/// * Markings: whole words/phrases from `knownMarkings` before the TAGS/SUBJECT block (or in the first
///   `scanLimit` bytes), case-insensitive, reported once each in canonical upper case in first-seen order.
///
/// Pure functions of the bytes; thread-safe; never reads outside the buffer.
public struct CableBodyFields: Sendable, Equatable {
    public var tags: [String]
    public var subject: String
    public var markings: [String]

    public init(tags: [String] = [], subject: String = "", markings: [String] = []) {
        self.tags = tags
        self.subject = subject
        self.markings = markings
    }

    /// How far into the body the fields are looked for (a wrapped TAGS/SUBJECT may run on for `overrun` more).
    public static let scanLimit = 1200
    static let overrun = 1200
    static let maxSubjectLines = 8

    /// The markings recognised, multi-word phrases first so that they win over their first word.
    public static let knownMarkings: [String] = [
        "NOT FOR INTERNET DISTRIBUTION", "SENSITIVE BUT UNCLASSIFIED", "FOR OFFICIAL USE ONLY", "SIPDIS", "NOFORN",
        "NODIS", "EXDIS", "LIMDIS", "STADIS", "SENSITIVE", "ORCON", "PROPIN", "NOCONTRACT", "FOUO",
    ]
    private static let markingWords: [[[UInt8]]] = knownMarkings.map { $0.split(separator: " ").map { Array($0.utf8) } }

    /// Parses the fields of `body`.
    public static func parse(_ body: [UInt8]) -> CableBodyFields {
        body.withUnsafeBytes { parse($0) }
    }

    /// Parses the fields of `body`.
    public static func parse(_ body: UnsafeRawBufferPointer) -> CableBodyFields {
        var fields = CableBodyFields()
        let count = body.count
        let hardEnd = min(count, scanLimit + overrun)
        var tagsText: [UInt8]? = nil
        var subjectText: [UInt8]? = nil
        var blockStart: Int? = nil  // where the TAGS / SUBJECT block starts (markings are looked for before it)
        var start = 0
        var afterTags = false  // the line right after a TAGS block is looked at even past the limit (its SUBJECT)
        while start < hardEnd && (start < scanLimit || afterTags) && (tagsText == nil || subjectText == nil) {
            var line = Line(body, start, hardEnd)
            afterTags = false
            if tagsText == nil, let (keywordEnd, inline) = tagsKeyword(body, line) {
                if blockStart == nil { blockStart = line.start }
                var text: [UInt8] = []
                var next = line
                var from = keywordEnd
                while true {
                    let lineText = from..<next.trimmedEnd
                    // An inline `Subject:` ends the tags (2010 media-partner pages).
                    if let s = findCaseInsensitive("SUBJECT:", body, lineText) {
                        append(&text, body, lineText.lowerBound..<s)
                        if subjectText == nil { subjectText = subject(body, startingAt: s + 8, line: next, hardEnd) }
                        break
                    }
                    append(&text, body, lineText)
                    let endsWithComma = lastNonSpace(body, lineText) == UInt8(ascii: ",")
                    let open = parenthesisDepth(text) > 0
                    guard next.next < hardEnd else { break }
                    let following = Line(body, next.next, hardEnd)
                    guard endsWithComma || open || (looksLikeTagList(body, following) && !inline) else { break }
                    if following.isBlank { break }
                    if !open && startsWithKeyword(body, following) { break }
                    next = following
                    from = following.start
                }
                tagsText = text
                line = next
                afterTags = true
            } else if subjectText == nil, let keywordEnd = subjectKeyword(body, line) {
                if blockStart == nil { blockStart = line.start }
                subjectText = subject(body, startingAt: keywordEnd, line: line, hardEnd)
            }
            start = line.next
        }
        if let tagsText { fields.tags = normalizedTags(tagsText) }
        if let subjectText { fields.subject = collapsedSpaces(cutAtInlineMarker(subjectText)) }
        fields.markings = markings(body, 0..<min(blockStart ?? scanLimit, count))
        return fields
    }

    // MARK: Lines

    /// One line of the body: `start..<end` without its LF; `trimmedEnd` also drops trailing spaces/CRs.
    struct Line {
        var start: Int
        var end: Int
        var next: Int
        var trimmedEnd: Int
        var firstNonSpace: Int
        var isBlank: Bool { firstNonSpace >= trimmedEnd }

        init(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ limit: Int) {
            self.start = start
            end = ByteText.index(of: 0x0A, in: bytes, from: start, end: limit)
            next = end + 1
            var t = end
            while t > start && ByteText.isSpace(bytes[t - 1]) { t -= 1 }
            trimmedEnd = t
            var f = start
            while f < t && ByteText.isSpace(bytes[f]) { f += 1 }
            firstNonSpace = f
        }
    }

    /// If `line` opens a TAGS list: the index after the keyword (and its colon) and whether it was inline.
    private static func tagsKeyword(_ b: UnsafeRawBufferPointer, _ line: Line) -> (Int, Bool)? {
        let s = line.firstNonSpace
        let e = line.trimmedEnd
        for keyword: StaticString in ["TAGS", "TAGE", "TAG", "AGS:"] where ByteText.hasPrefix(b, at: s, end: e, keyword) {
            var k = s + keyword.utf8CodeUnitCount
            if k < e && ByteText.isLetter(b[k]) { continue }  // TAGGED, TAGUS...
            if keyword.utf8CodeUnitCount == 3 && (k >= e || b[k] != UInt8(ascii: ":")) && (k >= e || b[k] != 0x20) {
                continue
            }
            if k < e && (b[k] == UInt8(ascii: ":") || b[k] == UInt8(ascii: ".")) { k += 1 }
            return (k, false)
        }
        if let at = findCaseInsensitive(" TAGS:", b, s..<e) { return (at + 6, true) }
        // `E.O. 12958: DECL: 03/20/2019 TAG PTER, PGOV, ...`
        if ByteText.hasPrefix(b, at: s, end: e, "E.O.") || ByteText.hasPrefix(b, at: s, end: e, "E. O.")
            || ByteText.hasPrefix(b, at: s, end: e, "EO ")
        {
            for keyword: StaticString in [" TAGS ", " TAG: ", " TAG "] {
                if let at = findCaseInsensitive(keyword, b, s..<e) { return (at + keyword.utf8CodeUnitCount, true) }
            }
        }
        return nil
    }

    /// If `line` opens the SUBJECT: the index after `SUBJECT:` / `SUBJ:`.
    private static func subjectKeyword(_ b: UnsafeRawBufferPointer, _ line: Line) -> Int? {
        let s = line.firstNonSpace
        let e = line.trimmedEnd
        for keyword: StaticString in ["SUBJECT:", "SUBJ:", "SUBJECT.", "SUBJ.", "SUBJECT -"]
        where ByteText.hasPrefix(b, at: s, end: e, keyword) {
            return s + keyword.utf8CodeUnitCount
        }
        return nil
    }

    /// The subject text from `from` (inside `line`) over its continuation lines.
    private static func subject(_ b: UnsafeRawBufferPointer, startingAt from: Int, line: Line, _ hardEnd: Int) -> [UInt8] {
        var text: [UInt8] = []
        append(&text, b, from..<max(from, line.trimmedEnd))
        var next = line.next
        var lines = 1
        while next < hardEnd && lines < maxSubjectLines {
            let following = Line(b, next, hardEnd)
            if following.isBlank || startsWithKeyword(b, following) || startsWithParagraphNumber(b, following)
                || isOnlyDots(b, following)
            { break }
            append(&text, b, following.firstNonSpace..<following.trimmedEnd)
            next = following.next
            lines += 1
        }
        return text
    }

    /// Lines that end a TAGS or SUBJECT block.
    private static func startsWithKeyword(_ b: UnsafeRawBufferPointer, _ line: Line) -> Bool {
        let s = line.firstNonSpace
        let e = line.trimmedEnd
        for keyword: StaticString in [
            "REF:", "REF ", "REFS", "REFTEL", "RETEL", "REF(S)", "REFERENCE", "CLASSIFIED BY", "E.O.", "E. O.", "EO 1",
            "TAGS", "SUBJECT", "SUBJ:", "SUMMARY", "BEGIN SUMMARY", "---", "(U) CLASSIFIED BY",
        ] where ByteText.hasPrefix(b, at: s, end: e, keyword) {
            return true
        }
        return ByteText.hasPrefix(b, at: s, end: e, "REF") && e - s == 3
    }

    /// `...`: where the site truncated a page.
    private static func isOnlyDots(_ b: UnsafeRawBufferPointer, _ line: Line) -> Bool {
        (line.firstNonSpace..<line.trimmedEnd).allSatisfy { b[$0] == UInt8(ascii: ".") }
    }

    private static func startsWithParagraphNumber(_ b: UnsafeRawBufferPointer, _ line: Line) -> Bool {
        var i = line.firstNonSpace
        let start = i
        while i < line.trimmedEnd && ByteText.isDigit(b[i]) { i += 1 }
        return i > start && i - start <= 3 && i < line.trimmedEnd && b[i] == UInt8(ascii: ".")
    }

    /// A line of tag-like words (`EAID, KDEM, UNMIK, YI`): upper-case words of letters/digits, no sentence.
    private static func looksLikeTagList(_ b: UnsafeRawBufferPointer, _ line: Line) -> Bool {
        let s = line.firstNonSpace
        let e = line.trimmedEnd
        guard e > s, e - s <= 100 else { return false }
        var words = 0
        var wordLength = 0
        for i in s..<e {
            let c = b[i]
            if ByteText.isUpper(c) || ByteText.isDigit(c) {
                if wordLength == 0 && ByteText.isDigit(c) { return false }
                wordLength += 1
                if wordLength > 12 { return false }
            } else if c == 0x20 || c == UInt8(ascii: ",") {
                if wordLength > 0 { words += 1 }
                wordLength = 0
            } else {
                return false
            }
        }
        if wordLength > 0 { words += 1 }
        return words > 0
    }

    // MARK: Tags

    /// Splits a TAGS text into tags: separators are commas, semicolons and white space outside parentheses; a
    /// parenthesised group belongs to the word before it (`OVIP (STEINBERG, JAMES B.)`); ASCII letters are
    /// upper-cased and trailing `.`/`:` dropped, so that the comma-free linkified HTML form and the CSV agree.
    public static func normalizedTags(_ text: [UInt8]) -> [String] {
        var tags: [[UInt8]] = []
        var current: [UInt8] = []
        var depth = 0
        func flush() {
            while let last = current.last, last == UInt8(ascii: ".") || last == UInt8(ascii: ":") || last == 0x20 {
                current.removeLast()
            }
            guard !current.isEmpty else { return }
            if current.first == UInt8(ascii: "("), !tags.isEmpty {
                tags[tags.count - 1] += [0x20] + current
            } else {
                tags.append(current)
            }
            current = []
        }
        for c in text {
            switch c {
            case UInt8(ascii: "("):
                if depth == 0 { flush() }
                depth += 1
                current.append(c)
            case UInt8(ascii: ")"):
                current.append(c)
                if depth > 0 { depth -= 1 }
                if depth == 0 { flush() }
            case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: ";"):
                if depth == 0 {
                    flush()
                } else if c == UInt8(ascii: ",") {
                    current.append(c)
                } else if current.last != 0x20 && current.last != UInt8(ascii: "(") {
                    current.append(0x20)
                }
            default:
                if depth > 0 && current.last == UInt8(ascii: ",") { current.append(0x20) }
                current.append(ByteText.upper(c))
            }
        }
        flush()
        return tags.map { String(decoding: $0, as: UTF8.self) }
    }

    // MARK: Markings

    /// First letters and lengths of the markings' first words: a cheap filter before comparing phrases.
    private static let firstLetters: Set<UInt8> = Set(markingWords.map { $0[0][0] })
    private static let firstLengths: Set<Int> = Set(markingWords.map { $0[0].count })

    private static func markings(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> [String] {
        var found: [String] = []
        let end = range.upperBound
        /// The next word (letters only) at or after `i`.
        func word(from i: Int) -> Range<Int>? {
            var s = i
            while s < end && !ByteText.isLetter(b[s]) { s += 1 }
            var e = s
            while e < end && ByteText.isLetter(b[e]) { e += 1 }
            return e > s ? s..<e : nil
        }
        var position = range.lowerBound
        while let first = word(from: position) {
            position = first.upperBound
            guard firstLengths.contains(first.count), firstLetters.contains(ByteText.upper(b[first.lowerBound])) else {
                continue
            }
            for (index, phrase) in markingWords.enumerated() where equalsUpper(b, first, phrase[0]) {
                var next = first.upperBound
                var matched = true
                for part in phrase.dropFirst() {
                    guard let w = word(from: next), equalsUpper(b, w, part) else {
                        matched = false
                        break
                    }
                    next = w.upperBound
                }
                if matched {
                    if !found.contains(knownMarkings[index]) { found.append(knownMarkings[index]) }
                    position = next
                    break
                }
            }
        }
        return found
    }

    private static func equalsUpper(_ b: UnsafeRawBufferPointer, _ range: Range<Int>, _ word: [UInt8]) -> Bool {
        guard range.count == word.count else { return false }
        var k = 0
        for i in range {
            if ByteText.upper(b[i]) != word[k] { return false }
            k += 1
        }
        return true
    }

    // MARK: Helpers

    private static func append(_ text: inout [UInt8], _ b: UnsafeRawBufferPointer, _ range: Range<Int>) {
        guard !range.isEmpty else { return }
        if !text.isEmpty { text.append(0x20) }
        text.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[range]))
    }

    private static func lastNonSpace(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> UInt8? {
        var i = range.upperBound
        while i > range.lowerBound && ByteText.isSpace(b[i - 1]) { i -= 1 }
        return i > range.lowerBound ? b[i - 1] : nil
    }

    private static func parenthesisDepth(_ text: [UInt8]) -> Int {
        var depth = 0
        for c in text {
            if c == UInt8(ascii: "(") { depth += 1 } else if c == UInt8(ascii: ")") && depth > 0 { depth -= 1 }
        }
        return depth
    }

    private static func findCaseInsensitive(_ literal: StaticString, _ b: UnsafeRawBufferPointer, _ range: Range<Int>)
        -> Int?
    {
        let n = literal.utf8CodeUnitCount
        guard range.count >= n else { return nil }
        let first = ByteText.upper(literal.utf8Start[0])
        for i in range.lowerBound...(range.upperBound - n)
        where ByteText.upper(b[i]) == first && ByteText.hasPrefix(b, at: i, end: range.upperBound, literal) {
            return i
        }
        return nil
    }

    /// The markers `cutAtInlineMarker` cuts at, in the order it applies them; every one starts with a space.
    private static let inlineMarkers: [StaticString] = [
        " CLASSIFIED BY", " REF:", " REFS:", " REFTEL", " REF(S):", " (U) CLASSIFIED BY",
    ]
    /// Date lines (`Friday, 18 December 2009`): a day name, a comma, a space, then a digit.
    private static let inlineDays: [StaticString] = [
        " MONDAY, ", " TUESDAY, ", " WEDNESDAY, ", " THURSDAY, ", " FRIDAY, ", " SATURDAY, ", " SUNDAY, ",
    ]

    /// Reflowed (media-edited) pages run the SUBJECT into what follows it on one line: it ends at an inline
    /// `Classified By`, `REF:`/`REFS:`/`REFTEL`, or a date line such as `Friday, 18 December 2009`.
    ///
    /// The rule, marker by marker in the order listed: the text ends at the marker's first occurrence if that
    /// lies wholly before the end found so far (for a day, also followed by a digit before that end). Only a
    /// marker's first occurrence can matter (a later one starts and ends later), so one pass over the text's
    /// spaces finds every marker's first occurrence, and the rule is then applied to those positions.
    static func cutAtInlineMarker(_ text: [UInt8]) -> [UInt8] {
        text.withUnsafeBytes { b -> [UInt8] in
            let markers = inlineMarkers
            let days = inlineDays
            let count = b.count
            // First occurrences: markers then days, -1 while not found.
            var first = (-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)
            let end = withUnsafeMutableBytes(of: &first) { raw -> Int in
                let found = raw.bindMemory(to: Int.self)
                var i = 0
                while i + 1 < count {
                    defer { i += 1 }
                    guard b[i] == 0x20 else { continue }
                    // Candidates by the letter after the space, so most spaces cost one comparison.
                    let range: Range<Int>
                    switch ByteText.upper(b[i + 1]) {
                    case UInt8(ascii: "C"): range = 0..<1
                    case UInt8(ascii: "R"): range = 1..<5
                    case UInt8(ascii: "("): range = 5..<6
                    case UInt8(ascii: "M"), UInt8(ascii: "T"), UInt8(ascii: "W"), UInt8(ascii: "F"), UInt8(ascii: "S"):
                        range = 6..<13
                    default: continue
                    }
                    for m in range where found[m] < 0 {
                        let literal = m < 6 ? markers[m] : days[m - 6]
                        if ByteText.hasPrefix(b, at: i, end: count, literal) { found[m] = i }
                    }
                }
                var end = count
                for m in 0..<6 where found[m] >= 0 && found[m] + markers[m].utf8CodeUnitCount <= end {
                    end = found[m]
                }
                for d in 0..<7 {
                    let at = found[6 + d]
                    let after = at + days[d].utf8CodeUnitCount
                    if at >= 0 && after < end && ByteText.isDigit(b[after]) { end = at }
                }
                return end
            }
            return Array(UnsafeRawBufferPointer(rebasing: b[0..<end]))
        }
    }

    /// White-space runs collapsed to one space, trimmed.
    static func collapsedSpaces(_ text: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        for c in text {
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
                if let last = out.last, last != 0x20 { out.append(0x20) }
            } else {
                out.append(c)
            }
        }
        if out.last == 0x20 { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
