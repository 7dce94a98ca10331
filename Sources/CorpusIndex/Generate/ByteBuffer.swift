/// A growable byte buffer the generator renders into: appends are unchecked pointer writes after one capacity
/// check, so rendering a word costs a compare and a `memcpy`.
///
/// Reference type so that one buffer is reused across all cables a worker renders (allocation only when a cable is
/// larger than any before). Not thread-safe: one per worker. Owns its memory.
final class ByteBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// The number of bytes written.
    var count: Int = 0

    init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    func append(_ pointer: UnsafePointer<UInt8>, _ length: Int) {
        reserve(length)
        (base + count).update(from: pointer, count: length)
        count += length
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        guard let p = bytes.baseAddress, bytes.count > 0 else { return }
        append(p.assumingMemoryBound(to: UInt8.self), bytes.count)
    }

    func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { if let p = $0.baseAddress { append(p, $0.count) } }
    }

    func append(_ text: StaticString) {
        append(text.utf8Start, text.utf8CodeUnitCount)
    }

    func append(_ text: String) {
        var text = text
        text.withUTF8 { if let p = $0.baseAddress { append(p, $0.count) } }
    }

    /// Appends the decimal digits of `value` (>= 0), zero-padded on the left to `width`.
    func appendDecimal(_ value: Int, width: Int = 1) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, no heap
        withUnsafeMutableBytes(of: &digits) { raw in
            let d = raw.bindMemory(to: UInt8.self)
            var v = value < 0 ? 0 : value
            var n = 0
            repeat {
                d[n] = UInt8(48 + v % 10)
                v /= 10
                n += 1
            } while v > 0 && n < 24
            while n < width && n < 24 {
                d[n] = 48
                n += 1
            }
            reserve(n)
            for k in 0..<n { base[count + k] = d[n - 1 - k] }
            count += n
        }
    }

    /// The bytes in `range` as an array.
    func bytes(_ range: Range<Int>) -> [UInt8] {
        Array(UnsafeBufferPointer(start: base + range.lowerBound, count: range.count))
    }

    /// The written bytes as a raw buffer (valid until the next append).
    var written: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    func removeAll() { count = 0 }
}
