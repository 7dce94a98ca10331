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

    /// Decompresses the framed block at `offset` in `input`, appending the bytes to `out`. A stream that asks for
    /// a preset dictionary (RFC 1950 FDICT) gets `dictionary`; zlib checks its Adler-32 against the stream's DICTID.
    /// - Returns: the offset just past the block, or `nil` if the frame is truncated, larger than `maxOutput`,
    ///   zlib reports an error or a different length, or the stream needs a dictionary that is not given or
    ///   not the one it names.
    public static func decompress(
        _ input: UnsafeRawBufferPointer, at offset: Int, into out: inout [UInt8], maxOutput: Int = Int(Int32.max),
        dictionary: UnsafeRawBufferPointer? = nil
    ) -> Int? {
        guard offset >= 0, input.count - offset >= 8 else { return nil }
        let rawLength = Int(UInt32(littleEndian: input.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        let packedLength = Int(UInt32(littleEndian: input.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)))
        guard rawLength <= maxOutput, packedLength <= input.count - offset - 8, packedLength > 0,
            packedLength <= Int(UInt32.max)
        else { return nil }
        var ok = false
        let decoded = [UInt8](unsafeUninitializedCapacity: max(rawLength, 1)) { buffer, count in
            var stream = z_stream()
            guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return }
            defer { inflateEnd(&stream) }
            stream.next_in = UnsafeMutablePointer(
                mutating: input.baseAddress!.advanced(by: offset + 8).assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(packedLength)
            // One spare byte: a stream longer than stated fails the length check instead of stopping short.
            var spare: UInt8 = 0
            stream.next_out = buffer.baseAddress!
            stream.avail_out = uInt(rawLength)
            var status = inflate(&stream, Z_FINISH)
            if status == Z_NEED_DICT {
                guard let dictionary, let base = dictionary.baseAddress,
                    inflateSetDictionary(&stream, base.assumingMemoryBound(to: Bytef.self), uInt(dictionary.count)) == Z_OK
                else { return }
                status = inflate(&stream, Z_FINISH)
            }
            if status == Z_BUF_ERROR && stream.avail_out == 0 {
                // Output full: the stream must end here, having used all its input.
                withUnsafeMutablePointer(to: &spare) { stream.next_out = $0 }
                stream.avail_out = 1
                status = inflate(&stream, Z_FINISH)
                guard stream.avail_out == 1 else { return }
            }
            ok = status == Z_STREAM_END && Int(stream.total_out) == rawLength && stream.avail_in == 0
            count = ok ? rawLength : 0
        }
        guard ok else { return nil }
        if out.isEmpty { out = decoded } else { out.append(contentsOf: decoded) }
        return offset + 8 + packedLength
    }
}
