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
