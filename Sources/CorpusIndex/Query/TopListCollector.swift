extension QueryEngine {
    /// Whether `node` is a plain term, an AND of plain terms or an OR of plain terms: the shapes whose top k
    /// `collectFromTopLists` can answer (nil for anything else; `true` for an AND).
    static func topListShape(_ node: QueryNode) -> Bool? {
        func allTerms(_ children: [QueryNode]) -> Bool {
            children.allSatisfy { if case .term = $0 { return true } else { return false } }
        }
        switch node {
        case .term: return false
        case let .or(children): return allTerms(children) ? false : nil
        case let .and(children): return allTerms(children) ? true : nil
        default: return nil
        }
    }

    /// Top-k of a term, an AND of terms or an OR of terms from the terms' top-scoring documents
    /// (`TopScoringList`: Fagin's threshold algorithm over precomputed champion lists), when every term has them.
    ///
    /// Every document of a term's list comes with its frequency, so its contribution is exact (with the field
    /// length); every document of the term's postings outside the list contributes at most the list's floor.
    /// The candidates are the documents of the lists. Those in every list are scored from the lists alone. The
    /// others are taken best bound first (their exact contributions plus, per missing term, its floor), each
    /// missing term probed in turn, largest floor first (random access into its postings, every decoded block
    /// kept for later probes): an absent term drops the candidate from an AND, and a candidate whose bound, with
    /// the contributions found so far, can no longer beat the k-th score is dropped before its other probes.
    /// Once the best bound left cannot beat the k-th score, every candidate is settled. A document in no list
    /// scores at most the sum of the floors: once that cannot beat the k-th score either, the collector holds the
    /// exact top k (`complete`). Otherwise its k-th score is a floor for the usual algorithm — which is handed
    /// over to early when, after the strongest candidates, the k-th score is clearly (5 %) below the sum of the
    /// floors: the lists would rarely decide, and the rest of their candidates would be probed for nothing.
    /// Scores are summed in scorer order, as `score(_:_:)` does. Ties are safe: a candidate is passed over only
    /// if its bound, with room for rounding, is below the k-th score, and the collector orders equal scores by
    /// doc id whatever the offering order.
    ///
    /// - Parameter scorers: the query's scorers, over cursors of their own (probed here, in no doc-id order).
    /// - Returns: nil (nothing done) if some term has no top-scoring documents.
    func collectFromTopLists(
        _ scorers: [Scorer], conjunctive: Bool, capacity: Int
    ) -> (collector: TopKCollector, complete: Bool)? {
        let m = scorers.count
        guard m > 0, m <= 16 else { return nil }
        var lists: [TopScoringList] = []
        lists.reserveCapacity(m)
        for s in scorers {
            guard let list = s.topScoringDocuments() else { return nil }
            lists.append(list)
        }
        var collector = TopKCollector(capacity: capacity)
        var floors = [Double](repeating: 0, count: m)
        var floorSum = 0.0
        for t in 0..<m {
            floors[t] = scorers[t].weight.idf * lists[t].floor
            floorSum += floors[t]
        }
        let slack = Self.slack
        // Merge the lists by doc id into candidates: per candidate its doc, its bound, and per term its exact
        // contribution (-1: not in the term's list).
        var docs: [DocID] = []
        var bounds: [Double] = []
        var parts: [Double] = []
        let total = lists.reduce(0) { $0 + $1.docs.count }
        docs.reserveCapacity(total)
        bounds.reserveCapacity(total)
        parts.reserveCapacity(total * m)
        var partial: [Int32] = []
        partial.reserveCapacity(total)
        var at = [Int](repeating: 0, count: m)
        while true {
            var d = noMoreDocs
            for t in 0..<m where at[t] < lists[t].docs.count && lists[t].docs[at[t]] < d { d = lists[t].docs[at[t]] }
            if d == noMoreDocs { break }
            var bound = 0.0
            var all = true
            for t in 0..<m {
                let i = at[t]
                if i < lists[t].docs.count && lists[t].docs[i] == d {
                    let s = scorers[t].score(freq: lists[t].freqs[i], d, source)
                    parts.append(s)
                    bound += s
                    at[t] = i + 1
                } else {
                    parts.append(-1)
                    bound += floors[t]
                    all = false
                }
            }
            let c = docs.count
            docs.append(d)
            bounds.append(bound)
            if all {
                // In every list: the exact score, without touching the postings.
                var score = 0.0
                for t in 0..<m { score += parts[c * m + t] }
                collector.offer(ScoredDoc(doc: d, score: score))
            } else {
                partial.append(Int32(c))
            }
        }
        // The others, best bound first (a max-heap of candidates by bound).
        var heap = BoundHeap(partial, bounds)
        let order = (0..<m).sorted { floors[$0] > floors[$1] }
        let firstCount = max(4 * capacity, 64)
        var taken = 0
        candidates: while let c = heap.top {
            if collector.prunes && bounds[c] * slack <= collector.threshold { break }
            if taken == firstCount && (!collector.isFull || floorSum > collector.threshold * 1.05) {
                return (collector, false)
            }
            heap.pop()
            taken += 1
            let d = docs[c]
            var bound = bounds[c]
            for t in order where parts[c * m + t] < 0 {
                let f = scorers[t].probeFrequency(d)
                if f == 0 && conjunctive {
                    collector.countRejected()
                    continue candidates
                }
                let s = f > 0 ? scorers[t].score(freq: f, d, source) : 0
                parts[c * m + t] = s
                bound += s - floors[t]
                if collector.prunes && bound * slack <= collector.threshold {
                    collector.countRejected()
                    continue candidates
                }
            }
            var score = 0.0
            for t in 0..<m { score += parts[c * m + t] }
            collector.offer(ScoredDoc(doc: d, score: score))
        }
        let complete = collector.isFull && floorSum * slack <= collector.threshold
        return (collector, complete)
    }
}

/// A binary max-heap of candidate indexes ordered by their bounds (ties: the lower index first, so the order
/// is deterministic). Not thread-safe.
struct BoundHeap {
    private var items: [Int32]
    private let bounds: [Double]

    init(_ items: [Int32], _ bounds: [Double]) {
        self.items = items
        self.bounds = bounds
        for i in stride(from: items.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
    }

    /// The candidate with the largest bound, or nil when empty.
    var top: Int? { items.isEmpty ? nil : Int(items[0]) }

    @inline(__always) private func above(_ a: Int32, _ b: Int32) -> Bool {
        let (x, y) = (bounds[Int(a)], bounds[Int(b)])
        return x > y || (x == y && a < b)
    }

    /// Removes the top.
    mutating func pop() {
        let last = items.removeLast()
        guard !items.isEmpty else { return }
        items[0] = last
        siftDown(0)
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        let n = items.count
        while true {
            let l = 2 * i + 1
            if l >= n { return }
            var c = l
            if l + 1 < n && above(items[l + 1], items[l]) { c = l + 1 }
            guard above(items[c], items[i]) else { return }
            items.swapAt(c, i)
            i = c
        }
    }
}
