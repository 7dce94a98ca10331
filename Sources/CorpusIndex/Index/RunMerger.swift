/// K-way merge of sorted runs over one range of buckets: yields every key once, in byte order, with the
/// postings of all runs concatenated in run order (runs hold consecutive document ranges, so concatenation is
/// document order, as in PISA's `join`).
///
/// The heap orders readers by (key, rank). Memory: the readers' buffers plus one term's merged postings.
/// Not thread-safe; the builder runs one merger per bucket range, each with its own readers.
final class RunMerger {
    private let readers: [RunReader]
    private var heap: [Int] = []
    private let merged = MergedPostings()

    init(readers: [RunReader]) {
        self.readers = readers
    }

    @inline(__always)
    private func less(_ a: Int, _ b: Int) -> Bool {
        let c = RunFile.compareKeys(readers[a].keyBytes, readers[b].keyBytes)
        return c != 0 ? c < 0 : readers[a].rank < readers[b].rank
    }

    private func siftDown(_ start: Int) {
        var i = start
        let n = heap.count
        while true {
            let l = 2 * i + 1
            if l >= n { return }
            var m = l
            if l + 1 < n && less(heap[l + 1], heap[l]) { m = l + 1 }
            if !less(heap[m], heap[i]) { return }
            heap.swapAt(i, m)
            i = m
        }
    }

    private func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            if !less(heap[i], heap[parent]) { return }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    /// Merges buckets `range` of every run, calling `body(key, postings)` for each distinct key in order. The key
    /// is the field ordinal byte followed by the term bytes.
    func merge(
        buckets range: Range<Int>,
        _ body: (_ key: UnsafeRawBufferPointer, _ postings: MergedPostings) throws -> Void
    ) throws {
        heap.removeAll(keepingCapacity: true)
        for (index, reader) in readers.enumerated() {
            reader.seek(buckets: range)
            if try reader.next() {
                heap.append(index)
                siftUp(heap.count - 1)
            }
        }
        var keyCopy = [UInt8]()
        while let top = heap.first {
            merged.removeAll()
            keyCopy.removeAll(keepingCapacity: true)
            keyCopy.append(contentsOf: readers[top].keyBytes)
            try keyCopy.withUnsafeBytes { key in
                while let current = heap.first, RunFile.compareKeys(readers[current].keyBytes, key) == 0 {
                    let reader = readers[current]
                    try merged.appendRunPostings(
                        reader.postings, base: reader.documentBase, documentCount: reader.documentCount,
                        file: reader.path)
                    if try reader.next() {
                        guard RunFile.compareKeys(reader.keyBytes, key) > 0 else {
                            throw CorpusIndexError.corrupt(file: reader.path, section: "run entries", reason: "keys out of order")
                        }
                        siftDown(0)
                    } else {
                        heap.swapAt(0, heap.count - 1)
                        heap.removeLast()
                        siftDown(0)
                    }
                }
                try body(key, merged)
            }
        }
    }
}
