/// The positions of one term in one document, coded against the document's field length `L` (docs/FORMAT.md,
/// "Positions of one document"). The reader knows `L` (the field-length column) and the frequency `f` (the doc
/// block), so the code needs no side information:
///
/// - `f == 1`: the position `p < L` in truncated binary over `L` values (`TruncatedBinary`, about log2 L bits);
/// - `f >= 2`: the gaps `g_0 = p_0`, `g_i = p_i - p_{i-1} - 1` as Rice codes with parameter
///   `k = floor(log2(L / f))`: `g >> k` in unary, then the low `k` bits.
///
/// On the generated full-size corpus this takes 8.96 bits per body position, against 10.29 for patched 128-value
/// blocks of position deltas and 8.79 for the information bound `log2 C(L, f)` (binary interpolative coding
/// reaches about 8.96 too, at a much slower decode). The gaps of a document add up to less than `L`, so the unary
/// parts add up to less than `L >> k < 2f` bits: no escape is needed. Stateless; thread-safe.
public enum PositionCoding {
    /// The Rice parameter for `frequency` positions in a field of `length` tokens (`length >= frequency >= 2`).
    @inlinable @inline(__always)
    public static func riceParameter(length: UInt32, frequency: Int) -> Int {
        // floor(log2(floor(length / f))) (0 if the ratio is at most 1) without a division: it is the largest k
        // with f << k <= length, which is the difference of the two floor(log2) or one less.
        let f = UInt64(UInt32(truncatingIfNeeded: frequency))
        let l = UInt64(length)
        guard l >= f &<< 1 else { return 0 }
        let k = f.leadingZeroBitCount &- l.leadingZeroBitCount
        return f &<< UInt64(k) <= l ? k : k &- 1
    }

    /// Appends the code of `positions` (strictly increasing, all below `length`; the caller checks) to `writer`.
    @inlinable
    public static func encode(
        _ positions: UnsafeBufferPointer<UInt32>, length: UInt32, into writer: inout BitWriter, out: inout [UInt8]
    ) {
        let f = positions.count
        if f == 1 {
            TruncatedBinary.encode(positions[0], range: length, into: &writer, out: &out)
            return
        }
        let k = riceParameter(length: length, frequency: f)
        let mask: UInt32 = (1 << UInt32(k)) &- 1
        var next: UInt32 = 0  // the smallest value the next position can take
        for p in positions {
            let gap = p - next
            writer.writeUnary(Int(gap >> UInt32(k)), into: &out)
            writer.write(gap & mask, bits: k, into: &out)
            next = p &+ 1
        }
    }

    /// The most bytes `encode(_:count:length:into:)` writes for `frequency` positions: the unary parts add up to
    /// less than `2f` bits (see above), the stop bits to `f`, the low bits to at most `31f`; a single position
    /// takes at most 32 bits.
    @inline(__always)
    static func maxEncodedBytes(frequency f: Int) -> Int { (34 &* f &+ 7) &>> 3 }

    /// Checks and codes `positions[0..<count]` into `writer`: the same bits as `encode(_:length:into:out:)`.
    /// - Returns: false, having written only the codes before it, at the first position that is not above the
    ///   previous one or not below `length`; the writer must then be discarded.
    static func encode(
        _ positions: UnsafePointer<UInt32>, count f: Int, length: UInt32, into writer: inout RawBitWriter
    ) -> Bool {
        withUnsafePointer(to: UInt32(truncatingIfNeeded: f)) { frequency in
            withUnsafePointer(to: length) { length in
                encodeDocuments(positions, frequencies: frequency, lengths: length, count: 1, into: &writer) == 1
            }
        }
    }

