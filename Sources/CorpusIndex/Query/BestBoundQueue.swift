/// The candidates of `collectFromTopLists`'s best-bound stage, largest bound first (ties: the lower index first),
/// in two tiers: the `tier` best are picked in one pass (each candidate compared with the worst of a small
/// min-heap) and sorted; the rest become a heap (`BoundHeap`) only if the stage goes past the first tier. An AND's
/// stage often stops within it, and the pass costs about one well-predicted comparison per candidate, where
/// heapifying all of them costs several, mostly mispredicted. With `tier` 0 it is a plain heap. Either way pops
/// come in the order one heap of all the candidates gives. Works in place over `items[0..<count]`, which it
/// reorders; not thread-safe.
struct BestBoundQueue {
    private let items: UnsafeMutablePointer<Int32>
    private let count: Int
    private let bounds: UnsafePointer<Double>
    /// The first tier, best first, at `items[0..<tierCount]`; `next` is the next to pop.
    private var tierCount = 0
    private var next = 0
    /// The rest, once the first tier is used up.
    private var rest: BoundHeap?

    init(_ items: UnsafeMutablePointer<Int32>, count: Int, bounds: UnsafeMutablePointer<Double>, tier: Int) {
        self.items = items
        self.count = count
        self.bounds = UnsafePointer(bounds)
        let t = min(max(tier, 0), count)
        guard t > 0 else { return }
        // The t best, in a min-heap at the front of `items` (its top the worst kept): each later candidate is
        // compared with the worst kept and, if above it, swapped in (the rest of `items` is left unordered).
        var worst = MinTier(items, bounds: self.bounds)
        for i in 0..<count {
            if i < t {
                worst.push(i)
            } else if Self.above(items[i], items[0], self.bounds) {
                (items[0], items[i]) = (items[i], items[0])
                worst.siftDown(count: t)
            }
        }
        // Sorted best first (a small tier: insertion sort).
        for i in 1..<t {
            let moving = items[i]
            var j = i
            while j > 0 && Self.above(moving, items[j - 1], self.bounds) {
                items[j] = items[j - 1]
                j -= 1
            }
            items[j] = moving
        }
        tierCount = t
    }

    /// Whether candidate `a` comes before `b`: a larger bound, or an equal one and a lower index.
    @inline(__always) static func above(_ a: Int32, _ b: Int32, _ bounds: UnsafePointer<Double>) -> Bool {
        let (x, y) = (bounds[Int(a)], bounds[Int(b)])
        return x > y || (x == y && a < b)
    }

    /// The candidate with the largest bound, or nil when none is left.
    var top: Int? {
        mutating get {
            if next < tierCount { return Int(items[next]) }
            if rest == nil && tierCount < count {
                rest = BoundHeap(items + tierCount, count: count - tierCount, bounds: bounds)
            }
            return rest?.top
        }
    }

    /// Removes the top.
    mutating func pop() {
        if next < tierCount {
            next += 1
        } else {
            rest?.pop()
        }
    }

    /// A min-heap by `above` over the front of `items` (its top the worst), for picking the first tier.
    private struct MinTier {
        let items: UnsafeMutablePointer<Int32>
        let bounds: UnsafePointer<Double>

        init(_ items: UnsafeMutablePointer<Int32>, bounds: UnsafePointer<Double>) {
            self.items = items
            self.bounds = bounds
        }

        /// Adds `items[i]`, the element just after the heap's `i` elements.
        func push(_ i: Int) {
            var c = i
            let moving = items[c]
            while c > 0 {
                let parent = (c - 1) / 2
                guard BestBoundQueue.above(items[parent], moving, bounds) else { break }
                items[c] = items[parent]
                c = parent
            }
            items[c] = moving
        }

        /// Restores the order from the top down in a heap of `n` elements.
        func siftDown(count n: Int) {
            var i = 0
            let moving = items[0]
            while true {
                let l = 2 * i + 1
                if l >= n { break }
                var c = l
                if l + 1 < n && BestBoundQueue.above(items[l], items[l + 1], bounds) { c = l + 1 }
                guard BestBoundQueue.above(moving, items[c], bounds) else { break }
                items[i] = items[c]
                i = c
            }
            items[i] = moving
        }
    }
}

/// A binary max-heap, in place over `items[0..<count]` (candidate indexes), ordered by `bounds` (ties: the
/// lower index first, so the order is deterministic). Not thread-safe.
struct BoundHeap {
    private let items: UnsafeMutablePointer<Int32>
    private var count: Int
    private let bounds: UnsafePointer<Double>

    init(_ items: UnsafeMutablePointer<Int32>, count: Int, bounds: UnsafePointer<Double>) {
        self.items = items
        self.count = count
        self.bounds = bounds
        for i in stride(from: count / 2 - 1, through: 0, by: -1) { siftDown(i) }
    }

    /// The candidate with the largest bound, or nil when empty.
    var top: Int? { count == 0 ? nil : Int(items[0]) }

    @inline(__always) private func above(_ a: Int32, _ b: Int32) -> Bool { BestBoundQueue.above(a, b, bounds) }

    /// Removes the top.
    mutating func pop() {
        count -= 1
        guard count > 0 else { return }
        items[0] = items[count]
        siftDown(0)
    }

    private func siftDown(_ start: Int) {
        var i = start
        let n = count
        let moving = items[i]
        while true {
            let l = 2 * i + 1
            if l >= n { break }
            var c = l
            if l + 1 < n && above(items[l + 1], items[l]) { c = l + 1 }
            guard above(items[c], moving) else { break }
            items[i] = items[c]
            i = c
        }
        items[i] = moving
    }
}
