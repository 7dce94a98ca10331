/// A fixed number of slots that concurrent iterations fill, each iteration writing only its own slot.
///
/// `DispatchQueue.concurrentPerform` runs its closure as `@Sendable`, so it cannot capture an `inout` buffer.
/// This box is the one audited way around that: iteration `i` writes slot `i` and nothing else, and nobody reads a
/// slot until `concurrentPerform` has returned (which is a full barrier). Under that discipline there is no data
/// race, which is why the `@unchecked Sendable` is sound. Misuse (two writers on one slot) is a bug the type cannot
/// detect.
public final class DisjointSlots<Element>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Element?>
    /// The number of slots.
    public let count: Int

    /// Creates `count` empty slots.
    public init(count: Int) {
        precondition(count >= 0)
        self.count = count
        storage = .allocate(capacity: max(count, 1))
        storage.initialize(repeating: nil, count: max(count, 1))
    }

    deinit {
        storage.deinitialize(count: max(count, 1))
        storage.deallocate()
    }

    /// The value of slot `index`; `nil` until written.
    public subscript(index: Int) -> Element? {
        get {
            precondition(index >= 0 && index < count, "slot out of range")
            return storage[index]
        }
        set {
            precondition(index >= 0 && index < count, "slot out of range")
            storage[index] = newValue
        }
    }

    /// Moves all values out, in slot order; a slot that was never written traps.
    public func takeAll() -> [Element] {
        (0..<count).map { index in
            guard let value = storage[index] else { preconditionFailure("slot \(index) was never written") }
            storage[index] = nil
            return value
        }
    }
}