    /// Checks and codes the positions of `count` documents one after the other: document `j` has
    /// `frequencies[j]` (>= 1) positions, taken in order from `positions`, and field length `lengths[j]`.
    /// The caller checked that `positions` holds them all.
    /// - Returns: the documents coded; fewer than `count` if that document's positions are not strictly
    ///   increasing or not below its length (the writer must then be discarded).
    static func encodeDocuments(
        _ positions: UnsafePointer<UInt32>, frequencies: UnsafePointer<UInt32>, lengths: UnsafePointer<UInt32>,
        count: Int, into writer: inout RawBitWriter
    ) -> Int {
        // A local copy: the stores through `cursor` cannot alias it, so its state stays in registers.
        var w = writer
        defer { writer = w }
        var p = positions
        for j in 0..<count {
            let f = Int(frequencies[j])
            let length = lengths[j]
            if f == 1 {
                guard p[0] < length else { return j }
                TruncatedBinary.encode(p[0], range: length, into: &w)
                p += 1
                continue
            }
            let k = riceParameter(length: length, frequency: f)
            let mask: UInt32 = (1 << UInt32(k)) &- 1
            var next: UInt32 = 0  // the smallest value the next position can take
            for i in 0..<f {
                let position = p[i]
                guard position >= next, position < length else { return j }
                writeRice(position &- next, k: k, mask: mask, into: &w)
                next = position &+ 1
            }
            p += f
        }
        return count
    }

    /// Writes the Rice code of `gap` with parameter `k` (`mask` = `2^k - 1`): `gap >> k` in unary, then the low
    /// `k` bits; one write when the code fits in 32 bits.
    @inline(__always)
    static func writeRice(_ gap: UInt32, k: Int, mask: UInt32, into w: inout RawBitWriter) {
        let zeros = Int(gap &>> UInt32(k))
        let bits = zeros &+ 1 &+ k
        if bits <= 32 {
            // The unary part, its stop bit and the low bits in one write.
            w.write(1 &<< UInt32(zeros) | (gap & mask) &<< UInt32(zeros &+ 1), bits: bits)
        } else {
            w.writeUnary(zeros)
            w.write(gap & mask, bits: k)
        }
    }

    /// Decodes `frequency` positions of a document of field length `length` into `out[0..<frequency]`.
    /// - Returns: false if the code is malformed (a position at or past `length`, an over-long unary part); the
    ///   caller also checks `reader.isOverrun`.
    @inlinable @inline(__always)
    public static func decode(
        _ reader: inout BitReader, frequency f: Int, length: UInt32, into out: UnsafeMutablePointer<UInt32>
    ) -> Bool {
        guard f >= 1, UInt32(clamping: f) <= length else { return false }
        if f == 1 {
            guard let p = TruncatedBinary.decode(&reader, range: length) else { return false }
            out[0] = p
            return true
        }
        let k = riceParameter(length: length, frequency: f)
        return riceCodes(&reader, count: f, k: k, limit: Int(length >> UInt32(k)), length: UInt64(length), into: out)
    }

    /// Moves `reader` past the code of `frequency` positions in a field of `length` tokens without storing them.
    /// - Returns: false if the code is malformed (as `decode`, without the check against `length`).
    @inlinable @inline(__always)
    public static func skip(_ reader: inout BitReader, frequency f: Int, length: UInt32) -> Bool {
        guard f >= 1, UInt32(clamping: f) <= length else { return false }
        if f == 1 { return TruncatedBinary.decode(&reader, range: length) != nil }
        let k = riceParameter(length: length, frequency: f)
        return riceCodes(&reader, count: f, k: k, limit: Int(length >> UInt32(k)), length: UInt64(length), into: nil)
    }

