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
        fatalError("unimplemented")
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
    public func entries(in range: Range<Int>) throws -> [KeywordEntry] { fatalError("unimplemented") }

    /// The next-level groups under `prefix`, in order, with distinct-document counts.
    public func children(of prefix: String, grouping: KeywordGrouping) throws -> [KeywordGroup] {
        fatalError("unimplemented")
    }

    /// A cursor over the documents having the value at `ordinal`.
    public func cursor(ordinal: Int) throws -> PostingCursor { try index.cursor(try index.termInfo(ordinal: ordinal)) }

    /// The sorted, distinct documents having any value in `range`.
    public func documents(in range: Range<Int>) throws -> [UInt32] { fatalError("unimplemented") }
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
