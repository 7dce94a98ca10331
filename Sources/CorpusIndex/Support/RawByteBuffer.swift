/// A growable byte buffer written through raw pointers: a caller reserves room for a bounded amount of output
/// once (`reserve`), writes it through `end` with no per-byte capacity or uniqueness check, and commits what it
/// wrote (`advance`). The encoders' hot loops use it instead of `[UInt8]` appends.
///
/// Owns its memory (freed on deinit; `removeAll` keeps the capacity). Reference type so that a struct holding
/// one mutates it without copy-on-write checks; not thread-safe.
final class RawByteBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = max(capacity, 16)
        base = .allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    /// The bytes written so far (valid until the next `reserve`).
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Where the next byte goes.
    @inline(__always) var end: UnsafeMutableRawPointer { base + count }

    /// Makes room for `extra` more bytes past `count` (moving the bytes if it grows).
    @inline(__always) func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    @inline(never) private func grow(to needed: Int) {
        var newCapacity = capacity
        while newCapacity < needed { newCapacity *= 2 }
        let fresh = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        fresh.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = fresh
        capacity = newCapacity
    }

    /// Counts `n` bytes written at `end` (within the room reserved).
    @inline(__always) func advance(by n: Int) {
        assert(count + n <= capacity, "RawByteBuffer: wrote past the reserved room")
        count += n
    }

    /// Forgets the bytes but keeps the capacity.
    func removeAll() { count = 0 }

    func append(_ byte: UInt8) {
        reserve(1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    /// Appends raw bytes.
    func append(_ raw: UnsafeRawBufferPointer) {
        guard let source = raw.baseAddress, raw.count > 0 else { return }
        reserve(raw.count)
        (base + count).copyMemory(from: source, byteCount: raw.count)
        count += raw.count
    }

    /// Appends `value` as LEB128 (see `VarInt`).
    func appendVarInt(_ value: UInt64) {
        reserve(VarInt.maxBytes)
        var v = value
        while v >= 0x80 {
            base.storeBytes(of: UInt8(truncatingIfNeeded: v) | 0x80, toByteOffset: count, as: UInt8.self)
            count += 1
            v >>= 7
        }
        base.storeBytes(of: UInt8(v), toByteOffset: count, as: UInt8.self)
        count += 1
    }
}
