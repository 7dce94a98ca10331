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
    private let merged = MergedPostings()
    /// Positions gathered before a slice of a term is handed over (default 1 Mi = 4 MiB).
    let slicePositions: Int
    /// Each reader's current key (prefix, length, bytes) and rank, by reader index, copied after every `next()`
    /// so that comparisons read plain memory instead of the readers.
    private let keys: UnsafeMutablePointer<KeyHandle>
    private let ranks: UnsafeMutablePointer<Int>
    /// The heap of reader indexes, ordered by (key, rank), and the members of the current key's group.
    private let heap: UnsafeMutablePointer<Int>
    private var heapCount = 0
    private let members: UnsafeMutablePointer<Int>
    /// The heap positions of the current group's members.
    private let positions: UnsafeMutablePointer<Int>
    /// A copy of the current key (the readers' own move on during the group's advance).
    private var keyCopy: UnsafeMutablePointer<UInt8>
    private var keyCopyCapacity = 256

    init(readers: [RunReader], slicePositions: Int = 1 << 20) {
        self.readers = readers
        self.slicePositions = max(slicePositions, 1)
        let n = max(readers.count, 1)
        keys = .allocate(capacity: n)
        keys.initialize(repeating: KeyHandle(), count: n)
        ranks = .allocate(capacity: n)
        ranks.initialize(repeating: 0, count: n)
        for (index, reader) in readers.enumerated() { ranks[index] = reader.rank }
        heap = .allocate(capacity: n)
        members = .allocate(capacity: n)
        positions = .allocate(capacity: n)
        keyCopy = .allocate(capacity: keyCopyCapacity)
    }

    deinit {
        keys.deallocate()
        ranks.deallocate()
        heap.deallocate()
        members.deallocate()
        positions.deallocate()
        keyCopy.deallocate()
    }

    /// The readers at one key, in rank order (valid during the `forEachKey` call that hands it over).
    struct Group: RandomAccessCollection {
        let readers: [RunReader]
        let members: UnsafeBufferPointer<Int>
        var startIndex: Int { 0 }
        var endIndex: Int { members.count }
        subscript(position: Int) -> RunReader { readers[members[position]] }
    }

    /// Where a key is and its first 8 bytes as a big-endian integer (see `RunReader.keyPrefix`).
    struct KeyHandle {
        var prefix: UInt64 = 0
        var length = 0
        var bytes: UnsafePointer<UInt8>? = nil

        /// The key of a reader past its range: above every real key, whose first byte (the field ordinal, checked
        /// by `RunReader.next`) is never 0xFF; two of them compare equal (by their lengths, 0).
        static var exhausted: KeyHandle { KeyHandle(prefix: .max, length: 0, bytes: nil) }

        /// Byte order of the keys (negative, zero, positive): the prefixes decide unless they are equal; then a
        /// key of at most 8 bytes is a prefix of the other (or equal to it), else the bytes from 8 on decide.
        @inline(__always)
        static func compare(_ a: KeyHandle, _ b: KeyHandle) -> Int {
            if a.prefix != b.prefix { return a.prefix < b.prefix ? -1 : 1 }
            if a.length <= 8 || b.length <= 8 { return a.length - b.length }
            return RunFile.compareKeys(
                UnsafeRawBufferPointer(start: a.bytes! + 8, count: a.length - 8),
                UnsafeRawBufferPointer(start: b.bytes! + 8, count: b.length - 8))
        }
    }

    @inline(__always)
    private func load(_ index: Int) {
        let reader = readers[index]
        keys[index] = KeyHandle(prefix: reader.keyPrefix, length: reader.keyLength, bytes: UnsafePointer(reader.key))
    }

    @inline(__always)
    private func less(_ a: Int, _ b: Int) -> Bool {
        let c = KeyHandle.compare(keys[a], keys[b])
        return c != 0 ? c < 0 : ranks[a] < ranks[b]
    }

    private func siftDown(_ start: Int) {
        var i = start
        let n = heapCount
        let item = heap[i]
        while true {
            let l = 2 &* i &+ 1
            if l >= n { break }
            var m = l
            if l &+ 1 < n && less(heap[l &+ 1], heap[l]) { m = l &+ 1 }
            if !less(heap[m], item) { break }
            heap[i] = heap[m]
            i = m
        }
        heap[i] = item
    }

    private func siftUp(_ start: Int) {
        var i = start
        let item = heap[i]
        while i > 0 {
            let parent = (i &- 1) / 2
            if !less(item, heap[parent]) { break }
            heap[i] = heap[parent]
            i = parent
        }
        heap[i] = item
    }

    private func push(_ index: Int) {
        heap[heapCount] = index
        heapCount += 1
        siftUp(heapCount - 1)
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
        buckets range: Range<Int>, _ body: (_ key: UnsafeRawBufferPointer, _ group: Group) throws -> Void
    ) throws {
        heapCount = 0
        for (index, reader) in readers.enumerated() {
            reader.seek(buckets: range)
            if try reader.next() {
                load(index)
                push(index)
            }
        }
        // Readers stay in the heap when their range ends, as a sentinel key above every real one.
        while heapCount > 0, keys[heap[0]].prefix != KeyHandle.exhausted.prefix {
            let top = keys[heap[0]]
            if top.length > keyCopyCapacity {
                keyCopy.deallocate()
                while keyCopyCapacity < top.length { keyCopyCapacity *= 2 }
                keyCopy = .allocate(capacity: keyCopyCapacity)
            }
            keyCopy.update(from: top.bytes!, count: top.length)
            var key = top
            key.bytes = UnsafePointer(keyCopy)
            // The group: the heap nodes at this key, which form a subtree at the root (a node's parent is never
            // greater), found without taking them off the heap; their positions go to `positions`.
            var memberCount = 1
            positions[0] = 0
            var scanned = 0
            while scanned < memberCount {
                let left = 2 &* positions[scanned] &+ 1
                scanned += 1
                var child = left
                while child <= left &+ 1 && child < heapCount {
                    if KeyHandle.compare(keys[heap[child]], key) == 0 {
                        positions[memberCount] = child
                        memberCount += 1
                    }
                    child &+= 1
                }
            }
            // Rank order for the body (a group is small: insertion sort).
            for m in 0..<memberCount { members[m] = heap[positions[m]] }
            for m in 1..<max(memberCount, 1) {
                let index = members[m]
                var n = m
                while n > 0 && ranks[members[n &- 1]] > ranks[index] {
                    members[n] = members[n &- 1]
                    n -= 1
                }
                members[n] = index
            }
            try body(
                UnsafeRawBufferPointer(start: keyCopy, count: key.length),
                Group(readers: readers, members: UnsafeBufferPointer(start: members, count: memberCount)))
            for m in 0..<memberCount {
                let index = members[m]
                let reader = readers[index]
                guard try reader.next() else {
                    keys[index] = .exhausted
                    continue
                }
                load(index)
                guard KeyHandle.compare(keys[index], key) > 0 else {
                    throw CorpusIndexError.corrupt(file: reader.path, section: "run entries", reason: "keys out of order")
                }
            }
            // Every member's key grew: restore the heap from the deepest member up (a member's subtree holds only
            // deeper positions, already in order when it is sifted). Found breadth-first, the positions ascend.
            var m = memberCount
            while m > 0 {
                m -= 1
                siftDown(positions[m])
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
