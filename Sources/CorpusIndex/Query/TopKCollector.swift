/// A ranked hit: a document and its score (or sort key).
public struct ScoredDoc: Sendable, Equatable {
    public var doc: DocID
    public var score: Double

    public init(doc: DocID, score: Double) {
        self.doc = doc
        self.score = score
    }
}

/// Keeps the best `capacity` hits seen so far: higher score first, ties broken by lower document id.
///
/// A binary min-heap whose root is the worst kept hit, so `threshold` (the score a new hit must beat once full) is
/// O(1) and an offer is O(log k). Documents must be offered in increasing id order for ties to resolve to the lower
/// id without comparing ids (an equal score never displaces). Not thread-safe.
public struct TopKCollector {
    public let capacity: Int
    private(set) var heap: [ScoredDoc] = []
    /// How many documents were scored (offered, or scored and found too low): pruning keeps this far below
    /// the match count.
    public private(set) var scored = 0

    /// A score every hit of the final top k is known to reach (e.g. the k-th of k exact scores found another
    /// way): hits below it are not kept, and pruning may start before the collector is full. `-infinity` when
    /// nothing is known.
    public let floor: Double

    public init(capacity: Int, floor: Double = -.infinity) {
        self.capacity = max(capacity, 0)
        self.floor = floor
        heap.reserveCapacity(min(self.capacity, 1 << 16))
    }

    /// Whether hits that cannot beat `threshold` may be skipped: once full, or from the start with a floor.
    @inline(__always) public var prunes: Bool { isFull || floor > -.infinity }

    /// Counts a document that was scored but not offered (it could not beat the threshold).
    @inline(__always) public mutating func countRejected() { scored &+= 1 }

    /// Whether `capacity` hits are held (from then on a hit must beat `threshold`).
    @inline(__always) public var isFull: Bool { heap.count >= capacity }

    /// The score a hit must beat (ties: a lower id than the worst kept's) to be kept: the worst kept score once
    /// full, and at least `floor`. A hit whose score bound `b` has `b * slack <= threshold` cannot be kept.
    @inline(__always) public var threshold: Double {
        isFull ? Swift.max(heap.first?.score ?? .infinity, floor) : floor
    }

    @inline(__always)
    static func worse(_ a: ScoredDoc, _ b: ScoredDoc) -> Bool {
        a.score < b.score || (a.score == b.score && a.doc > b.doc)
    }

    /// Offers a hit; returns whether it was kept.
    @discardableResult
    public mutating func offer(_ hit: ScoredDoc) -> Bool {
        scored &+= 1
        if capacity == 0 || hit.score < floor { return false }
        if heap.count < capacity {
            heap.append(hit)
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                if Self.worse(heap[i], heap[parent]) {
                    heap.swapAt(i, parent)
                    i = parent
                } else {
                    break
                }
            }
            return true
        }
        guard Self.worse(heap[0], hit) else { return false }
        heap[0] = hit
        var i = 0
        let n = heap.count
        while true {
            let l = 2 * i + 1
            if l >= n { break }
            var c = l
            if l + 1 < n && Self.worse(heap[l + 1], heap[l]) { c = l + 1 }
            if Self.worse(heap[c], heap[i]) {
                heap.swapAt(c, i)
                i = c
            } else {
                break
            }
        }
        return true
    }

    /// The kept hits, best first.
    public func sorted() -> [ScoredDoc] {
        heap.sorted { Self.worse($1, $0) }
    }
}
