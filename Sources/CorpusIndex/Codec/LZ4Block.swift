import CLZ4

/// LZ4 block compression (liblz4 `LZ4_compress_default` / `LZ4_decompress_safe`), self-delimiting:
///
/// ```
/// +-----------------------+---------------------+------------------------+
/// | uncompressed length   | compressed length   | LZ4 block bytes        |
/// | UInt32 LE             | UInt32 LE           | (compressed length)    |
/// +-----------------------+---------------------+------------------------+
/// ```
///
/// Decoding checks that the block decompresses to exactly the stated length (else it is corrupt).
/// Stateless; thread-safe.
public enum LZ4Block {
    /// The largest input accepted (liblz4's `LZ4_MAX_INPUT_SIZE`).
    public static let maxInputSize = 0x7E00_0000

    /// Appends the framed compression of `input` to `out`.
    /// - Precondition: `input.count <= maxInputSize`.
    public static func compress(_ input: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        precondition(input.count <= maxInputSize, "LZ4 block too large")
        let bound = Int(LZ4_compressBound(Int32(input.count)))
        let start = out.count
        out.reserveCapacity(start + 8 + bound)
        appendLE(UInt32(input.count), &out)
        appendLE(UInt32(0), &out)
        var written = 0
        out.append(contentsOf: repeatElement(0, count: bound))
        out.withUnsafeMutableBytes { raw in
            let dst = raw.baseAddress!.advanced(by: start + 8).assumingMemoryBound(to: CChar.self)
            let src = input.baseAddress?.assumingMemoryBound(to: CChar.self)
            written = input.count == 0 ? 0 : Int(LZ4_compress_default(src, dst, Int32(input.count), Int32(bound)))
        }
        precondition(input.count == 0 || written > 0, "LZ4_compress_default failed")
        out.removeLast(bound - written)
        withUnsafeBytes(of: UInt32(written).littleEndian) { le in
            for i in 0..<4 { out[start + 4 + i] = le[i] }
        }
    }

    /// Decompresses the framed block at `offset` in `input`, appending the bytes to `out`.
    /// - Returns: the offset just past the block, or `nil` if the frame is truncated, the stated uncompressed
    ///   length exceeds `maxOutput`, or liblz4 reports an error or a different length.
    public static func decompress(
        _ input: UnsafeRawBufferPointer, at offset: Int, into out: inout [UInt8], maxOutput: Int = maxInputSize
    ) -> Int? {
        guard offset >= 0, input.count - offset >= 8 else { return nil }
        let rawLength = Int(UInt32(littleEndian: input.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        let packedLength = Int(UInt32(littleEndian: input.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)))
        guard rawLength <= maxOutput, packedLength <= input.count - offset - 8 else { return nil }
        let end = offset + 8 + packedLength
        if rawLength == 0 { return packedLength == 0 ? end : nil }
        guard packedLength > 0, packedLength <= Int(Int32.max) else { return nil }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: rawLength))
        let produced = out.withUnsafeMutableBytes { raw -> Int32 in
            let dst = raw.baseAddress!.advanced(by: start).assumingMemoryBound(to: CChar.self)
            let src = input.baseAddress!.advanced(by: offset + 8).assumingMemoryBound(to: CChar.self)
            return LZ4_decompress_safe(src, dst, Int32(packedLength), Int32(rawLength))
        }
        guard Int(produced) == rawLength else {
            out.removeLast(rawLength)
            return nil
        }
        return end
    }
}

@inline(__always)
func appendLE(_ value: UInt32, _ out: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
}
