import CZlib

/// CRC-32 (ISO-HDLC / zlib polynomial 0xEDB88320), the checksum in every index file's footer and the manifest.
///
/// Wraps zlib's `crc32`, which takes a 32-bit length, so longer buffers are fed in chunks. Thread-safe.
public enum CRC32 {
    /// The CRC of `bytes`, continuing from `crc` (pass the result of a previous call to checksum in pieces).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var value = UInt(crc)
        guard var p = bytes.baseAddress?.assumingMemoryBound(to: Bytef.self) else { return crc }
        var left = bytes.count
        while left > 0 {
            let n = min(left, 1 << 30)
            value = UInt(CZlib.crc32(uLong(value), p, uInt(n)))
            p += n
            left -= n
        }
        return UInt32(truncatingIfNeeded: value)
    }

    /// The CRC of a byte array.
    public static func checksum(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc) }
    }
}
