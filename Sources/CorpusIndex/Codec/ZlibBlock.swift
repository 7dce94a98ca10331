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
        let start = out.count
        appendLE(UInt32(input.count), &out)
        appendLE(UInt32(0), &out)
        out.append(contentsOf: repeatElement(0, count: Int(bound)))
        let status = out.withUnsafeMutableBytes { raw -> Int32 in
            let dst = raw.baseAddress!.advanced(by: start + 8).assumingMemoryBound(to: Bytef.self)
            var empty: UInt8 = 0
            return withUnsafeMutablePointer(to: &empty) { emptyPointer in
                let src = input.baseAddress?.assumingMemoryBound(to: Bytef.self) ?? UnsafePointer(emptyPointer)
                return compress2(dst, &bound, src, uLong(input.count), level)
            }
        }
        precondition(status == Z_OK, "compress2 failed (\(status))")
        let written = Int(bound)
        out.removeLast(out.count - (start + 8 + written))
        withUnsafeBytes(of: UInt32(written).littleEndian) { le in
            for i in 0..<4 { out[start + 4 + i] = le[i] }
        }
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
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: max(rawLength, 1)))
        var produced = uLongf(rawLength)
        let status = out.withUnsafeMutableBytes { raw -> Int32 in
            let dst = raw.baseAddress!.advanced(by: start).assumingMemoryBound(to: Bytef.self)
            let src = input.baseAddress!.advanced(by: offset + 8).assumingMemoryBound(to: Bytef.self)
            return uncompress(dst, &produced, src, uLong(packedLength))
        }
        out.removeLast(max(rawLength, 1) - rawLength)
        guard status == Z_OK, Int(produced) == rawLength else {
            out.removeLast(rawLength)
            return nil
        }
        return offset + 8 + packedLength
    }
}
