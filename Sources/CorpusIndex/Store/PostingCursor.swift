/// Iterates one posting list in doc-id order, skipping whole 128-doc blocks via the skip data
/// (docs/FORMAT.md, "Postings").
///
/// The cursor starts on the list's first document. `doc` is the current document or `PostingCursor.end` once
/// exhausted. Frequencies come with the doc block; positions are decoded only when `positions()` is called.
/// For block-max WAND, `shallowAdvance(to:)` moves only the skip pointer and `blockMaxFreq`,
/// `blockMinFieldLength` and `blockLastDoc` describe the block under it (the block of the current doc until the
/// first shallow move). A list shorter than 129 docs is one block whose bounds are the term's.
///
/// A cursor owns two 128-value buffers (allocated once at creation) and reads the mapped files; it keeps them
/// alive. Not thread-safe: one cursor per thread. Corrupt bytes throw `.corrupt`; a cursor that threw is spent.
public final class PostingCursor {
    /// The doc id of an exhausted cursor.
    public static let end: UInt32 = .max

    /// The current document, or `end`.
    public internal(set) var doc: UInt32 = PostingCursor.end
    /// The term this cursor iterates.
    public let termInfo: TermInfo

    init(termInfo: TermInfo) {
        self.termInfo = termInfo
        fatalError("unimplemented")
    }

    /// The number of documents in the list.
    public var documentFrequency: Int { Int(termInfo.documentFrequency) }

    /// The frequency of the term in the current document (undefined when exhausted).
    public var freq: UInt32 { fatalError("unimplemented") }

    /// Moves to the next document.
    /// - Returns: the new `doc` (`end` when exhausted).
    @discardableResult
    public func next() throws -> UInt32 { fatalError("unimplemented") }

    /// Moves to the first document `>= target` (never backwards), skipping blocks whose last doc is below it.
    /// - Returns: the new `doc` (`end` when exhausted).
    @discardableResult
    public func advance(to target: UInt32) throws -> UInt32 { fatalError("unimplemented") }

    /// The positions of the term in the current document, increasing; valid until the cursor moves.
    public func positions() throws -> UnsafeBufferPointer<UInt32> { fatalError("unimplemented") }

    /// Moves the skip pointer (only) to the first block whose last doc is `>= target`, decoding nothing.
    /// - Returns: that block's last doc, or `end` if no block reaches `target`.
    @discardableResult
    public func shallowAdvance(to target: UInt32) throws -> UInt32 { fatalError("unimplemented") }

    /// The largest frequency in the block under the skip pointer.
    public var blockMaxFreq: UInt32 { fatalError("unimplemented") }
    /// The smallest field length in the block under the skip pointer.
    public var blockMinFieldLength: UInt32 { fatalError("unimplemented") }
    /// The last doc id of the block under the skip pointer (`end` past the last block).
    public var blockLastDoc: UInt32 { fatalError("unimplemented") }
}
