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
        var written = 0
        let packed = [UInt8](unsafeUninitializedCapacity: max(bound, 1)) { buffer, count in
            if input.count > 0 {
                written = Int(
                    LZ4_compress_default(
                        input.baseAddress!.assumingMemoryBound(to: CChar.self),
                        UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self),
                        Int32(input.count), Int32(bound)))
            }
            count = written
        }
        precondition(input.count == 0 || written > 0, "LZ4_compress_default failed")
        appendFrame(rawLength: input.count, payload: packed, to: &out)
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
        var ok = false
        let decoded = [UInt8](unsafeUninitializedCapacity: rawLength) { buffer, count in
            let produced = LZ4_decompress_safe(
                input.baseAddress!.advanced(by: offset + 8).assumingMemoryBound(to: CChar.self),
                UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self),
                Int32(packedLength), Int32(rawLength))
            ok = Int(produced) == rawLength
            count = ok ? rawLength : 0
        }
        guard ok else { return nil }
        if out.isEmpty { out = decoded } else { out.append(contentsOf: decoded) }
        return end
    }
}

@inline(__always)
func appendLE(_ value: UInt32, _ out: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
}

/// Appends the 8-byte frame header (uncompressed length, compressed length) and the payload.
func appendFrame(rawLength: Int, payload: [UInt8], to out: inout [UInt8]) {
    let needed = out.count + 8 + payload.count
    if out.capacity < needed { out.reserveCapacity(max(needed, out.capacity * 2)) }
    appendLE(UInt32(rawLength), &out)
    appendLE(UInt32(payload.count), &out)
    out.append(contentsOf: payload)
}
