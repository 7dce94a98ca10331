/// LLVM's prefetch intrinsic, reached by its symbol name: Swift has no prefetch of its own. The arguments after the
/// address must be constants (read = 0, locality 0-3, data cache = 1), so only `prefetch(_:)` below calls it.
@_silgen_name("llvm.prefetch.p0")
private func llvmPrefetch(_ address: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ cacheType: Int32)

/// Asks the CPU to bring the cache line at `address` into all cache levels, without waiting for it.
///
/// Unlike a load, a prefetch retires at once and never faults, so it may name any address (a stale or not yet
/// valid one costs a wasted line fill, nothing more) and a miss does not stall the instructions behind it. Used where
/// the next addresses are known a few dozen nanoseconds before they are read: the inverter's table and postings
/// tails, the field lengths of a query's next candidates.
@inline(__always)
func prefetch(_ address: UnsafeRawPointer) {
    llvmPrefetch(address, 0, 3, 1)
}
