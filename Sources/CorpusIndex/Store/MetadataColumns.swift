/// The fixed-width metadata columns of `documents.columns` (docs/FORMAT.md, "Metadata columns"), for filters and
/// sorting without touching the document store.
///
/// Each accessor is O(1); `doc` must be `< documentCount` (doc ids from cursors are checked against it). Values
/// are whatever the file says; ordinals index the keyword fields' value tables. Immutable, `Sendable`.
public final class MetadataColumns: @unchecked Sendable {
    /// The null sentinel of the `released` and `rowID` columns.
    public static let null = Int64.min
    /// Documents covered.
    public let documentCount: Int

    /// Opens `path` (a `DCOL` file) and checks every column holds `documentCount` values.
    public init(path: String, documentCount: Int) throws {
        fatalError("unimplemented")
    }

    /// The dump's row id, or `nil`.
    public func rowID(_ doc: UInt32) -> Int64? { fatalError("unimplemented") }
    /// Creation time, minutes since 1970-01-01 00:00 UTC.
    public func created(_ doc: UInt32) -> Int64 { fatalError("unimplemented") }
    /// Release time in minutes, or `nil`.
    public func released(_ doc: UInt32) -> Int64? { fatalError("unimplemented") }
    /// The ordinal of the document's classification in the `classification` keyword field.
    public func classificationOrdinal(_ doc: UInt32) -> UInt32 { fatalError("unimplemented") }
    /// The ordinal of the document's origin in the `origin` keyword field.
    public func originOrdinal(_ doc: UInt32) -> UInt32 { fatalError("unimplemented") }
    /// The ordinal of the document's creation month in the `month` keyword field.
    public func monthOrdinal(_ doc: UInt32) -> UInt32 { fatalError("unimplemented") }
}
