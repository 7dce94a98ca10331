/// K-way merge of sorted runs over one range of buckets: yields every key once, in byte order, with the
/// postings of all runs concatenated in run order (runs hold consecutive document ranges, so concatenation is
/// document order, as in PISA's `join`).
///
/// A term whose postings pass `slicePositions` is handed over in slices (each whole runs' contributions, the
/// last one flagged), so memory is the readers' buffers plus one slice — about `slicePositions` positions plus
/// one run's share of a term — however large the term grows with the input.
/// The heap orders readers by (key, rank). Not thread-safe; the builder runs one merger per bucket range, each
/// with its own readers.
final class RunMerger {
    private let readers: [RunReader]
    private var heap: [Int] = []
    private let merged = MergedPostings()
    /// Heap indexes of the readers at the current key (reused).
    private var members: [Int] = []
    /// Positions gathered before a slice of a term is handed over (default 1 Mi = 4 MiB).
    let slicePositions: Int

    init(readers: [RunReader], slicePositions: Int = 1 << 20) {
        self.readers = readers
        self.slicePositions = max(slicePositions, 1)
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

    /// Merges buckets `range` of every run, calling `body(key, postings, slice)` for each distinct key in order,
    /// once per slice (`slice.isFirst` on its first, `slice.isLast` on its last; a small term comes whole). The
    /// key is the field ordinal byte followed by the term bytes.
    func merge(
        buckets range: Range<Int>,
        _ body: (_ key: UnsafeRawBufferPointer, _ postings: MergedPostings, _ slice: TermSlice) throws -> Void
    ) throws {
        try forEachKey(buckets: range) { key, group in
            merged.removeAll()
            var isFirst = true
            for reader in group {
                // A run's list comes in one piece, or in several if it is larger than the reader's buffer.
                var previous: Int64 = -1
                try reader.forEachPostingsPiece { piece in
                    if merged.positionCount >= slicePositions {
                        try body(key, merged, TermSlice(isFirst: isFirst, isLast: false))
                        isFirst = false
                        merged.removeAll()
                    }
                    try merged.appendRunPostings(
                        piece, base: reader.documentBase, documentCount: reader.documentCount, file: reader.path,
                        previousDocument: &previous)
                }
            }
            try body(key, merged, TermSlice(isFirst: isFirst, isLast: true))
        }
    }

    /// Calls `body(key, group)` for each distinct key of buckets `range` in order, with the readers whose current
    /// entry has that key, in rank order (their `postings` valid during the call); then advances them.
    func forEachKey(
        buckets range: Range<Int>, _ body: (_ key: UnsafeRawBufferPointer, _ group: [RunReader]) throws -> Void
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
        var group: [RunReader] = []
        while let top = heap.first {
            keyCopy.removeAll(keepingCapacity: true)
            keyCopy.append(contentsOf: readers[top].keyBytes)
            group.removeAll(keepingCapacity: true)
            try keyCopy.withUnsafeBytes { key in
                members.removeAll(keepingCapacity: true)
                while let current = heap.first, RunFile.compareKeys(readers[current].keyBytes, key) == 0 {
                    members.append(current)
                    heap.swapAt(0, heap.count - 1)
                    heap.removeLast()
                    siftDown(0)
                }
                for index in members { group.append(readers[index]) }
                try body(key, group)
                for index in members {
                    let reader = readers[index]
                    guard try reader.next() else { continue }
                    guard RunFile.compareKeys(reader.keyBytes, key) > 0 else {
                        throw CorpusIndexError.corrupt(file: reader.path, section: "run entries", reason: "keys out of order")
                    }
                    heap.append(index)
                    siftUp(heap.count - 1)
                }
            }
        }
    }
}

/// Where a slice of a term's postings sits in the term (see `RunMerger.merge`).
struct TermSlice: Equatable, Sendable {
    var isFirst: Bool
    var isLast: Bool
    /// A term handed over in one piece.
    static let whole = TermSlice(isFirst: true, isLast: true)
}
