#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A set of byte strings with dense ids in first-seen order, told apart by their exact bytes (not by `String`'s
/// canonical equivalence): the keyword collector's and the metadata interner's hash table, without a `String`,
/// a `Hasher` or a dictionary bucket per lookup.
///
/// Layout: the strings' bytes back to back in one arena (`ends[i]` is the end of string `i`), and an
/// open-addressing table of `UInt64` slots (a 32-bit hash tag above `id + 1`, 0 empty; linear probing, at most
/// half full), so that a probe reads one slot and compares bytes only when the tags agree. Not thread-safe (a
/// value type: copies are independent).
struct ByteStringTable {
    private var slots: [UInt64]
    private var arena: [UInt8] = []
    private var ends: [Int] = []
    private var hashes: [UInt64] = []

    init() {
        slots = [UInt64](repeating: 0, count: 16)
    }

    /// The number of distinct strings.
    var count: Int { ends.count }
    var isEmpty: Bool { ends.isEmpty }

    /// The bytes of all strings, in id order, held by the table.
    var arenaBytes: Int { arena.count }

    /// The id of `bytes`, added if new.
    /// - Returns: the id and whether it was added now.
    @inline(__always)
    mutating func insert(_ bytes: UnsafeRawBufferPointer) -> (id: Int, added: Bool) {
        let h = Self.hash(bytes)
        if let id = find(bytes, h) { return (id, false) }
        let id = ends.count
        arena.append(contentsOf: bytes)
        ends.append(arena.count)
        hashes.append(h)
        if 2 * ends.count > slots.count { grow() } else { place(id, h) }
        return (id, true)
    }

    /// The id of `string`'s UTF-8 bytes, added if new.
    mutating func insert(_ string: String) -> (id: Int, added: Bool) {
        var string = string
        return string.withUTF8 { insert(UnsafeRawBufferPointer($0)) }
    }

    /// The id of `bytes`, if present.
    func id(of bytes: UnsafeRawBufferPointer) -> Int? { find(bytes, Self.hash(bytes)) }

    /// Calls `body` with string `id`'s bytes.
    func withBytes<R>(_ id: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try arena.withUnsafeBytes { a in
            try body(UnsafeRawBufferPointer(rebasing: a[(id == 0 ? 0 : ends[id - 1])..<ends[id]]))
        }
    }

    /// The ids ordered by their bytes (unsigned, a proper prefix first).
    func idsInByteOrder() -> [Int] {
        arena.withUnsafeBytes { a in
            ends.withUnsafeBufferPointer { ends in
                func bytes(_ i: Int) -> UnsafeRawBufferPointer {
                    UnsafeRawBufferPointer(rebasing: a[(i == 0 ? 0 : ends[i - 1])..<ends[i]])
                }
                return Array(0..<ends.count).sorted { compareBytes(bytes($0), bytes($1)) < 0 }
            }
        }
    }

    @inline(__always)
    private func find(_ bytes: UnsafeRawBufferPointer, _ h: UInt64) -> Int? {
        let mask = slots.count - 1
        let tag = h << 32
        var s = Int(truncatingIfNeeded: h >> 32) & mask
        return slots.withUnsafeBufferPointer { slots in
            arena.withUnsafeBytes { a in
                while true {
                    let slot = slots[s]
                    if slot == 0 { return nil }
                    if slot & 0xFFFF_FFFF_0000_0000 == tag {
                        let id = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
                        let start = id == 0 ? 0 : ends[id - 1]
                        let length = ends[id] - start
                        if length == bytes.count
                            && (length == 0 || memcmp(a.baseAddress! + start, bytes.baseAddress!, length) == 0)
                        {
                            return id
                        }
                    }
                    s = (s &+ 1) & mask
                }
            }
        }
    }

    private mutating func place(_ id: Int, _ h: UInt64) {
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h >> 32) & mask
        while slots[s] != 0 { s = (s &+ 1) & mask }
        slots[s] = h << 32 | UInt64(id + 1)
    }

    private mutating func grow() {
        let capacity = 2 * slots.count
        slots = [UInt64](repeating: 0, count: capacity)
        for id in 0..<ends.count { place(id, hashes[id]) }
    }

    /// A 64-bit hash of `bytes`: 8 bytes at a time, multiply and fold.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            h = (h ^ UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
            i += 8
        }
        if i < n {
            // The last 8 bytes (overlapping those hashed) if there are 8, else the bytes one by one.
            var tail: UInt64 = 0
            if n >= 8 {
                tail = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
            } else {
                for k in 0..<n { tail |= UInt64(bytes[k]) << (8 * UInt64(k)) }
            }
            h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        }
        return (h ^ (h >> 32)) &* 0xFF51_AFD7_ED55_8CCD
    }
}
