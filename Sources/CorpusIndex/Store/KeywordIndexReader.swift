/// Browses and filters a keyword field (tags, origins, classifications, months, references, reference ids): a
/// sorted, front-coded value table (the "trie") with one doc-id list per value (docs/FORMAT.md, "Keyword fields").
///
/// Exact lookup, prefix → ordinal range, ordered listing under a prefix, and "children": the distinct next-level
/// groups under a prefix (by next character or next word) with the number of distinct documents in each.
/// Immutable, `Sendable`.
public final class KeywordIndexReader: @unchecked Sendable {
    /// Which field this is.
    public let field: KeywordField
    /// The underlying dictionary and postings.
    public let index: FieldIndexReader

    /// Opens keyword field `field` in `directory`.
    public init(directory: String, field: KeywordField, documentCount: Int) throws {
        self.field = field
        index = try FieldIndexReader(
            directory: directory, field: IndexFiles.keywordStem(field), documentCount: documentCount, keyword: true)
    }

    /// The number of distinct values.
    public var valueCount: Int { index.termCount }

    /// The value's entry, or `nil`.
    public func lookup(_ value: String) throws -> TermInfo? { try index.lookup(value) }
    /// The ordinals of the values starting with `prefix` (byte-wise, case-sensitive).
    public func prefixRange(_ prefix: String) throws -> Range<Int> { try index.prefixRange(prefix) }
    /// The value at `ordinal`.
    public func value(ordinal: Int) throws -> String { String(decoding: try index.term(ordinal: ordinal), as: UTF8.self) }

    /// The values of `range` in order, each with its document count.
    public func entries(in range: Range<Int>) throws -> [KeywordEntry] {
        var list: [KeywordEntry] = []
        try index.dictionary.forEachTerm(in: range) { term, info in
            list.append(
                KeywordEntry(
                    value: String(decoding: term, as: UTF8.self), ordinal: info.ordinal,
                    documentCount: Int(info.documentFrequency)))
            return true
        }
        return list
    }

    /// The next-level groups under `prefix`, in order, with distinct-document counts.
    ///
    /// Groups are contiguous ordinal ranges: with `.character` a group is every value starting with `prefix` plus
    /// one more Unicode scalar; with `.word` it is the prefix plus the rest of the word (spaces right after the
    /// prefix are kept, the word ends before the next space), i.e. that exact value and every value continuing
    /// it with a space. The prefix itself, if it is a value, is the parent and not among the children (see
    /// `lookup`). Counting a group with several values merges their doc-id lists (or sums their frequencies when
    /// `valuesAreExclusive`).
    public func children(of prefix: String, grouping: KeywordGrouping) throws -> [KeywordGroup] {
        let range = try prefixRange(prefix)
        let prefixLength = prefix.utf8.count
        var groups: [(label: [UInt8], isValue: Bool, ordinals: Range<Int>)] = []
        try index.dictionary.forEachTerm(in: range) { term, info in
            let rest = UnsafeRawBufferPointer(rebasing: term[prefixLength...])
            if rest.isEmpty { return true }  // the prefix itself is the parent, not a child
            let cut = Self.groupLength(rest, grouping)
            let label = UnsafeRawBufferPointer(rebasing: term[0..<(prefixLength + cut)])
            if let last = groups.last, last.label.elementsEqual(label) {
                groups[groups.count - 1].ordinals = last.ordinals.lowerBound..<(info.ordinal + 1)
                groups[groups.count - 1].isValue = last.isValue || cut == rest.count
            } else {
                groups.append((Array(label), cut == rest.count, info.ordinal..<(info.ordinal + 1)))
            }
            return true
        }
        return try groups.map { g in
            KeywordGroup(
                label: String(decoding: g.label, as: UTF8.self), isValue: g.isValue, ordinals: g.ordinals,
                documentCount: try documentCount(in: g.ordinals))
        }
    }

