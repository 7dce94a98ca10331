/// The union of several cursors: every document any child yields, once.
///
/// Children sit in a binary min-heap ordered by their current document, so a step costs O(log n) and memory is
/// O(n) however long the children are (no materialised union). For very wide unions (thousands of prefix
/// expansions) see `BitsetDocCursor`, whose cost does not grow with the number of children per document.
/// Not thread-safe.
public final class DisjunctionCursor: DocCursor {
    /// The children; the array is reordered as a heap.
    var heap: [DocCursor]
    var started = false
    let totalCost: Int

    public init(_ children: [DocCursor]) {
        heap = children
        totalCost = children.reduce(0) { $0 &+ $1.cost }
        super.init()
    }

    public override func next() -> DocID {
        if !started {
            started = true
            for child in heap { child.next() }
            heapify()
        } else {
            let current = doc
            while let top = heap.first, top.doc == current, current != noMoreDocs {
                top.next()
                siftDown(0)
            }
        }
        doc = heap.first?.doc ?? noMoreDocs
        return doc
    }

    public override func advance(to target: DocID) -> DocID {
        if !started {
            started = true
            for child in heap { child.advance(to: target) }
            heapify()
        } else {
            if doc >= target { return doc }
            while let top = heap.first, top.doc < target {
                top.advance(to: target)
                siftDown(0)
            }
        }
        doc = heap.first?.doc ?? noMoreDocs
        return doc
    }

    public override var cost: Int { totalCost }

    private func heapify() {
        var i = heap.count / 2 - 1
        while i >= 0 {
            siftDown(i)
            i -= 1
        }
    }

    @inline(__always)
    private func siftDown(_ start: Int) {
        let count = heap.count
        var i = start
        let item = heap[i]
        let key = item.doc
        while true {
            var child = 2 * i + 1
            if child >= count { break }
            if child + 1 < count && heap[child + 1].doc < heap[child].doc { child += 1 }
            if heap[child].doc >= key { break }
            heap[i] = heap[child]
            i = child
        }
        heap[i] = item
    }
}

/// The union of many cursors materialised into a bitset over the document count, then iterated.
///
/// Memory is `documentCount / 8` bytes whatever the number of children (31 KB for the full Cablegate dump), and
/// building it costs one pass over every child's postings; used when a prefix expands to so many terms that a heap
/// union would be slower. Not thread-safe.
public final class BitsetDocCursor: DocCursor {
    var words: [UInt64]
    var wordIndex = 0
    var current: UInt64 = 0
    var started = false
    let population: Int

    /// Drains `children` into the bitset. Documents at or beyond `documentCount` are ignored.
    public convenience init(documentCount: Int, children: [DocCursor]) {
        self.init(documentCount: documentCount, count: children.count) { children[$0] }
    }

    /// Drains `count` children, each made by `make(i)` just before it is read and dropped after, so only one
    /// child's buffers are alive at a time.
    public init(documentCount: Int, count: Int, _ make: (Int) -> DocCursor) {
        words = [UInt64](repeating: 0, count: (documentCount + 63) / 64)
        var population = 0
        let limit = DocID(clamping: documentCount)
        words.withUnsafeMutableBufferPointer { bits in
            for i in 0..<count {
                let child = make(i)
                var d = child.next()
                while d < limit {
                    let w = Int(d >> 6)
                    let mask = UInt64(1) << UInt64(d & 63)
                    if bits[w] & mask == 0 {
                        bits[w] |= mask
                        population += 1
                    }
                    d = child.next()
                }
            }
        }
        self.population = population
        super.init()
    }

    public override func next() -> DocID {
        if !started {
            started = true
            wordIndex = 0
            current = words.first ?? 0
        }
        while current == 0 {
            wordIndex += 1
            if wordIndex >= words.count {
                doc = noMoreDocs
                return doc
            }
            current = words[wordIndex]
        }
        let bit = current.trailingZeroBitCount
        current &= current - 1
        doc = DocID(wordIndex * 64 + bit)
        return doc
    }

    public override func advance(to target: DocID) -> DocID {
        if started && doc >= target { return doc }
        started = true
        let w = Int(target >> 6)
        if w >= words.count {
            wordIndex = words.count
            current = 0
            doc = noMoreDocs
            return doc
        }
        wordIndex = w
        current = words[w] & (~UInt64(0) << UInt64(target & 63))
        return next()
    }

    public override var cost: Int { population }
}
