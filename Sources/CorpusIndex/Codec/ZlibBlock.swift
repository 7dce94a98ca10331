import CZlib

/// zlib block compression (`compress2` at a chosen level / `uncompress`), framed exactly like `LZ4Block`:
/// UInt32 LE uncompressed length, UInt32 LE compressed length, then the zlib stream (RFC 1950).
///
/// Slower than LZ4 but smaller; selected per index for the document store. Stateless; thread-safe.
public enum ZlibBlock {
    /// Appends the framed compression of `input` to `out` at `level` (0–9; 6 is zlib's default).
    public static func compress(_ input: UnsafeRawBufferPointer, level: Int32 = 6, into out: inout [UInt8]) {
        precondition(input.count < Int(UInt32.max))
        var bound = compressBound(uLong(input.count))
        var status: Int32 = Z_OK
        let packed = [UInt8](unsafeUninitializedCapacity: Int(bound)) { buffer, count in
            var empty: UInt8 = 0
            status = withUnsafeMutablePointer(to: &empty) { emptyPointer in
                let src = input.baseAddress?.assumingMemoryBound(to: Bytef.self) ?? UnsafePointer(emptyPointer)
                return compress2(buffer.baseAddress!, &bound, src, uLong(input.count), level)
            }
            count = status == Z_OK ? Int(bound) : 0
        }
        precondition(status == Z_OK, "compress2 failed (\(status))")
        appendFrame(rawLength: input.count, payload: packed, to: &out)
    }

    /// Decompresses the framed block at `offset` in `input`, appending the bytes to `out`.
    /// - Returns: the offset just past the block, or `nil` if the frame is truncated, larger than `maxOutput`,
    ///   or zlib reports an error or a different length.
    public static func decompress(
        _ input: UnsafeRawBufferPointer, at offset: Int, into out: inout [UInt8], maxOutput: Int = Int(Int32.max)
    ) -> Int? {
        guard offset >= 0, input.count - offset >= 8 else { return nil }
        let rawLength = Int(UInt32(littleEndian: input.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        let packedLength = Int(UInt32(littleEndian: input.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)))
        guard rawLength <= maxOutput, packedLength <= input.count - offset - 8, packedLength > 0 else { return nil }
        var ok = false
        let decoded = [UInt8](unsafeUninitializedCapacity: max(rawLength, 1)) { buffer, count in
            var produced = uLongf(rawLength)
            let status = uncompress(
                buffer.baseAddress!, &produced, input.baseAddress!.advanced(by: offset + 8).assumingMemoryBound(to: Bytef.self),
                uLong(packedLength))
            ok = status == Z_OK && Int(produced) == rawLength
            count = ok ? rawLength : 0
        }
        guard ok else { return nil }
        if out.isEmpty { out = decoded } else { out.append(contentsOf: decoded) }
        return offset + 8 + packedLength
    }
}
