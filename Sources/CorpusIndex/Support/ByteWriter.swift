/// A growable little-endian byte buffer for building index sections in memory.
///
/// Value type owning one `[UInt8]`; appends are amortised O(1). Not thread-safe (give each thread its own).
/// Everything it writes is little-endian; see docs/FORMAT.md for the layouts built with it.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8]

    /// Creates an empty writer with room for `capacity` bytes.
    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The number of bytes written.
    @inlinable public var count: Int { bytes.count }

    /// Forgets the bytes but keeps the capacity.
    @inlinable public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    @inlinable public mutating func append(_ value: UInt8) { bytes.append(value) }

    /// Appends `value` as 2 little-endian bytes.
    @inlinable public mutating func append(_ value: UInt16) { appendLE(value) }
    /// Appends `value` as 4 little-endian bytes.
    @inlinable public mutating func append(_ value: UInt32) { appendLE(value) }
    /// Appends `value` as 8 little-endian bytes.
    @inlinable public mutating func append(_ value: UInt64) { appendLE(value) }
    /// Appends `value` as 8 little-endian bytes (two's complement).
    @inlinable public mutating func append(_ value: Int64) { appendLE(UInt64(bitPattern: value)) }

    @inlinable mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends raw bytes.
    @inlinable public mutating func append(_ raw: UnsafeRawBufferPointer) { bytes.append(contentsOf: raw) }
    /// Appends raw bytes.
    @inlinable public mutating func append<S: Sequence>(contentsOf raw: S) where S.Element == UInt8 {
        bytes.append(contentsOf: raw)
    }

    /// Appends `value` as LEB128 (see `VarInt`).
    @inlinable public mutating func appendVarInt(_ value: UInt64) { VarInt.encode(value, into: &bytes) }

    /// Appends a length-prefixed byte string: VarInt length, then the bytes.
    @inlinable public mutating func appendLengthPrefixed(_ raw: UnsafeRawBufferPointer) {
        appendVarInt(UInt64(raw.count))
        bytes.append(contentsOf: raw)
    }

    /// Appends a length-prefixed UTF-8 string: VarInt byte length, then the bytes.
    public mutating func appendLengthPrefixed(_ string: String) {
        var s = string
        s.withUTF8 { appendLengthPrefixed(UnsafeRawBufferPointer($0)) }
    }

    /// Appends zero bytes until `count` is a multiple of `alignment` (a power of two).
    @inlinable public mutating func pad(toMultipleOf alignment: Int) {
        while bytes.count & (alignment - 1) != 0 { bytes.append(0) }
    }

    /// Overwrites 4 bytes at `offset` with `value`, little-endian.
    public mutating func overwrite(_ value: UInt32, at offset: Int) {
        precondition(offset >= 0 && offset + 4 <= bytes.count)
        withUnsafeBytes(of: value.littleEndian) { raw in
            for i in 0..<4 { bytes[offset + i] = raw[i] }
        }
    }
}
