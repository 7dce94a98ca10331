#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable, contiguous byte arena addressed by 32-bit offsets.
///
/// Offsets stay valid when the arena grows (it is reallocated, so pointers do not: re-read `base` after any
/// `allocate`). `reset()` keeps the memory for reuse, so a worker that inverts chunk after chunk stops allocating
/// once its arena has reached its working size. Not thread-safe; owned by one worker at a time. Traps past 4 GiB,
/// which one chunk of input can never reach (the builder caps chunk sizes far below that).
struct ByteArena: ~Copyable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// Bytes handed out so far.
    private(set) var used: Int = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Hands out `count` uninitialised bytes and returns their offset.
    @inline(__always)
    mutating func allocate(_ count: Int) -> UInt32 {
        let offset = used
        if offset + count > capacity { grow(to: offset + count) }
        used = offset + count
        return UInt32(truncatingIfNeeded: offset)
    }

    @inline(never)
    private mutating func grow(to needed: Int) {
        precondition(needed < Int(UInt32.max), "in-memory arena past 4 GiB: chunk too large")
        var newCapacity = capacity
        while newCapacity < needed { newCapacity = min(newCapacity * 2, Int(UInt32.max)) }
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        fresh.update(from: base, count: used)
        base.deallocate()
        base = fresh
        capacity = newCapacity
    }

    /// Forgets every allocation, keeping the memory.
    mutating func reset() { used = 0 }
}
