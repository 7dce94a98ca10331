/// The skip table of a posting list of more than 128 documents (docs/FORMAT.md, "Skip table"): one entry of six
/// unsigned fields per 128-doc block, every field bit-packed at the smallest width that holds it in every entry
/// of the list.
///
/// ```
/// 6 bytes      the widths of the fields, in field order, each 0...32 (the weight step's at most 16)
/// bit-packed   entry b at bits 48 + b*W ..< 48 + (b+1)*W of the table, W = the sum of the widths,
///              its fields in order, each least significant bit first (a `BitWriter` stream); zero-padded
/// ```
///
/// Fields are deltas or small values, so a table costs about 6 bytes an entry instead of 28 for fixed-width
/// fields; the reader decodes the entries in order (prefix sums), which suits cursors that only move forward.
/// Stateless; thread-safe.
public enum PackedSkipTable {
    /// The fields of one entry, in stored order.
    public enum Field: Int, CaseIterable {
        /// The block's last doc id minus the previous block's (block 0: its last doc id).
        case lastDocDelta
        /// The bytes of the block's doc ids and frequencies.
        case blockBytes
        /// The largest frequency in the block, minus 1.
        case maxFrequencyMinusOne
        /// The smallest field length among the block's documents.
        case minFieldLength
        /// The bytes of the block's position stream (0 for keyword fields).
        case positionBytes
        /// The block's BM25 weight bound in steps (`PostingListEncoder.weightBound(step:)`), 0...65535.
        case weightStep
    }

    /// Fields per entry.
    public static let fieldCount = 6
    /// The bytes before the entries.
    public static let headerSize = 6
    /// The widest allowed weight step field.
    public static let maxWeightWidth = 16

    /// Appends the table of `entryCount` entries whose field `f` of entry `b` is `fields[b * fieldCount + f]`.
    public static func encode(_ fields: UnsafeBufferPointer<UInt32>, entryCount: Int, into out: inout [UInt8]) {
        precondition(fields.count >= entryCount * fieldCount)
        var widths = [Int](repeating: 0, count: fieldCount)
        for f in 0..<fieldCount {
            var all: UInt32 = 0
            for b in 0..<entryCount { all |= fields[b * fieldCount + f] }
            widths[f] = 32 - all.leadingZeroBitCount
            out.append(UInt8(widths[f]))
        }
        var writer = BitWriter()
        for b in 0..<entryCount {
            for f in 0..<fieldCount { writer.write(fields[b * fieldCount + f], bits: widths[f], into: &out) }
        }
        writer.flush(into: &out)
    }

    /// The table's size in bytes for `entryCount` entries of `entryBits` bits.
    @inlinable public static func byteCount(entryCount: Int, entryBits: Int) -> Int {
        headerSize + (entryCount * entryBits + 7) >> 3
    }

    /// Reads the widths of the table at `offset` of `input`.
    /// - Returns: the widths (width of field `f` in byte `f` of `packed`) and the entry size in bits, or `nil` if
    ///   the header is cut short or a width is out of range.
    @inlinable
    public static func widths(_ input: UnsafeRawBufferPointer, at offset: Int) -> (packed: UInt64, entryBits: Int)? {
        guard offset >= 0, input.count - offset >= headerSize else { return nil }
        var packed: UInt64 = 0
        var total = 0
        for f in 0..<fieldCount {
            let w = input[offset + f]
            guard w <= 32 else { return nil }
            packed |= UInt64(w) << UInt64(8 * f)
            total += Int(w)
        }
        guard input[offset + Field.weightStep.rawValue] <= maxWeightWidth else { return nil }
        return (packed, total)
    }
}