    /// The bytes of `rest` that extend a prefix to its group.
    static func groupLength(_ rest: UnsafeRawBufferPointer, _ grouping: KeywordGrouping) -> Int {
        guard !rest.isEmpty else { return 0 }
        switch grouping {
        case .character:
            let lead = rest[0]
            let n = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
            return min(n, rest.count)
        case .word:
            var i = 0
            while i < rest.count && rest[i] == 0x20 { i += 1 }
            while i < rest.count && rest[i] != 0x20 { i += 1 }
            return i
        }
    }

    /// Whether every document has exactly one value of this field, so that distinct values never share a
    /// document (origin, classification, month, refid) and counts under a prefix are sums of frequencies.
    public var valuesAreExclusive: Bool {
        switch field {
        case .origin, .classification, .month, .refid: return true
        case .tag, .reference: return false
        }
    }

    /// Distinct documents having any value in `range` (the document frequency for a single value).
    public func documentCount(in range: Range<Int>) throws -> Int {
        if range.count == 1 { return Int(try index.termInfo(ordinal: range.lowerBound).documentFrequency) }
        if valuesAreExclusive {
            var sum = 0
            try index.dictionary.forEachTerm(in: range) { _, info in
                sum += Int(info.documentFrequency)
                return true
            }
            return sum
        }
        return try documents(in: range).count
    }

    /// A cursor over the documents having the value at `ordinal`.
    public func cursor(ordinal: Int) throws -> PostingCursor { try index.cursor(try index.termInfo(ordinal: ordinal)) }

    /// The sorted, distinct documents having any value in `range`.
    public func documents(in range: Range<Int>) throws -> [UInt32] {
        var infos: [TermInfo] = []
        var total = 0
        try index.dictionary.forEachTerm(in: range) { _, info in
            infos.append(info)
            total += Int(info.documentFrequency)
            return true
        }
        // Many postings: mark a bitset (O(postings + documents / 64)); few: concatenate and sort.
        if infos.count > 1 && total > index.documentCount / 32 {
            var bits = [UInt64](repeating: 0, count: (index.documentCount + 63) / 64)
            for info in infos {
                let cursor = try index.cursor(info)
                while cursor.doc != PostingCursor.end {
                    bits[Int(cursor.doc >> 6)] |= 1 << UInt64(cursor.doc & 63)
                    try cursor.next()
                }
            }
            var all: [UInt32] = []
            all.reserveCapacity(min(total, index.documentCount))
            for (w, word) in bits.enumerated() where word != 0 {
                var rest = word
                while rest != 0 {
                    all.append(UInt32(w * 64 + rest.trailingZeroBitCount))
                    rest &= rest - 1
                }
            }
            return all
        }
        var all: [UInt32] = []
        all.reserveCapacity(min(total, index.documentCount))
        for info in infos {
            let cursor = try index.cursor(info)
            while cursor.doc != PostingCursor.end {
                all.append(cursor.doc)
                try cursor.next()
            }
        }
        if infos.count > 1 {
            all.sort()
            var unique = 0
            for d in all where unique == 0 || all[unique - 1] != d {
                all[unique] = d
                unique += 1
            }
            all.removeLast(all.count - unique)
        }
        return all
    }
}

/// One value of a keyword field.
public struct KeywordEntry: Sendable, Hashable {
    /// The value.
    public var value: String
    /// Its ordinal in the sorted table.
    public var ordinal: Int
    /// Documents having it.
    public var documentCount: Int
}

/// How `children(of:grouping:)` cuts the values under a prefix into groups.
public enum KeywordGrouping: Sendable {
    /// By the next Unicode scalar after the prefix (`P` → `PA`, `PB`, ...).
    case character
    /// By the rest of the current word: up to and including the next space (`Embassy ` → `Embassy Bern`, ...).
    case word
}

/// A group of values sharing `label` as a prefix.
public struct KeywordGroup: Sendable, Hashable {
    /// The shared prefix (the parent prefix extended by one character or word).
    public var label: String
    /// Whether `label` itself is a value.
    public var isValue: Bool
    /// The ordinals of the values in the group.
    public var ordinals: Range<Int>
    /// Distinct documents having any value in the group.
    public var documentCount: Int
}
