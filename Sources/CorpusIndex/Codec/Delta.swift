/// Delta coding of non-decreasing `UInt32` sequences: each value becomes its difference from the previous one
/// (the first from `base`), and decoding is a prefix sum. Works in place; thread-safe; no allocation.
public enum Delta {
    /// Replaces `values[i]` by `values[i] - values[i-1]` (and `values[0]` by `values[0] - base`).
    /// - Precondition: the values are non-decreasing and `values[0] >= base`.
    @inlinable public static func encode(_ values: UnsafeMutableBufferPointer<UInt32>, base: UInt32 = 0) {
        var previous = base
        for i in values.indices {
            let v = values[i]
            values[i] = v &- previous
            previous = v
        }
    }

    /// Inverts `encode`: a running sum starting from `base`, wrapping on overflow (callers validate the result).
    /// - Returns: the last value (or `base` if empty).
    @inlinable @discardableResult
    public static func decode(_ values: UnsafeMutablePointer<UInt32>, count: Int, base: UInt32 = 0) -> UInt32 {
        var sum = base
        for i in 0..<count {
            sum &+= values[i]
            values[i] = sum
        }
        return sum
    }

    /// Decodes a block of document-id gaps in place like `decode` and checks them: every gap is above 0 except
    /// the first when `firstMayBeZero` (a list's very first document may be 0). The checks run in a loop
    /// without a carried dependency (vectorised: a lane-wise compare with 0).
    /// Below 2^25 each (their bits ORed), 128 gaps cannot wrap a 32-bit sum, so the running sum gives the
    /// total; otherwise the gaps are summed in 64 bits first.
    /// - Precondition: `count` is 1...128.
    /// - Returns: `base` plus the sum of the gaps, exact in 64 bits even where the decoded 32-bit values wrapped
    ///   (callers compare it with the document count), or `nil` if a gap that must not be 0 is.
    @inlinable public static func decodeIncreasing(
        _ values: UnsafeMutablePointer<UInt32>, count: Int, base: UInt32, firstMayBeZero: Bool
    ) -> UInt64? {
        precondition(count >= 1 && count <= 128)
        var zeros: UInt32 = firstMayBeZero || values[0] != 0 ? 0 : 1
        var bits = values[0]
        for i in 1..<count {
            zeros |= values[i] == 0 ? 1 : 0
            bits |= values[i]
        }
        guard zeros == 0 else { return nil }
        var wide: UInt64 = 0
        if bits >> 25 != 0 {
            for i in 0..<count { wide &+= UInt64(values[i]) }
        }
        var running = base
        for i in 0..<count {
            running &+= values[i]
            values[i] = running
        }
        return UInt64(base) + (bits >> 25 == 0 ? UInt64(running &- base) : wide)
    }

    /// Like `decode`, but detects a sum that overflows 32 bits.
    /// - Returns: the last value, or `nil` on overflow.
    @inlinable public static func decodeChecked(_ values: UnsafeMutablePointer<UInt32>, count: Int, base: UInt32 = 0)
        -> UInt32?
    {
        var sum = UInt64(base)
        for i in 0..<count {
            sum += UInt64(values[i])
            values[i] = UInt32(truncatingIfNeeded: sum)
        }
        return sum > UInt64(UInt32.max) ? nil : UInt32(sum)
    }
}