    /// Reads `count` Rice codes of parameter `k` as gaps (`out[i]` = the sum of the gaps so far plus `i`), or only
    /// moves past them when `out` is nil. Codes are taken from one 64-bit load while they fit in it.
    /// - Returns: false if a unary part exceeds `limit` or (when decoding) a position reaches `length`.
    @usableFromInline
    static func riceCodes(
        _ reader: inout BitReader, count: Int, k: Int, limit: Int, length: UInt64, into out: UnsafeMutablePointer<UInt32>?
    ) -> Bool {
        let lowMask = (UInt64(1) << UInt64(k)) &- 1
        let base = reader.buffer.baseAddress
        let byteCount = reader.buffer.count
        var bit = reader.position
        var i = 0
        var next: UInt64 = 0
        /// Takes gap `i`: stores its position (when decoding) and moves on; false if the position reaches `length`.
        @inline(__always) func take(_ gap: UInt64) -> Bool {
            let p = next &+ gap
            if let out {
                guard p < length else { return false }
                out[i] = UInt32(truncatingIfNeeded: p)
            }
            next = p &+ 1
            i &+= 1
            return true
        }
        while i < count {
            let byte = bit &>> 3
            if let base, byte &+ 8 <= byteCount {
                var word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
                    &>> UInt64(bit & 7)
                var available = 64 &- (bit & 7)
                let before = i
                while i < count {
                    let run = word.trailingZeroBitCount
                    let used = run &+ 1 &+ k
                    if used > available { break }
                    guard run <= limit else { return false }
                    let gap = UInt64(run) &<< UInt64(k) | (word &>> UInt64(run &+ 1)) & lowMask
                    word = used < 64 ? word &>> UInt64(used) : 0
                    available &-= used
                    bit &+= used
                    guard take(gap) else { return false }
                }
                if i != before { continue }
            }
            // Within 8 bytes of the end (zeros past it), or a unary part longer than a word: one code at a time.
            reader.position = bit
            guard let gap = reader.readRice(k: k, limit: limit) else { return false }
            bit = reader.position
            guard take(gap) else { return false }
        }
        reader.position = bit
        return true
    }
}

/// Truncated binary code of a value `v` in `0 ..< n` (`n >= 1`): with `k = floor(log2 n)` and `u = 2^(k+1) - n`,
/// a `v < u` is written in `k` bits, any other as `(v + u) >> 1` in `k` bits followed by the bit `(v + u) & 1`.
/// A reader takes `k` bits `x`; if `x >= u` it takes one more bit `y` and the value is `2x + y - u`. `n == 1`
/// takes no bits. Stateless; thread-safe.
public enum TruncatedBinary {
    /// Appends `value` (`< range`) coded over `range` values.
    @inlinable @inline(__always)
    public static func encode(_ value: UInt32, range n: UInt32, into writer: inout BitWriter, out: inout [UInt8]) {
        let k = 31 - n.leadingZeroBitCount
        let u = (UInt64(2) << UInt64(k)) - UInt64(n)
        if UInt64(value) < u {
            writer.write(value, bits: k, into: &out)
        } else {
            let w = UInt64(value) + u
            writer.write(UInt32(truncatingIfNeeded: w >> 1), bits: k, into: &out)
            writer.write(UInt32(truncatingIfNeeded: w & 1), bits: 1, into: &out)
        }
    }

    /// Writes `value` (`< range`) coded over `range` values (see `encode(_:range:into:out:)`).
    @inline(__always)
    static func encode(_ value: UInt32, range n: UInt32, into writer: inout RawBitWriter) {
        let k = 31 &- n.leadingZeroBitCount
        let u = (UInt64(2) &<< UInt64(k)) &- UInt64(n)
        // Both cases as one write, chosen without a branch (which way a position goes is data-dependent): the
        // long form is `(v + u) >> 1` in k bits followed by the bit `(v + u) & 1`.
        let w = UInt64(value) &+ u
        let long = UInt32(truncatingIfNeeded: w &>> 1 | (w & 1) &<< UInt64(k))
        let isLong = UInt64(value) >= u
        writer.write(isLong ? long : value, bits: isLong ? k &+ 1 : k)
    }

    /// Reads a value coded over `range` values (`range >= 1`), or `nil` if it is not below `range`.
    @inlinable @inline(__always)
    public static func decode(_ reader: inout BitReader, range n: UInt32) -> UInt32? {
        let k = 31 - n.leadingZeroBitCount
        let u = (UInt64(2) << UInt64(k)) - UInt64(n)
        let x = UInt64(reader.read(bits: k))
        if x < u { return UInt32(truncatingIfNeeded: x) }
        let v = 2 * x + UInt64(reader.read(bits: 1)) - u
        return v < UInt64(n) ? UInt32(truncatingIfNeeded: v) : nil
    }
}
