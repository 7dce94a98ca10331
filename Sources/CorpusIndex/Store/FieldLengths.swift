/// The field-length column of one text field (docs/FORMAT.md, "Field lengths"): one UInt32 token count per
/// document and the total, for BM25's length normalisation.
///
/// Immutable, `Sendable`; lookups are O(1) and bounds-checked (out-of-range docs read as 0).
public final class FieldLengths: @unchecked Sendable {
    /// Documents covered.
    public let count: Int
    /// Sum of all lengths.
    public let totalTokens: UInt64
    @usableFromInline let values: UnsafeRawBufferPointer
    private let owner: AnyObject?

    /// An empty column (keyword fields).
    public init() {
        count = 0
        totalTokens = 0
        values = UnsafeRawBufferPointer(start: nil, count: 0)
        owner = nil
    }

    /// Opens `path` (a `FLEN` file) and checks it holds `documentCount` lengths summing to its stored total.
    public init(path: String, documentCount: Int) throws {
        fatalError("unimplemented")
    }

    /// The length of `doc` (0 if out of range).
    @inlinable public subscript(doc: UInt32) -> UInt32 {
        let i = Int(doc)
        guard i < count else { return 0 }
        return UInt32(littleEndian: values.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self))
    }

    /// Mean length (0 when empty).
    public var averageLength: Double { count == 0 ? 0 : Double(totalTokens) / Double(count) }
}
