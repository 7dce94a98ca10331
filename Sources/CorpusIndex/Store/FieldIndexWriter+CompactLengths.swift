extension FieldIndexWriter {
    /// A text field's lengths as 16-bit values, for the merge's per-posting lookups (`appendRunPostings`): half
    /// the bytes of the 32-bit column, so that a field's lengths (random reads, one per posting: the documents of
    /// most lists are sparse) stay in the core's cache while the run data streams by. A length of 65535 or more
    /// is stored as `escape` and read from the 32-bit column instead. Owned by a writer and shared with its part
    /// writers; immutable after `init`, hence `@unchecked Sendable`.
    final class CompactLengths: @unchecked Sendable {
        static let escape = UInt16.max
        let values: UnsafeMutablePointer<UInt16>
        let count: Int

        init(_ lengths: UnsafeBufferPointer<UInt32>) {
            count = lengths.count
            values = .allocate(capacity: max(count, 1))
            for (i, length) in lengths.enumerated() { values[i] = UInt16(truncatingIfNeeded: min(length, UInt32(Self.escape))) }
        }

        deinit { values.deallocate() }
    }
}
