/// A bounds-checked little-endian cursor over untrusted bytes (usually a section of a mapped index file).
///
/// Every read checks the remaining length and throws `CorpusIndexError.corrupt(file:section:reason:)` naming the
/// file, the section and the byte offset instead of reading out of bounds. Reads use `loadUnaligned`, so the bytes
/// need no alignment. Value type over borrowed memory: the owner of `buffer` (a `MappedFile`) must outlive it.
public struct ByteReader {
    /// The bytes being read.
    public let buffer: UnsafeRawBufferPointer
    /// The next byte to read, relative to `buffer`.
    public var offset: Int
    /// The file name used in errors.
    public let file: String
    /// The section name used in errors.
    public let section: String

    /// Creates a reader at `offset` in `buffer`.
    public init(_ buffer: UnsafeRawBufferPointer, offset: Int = 0, file: String, section: String) {
        self.buffer = buffer
        self.offset = offset
        self.file = file
        self.section = section
    }

    /// The number of bytes left.
    @inlinable public var remaining: Int { buffer.count - offset }
    /// True when every byte was read.
    @inlinable public var isAtEnd: Bool { offset >= buffer.count }

    /// An error naming this reader's file, section and current offset.
    public func corrupt(_ reason: String) -> CorpusIndexError {
        .corrupt(file: file, section: section, reason: "\(reason) (at byte \(offset) of the section)")
    }

    @inlinable mutating func need(_ n: Int) throws {
        guard n >= 0, offset >= 0, n <= buffer.count - offset else {
            throw corrupt("needs \(n) bytes but \(Swift.max(0, buffer.count - offset)) remain")
        }
    }

    /// Reads one byte.
    @inlinable public mutating func readUInt8() throws -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return buffer[offset]
    }

    /// Reads a little-endian fixed-width integer.
    @inlinable public mutating func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
        try need(MemoryLayout<T>.size)
        defer { offset += MemoryLayout<T>.size }
        return T(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// Reads a LEB128 value (see `VarInt`); throws if it runs past the end or exceeds 64 bits.
    @inlinable public mutating func readVarInt() throws -> UInt64 {
        guard let (value, next) = VarInt.decode(buffer, at: offset) else { throw corrupt("bad VarInt") }
        offset = next
        return value
    }

    /// Reads a VarInt that must fit in `Int` and be at most `limit`.
    @inlinable public mutating func readVarInt(limit: Int) throws -> Int {
        let v = try readVarInt()
        guard v <= UInt64(limit) else { throw corrupt("value \(v) exceeds the limit \(limit)") }
        return Int(v)
    }

    /// Returns the next `count` bytes as a slice of the buffer and moves past them.
    @inlinable public mutating func readBytes(_ count: Int) throws -> UnsafeRawBufferPointer {
        try need(count)
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + count)])
    }

    /// Reads a VarInt length then that many bytes.
    @inlinable public mutating func readLengthPrefixed() throws -> UnsafeRawBufferPointer {
        let n = try readVarInt(limit: remaining)
        return try readBytes(n)
    }

    /// Reads a length-prefixed string; invalid UTF-8 is repaired (U+FFFD).
    public mutating func readString() throws -> String {
        String(decoding: try readLengthPrefixed(), as: UTF8.self)
    }

    /// Skips `count` bytes.
    @inlinable public mutating func skip(_ count: Int) throws {
        try need(count)
        offset += count
    }
}
