/// Reads a term dictionary (docs/FORMAT.md, "Term dictionary"): front-coded blocks of 32 sorted terms and a
/// block index searched by binary search over each block's first term.
///
/// Lookup costs O(log(blocks)) first-term comparisons plus a scan of at most 32 entries; no allocation except
/// `term(ordinal:)`'s result. Immutable, `Sendable`.
public final class TermDictionaryReader: @unchecked Sendable {
    /// The number of terms.
    public let termCount: Int

    /// Opens `path` (a `TDIC` file).
    public init(path: String) throws {
        fatalError("unimplemented")
    }

    /// The exact term, or `nil`.
    public func lookup(_ term: UnsafeRawBufferPointer) throws -> TermInfo? { fatalError("unimplemented") }

    /// The exact term, or `nil`.
    public func lookup(_ term: String) throws -> TermInfo? {
        var t = term
        return try t.withUTF8 { try lookup(UnsafeRawBufferPointer($0)) }
    }

    /// The ordinals of the terms that start with `prefix`.
    public func prefixRange(_ prefix: UnsafeRawBufferPointer) throws -> Range<Int> { fatalError("unimplemented") }

    /// The ordinals of the terms that start with `prefix`.
    public func prefixRange(_ prefix: String) throws -> Range<Int> {
        var p = prefix
        return try p.withUTF8 { try prefixRange(UnsafeRawBufferPointer($0)) }
    }

    /// The term at `ordinal`.
    public func termInfo(ordinal: Int) throws -> TermInfo { fatalError("unimplemented") }

    /// The bytes of the term at `ordinal`.
    public func term(ordinal: Int) throws -> [UInt8] { fatalError("unimplemented") }

    /// Calls `body` with each term of `range` in order (bytes valid only during the call); stop early by
    /// returning `false`.
    public func forEachTerm(
        in range: Range<Int>, _ body: (_ term: UnsafeRawBufferPointer, _ info: TermInfo) throws -> Bool
    ) throws {
        fatalError("unimplemented")
    }
}
