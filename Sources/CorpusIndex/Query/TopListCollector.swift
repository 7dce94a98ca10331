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
    /// Every document of a term's list comes with its frequency and a bound of its score; every document of the
    /// term's postings outside the list scores at most the list's floor. The candidates are the documents of
    /// the lists. Those in every list are scored exactly from the lists alone (frequency and field length); the
    /// others, in doc-id order, only while their bound (their known bounds plus, for each other term, the smaller
    /// of its floor and its block maximum where the document would be) can still beat the k-th score, by probing the missing terms' cursors (one skip and one block decode each; an
    /// AND drops a candidate a term does not contain). A document in no list scores at most the sum of the
    /// floors: once that cannot beat the k-th score, the collector holds the exact top k (`complete`). Otherwise
    /// its k-th score is a floor for the usual algorithm. Scores are summed in scorer order, as `score(_:_:)`
    /// does. Ties are safe: a candidate is passed over only if its bound, with room for rounding, is below the
    /// k-th score, and the collector orders equal scores by doc id whatever the offering order.
    ///
    /// - Parameters:
    ///   - scorers: the query's scorers, over cursors of their own (advanced here).
    ///   - secondProbes: the same scorers over fresh cursors, for the second sweep.
    /// - Returns: nil (nothing done) if some term has no top-scoring documents.
    func collectFromTopLists(
        _ scorers: [Scorer], conjunctive: Bool, capacity: Int, secondProbes: () -> ScorerSet?
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
        let idf = scorers.map(\.weight.idf)
        var floors = [Double](repeating: 0, count: m)
        var floorSum = 0.0
        for t in 0..<m {
            floors[t] = idf[t] * lists[t].floor
            floorSum += floors[t]
        }
        let slack = Self.slack
        // Merge the lists by doc id into candidates: per candidate its doc, bound, and per term its frequency
        // in the list (0: not in the term's list).
        var docs: [DocID] = []
        var bounds: [Double] = []
        var freqs: [UInt32] = []
        var inAll: [Bool] = []
        let total = lists.reduce(0) { $0 + $1.docs.count }
        docs.reserveCapacity(total)
        bounds.reserveCapacity(total)
        freqs.reserveCapacity(total * m)
        inAll.reserveCapacity(total)
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
                    bound += idf[t] * lists[t].weightBounds[i]
                    freqs.append(lists[t].freqs[i])
                    at[t] = i + 1
                } else {
                    bound += floors[t]
                    freqs.append(0)
                    all = false
                }
            }
            docs.append(d)
            bounds.append(bound)
            inAll.append(all)
        }
        // Documents in every list: exact scores without touching the postings.
        for c in docs.indices where inAll[c] {
            let d = docs[c]
            var score = 0.0
            for t in 0..<m { score += scorers[t].score(freq: freqs[c * m + t], d, source) }
            collector.offer(ScoredDoc(doc: d, score: score))
        }
        // The others in two sweeps in doc-id order (probing cursors only move forward): first those with the
        // largest bounds, which raise the k-th score quickly, then the rest while they can still win.
        var partial: [Int] = []
        partial.reserveCapacity(docs.count)
        for c in docs.indices where !inAll[c] { partial.append(c) }
        let firstCount = max(4 * capacity, 64)
        var cut = -Double.infinity
        if partial.count > firstCount {
            var values = partial.map { bounds[$0] }
            cut = Self.largest(firstCount, of: &values)
        }
        func sweep(_ probes: [Scorer], first: Bool) {
            candidates: for c in partial where (bounds[c] >= cut) == first {
                let d = docs[c]
                if collector.prunes {
                    let theta = collector.threshold
                    var bound = bounds[c]
                    if bound * slack > theta {
                        // Tighter, still without decoding: a missing term's block maximum where `d` would be.
                        for t in 0..<m where freqs[c * m + t] == 0 {
                            probes[t].shallowAdvance(to: d)
                            let blockMax = probes[t].blockMaxScore
                            if blockMax < floors[t] { bound += blockMax - floors[t] }
                        }
                    }
                    if bound * slack <= theta {
                        collector.countRejected()
                        continue
                    }
                }
                var score = 0.0
                for t in 0..<m {
                    let f = freqs[c * m + t]
                    if f > 0 {
                        score += scorers[t].score(freq: f, d, source)
                    } else if probes[t].advance(to: d) == d {
                        score += probes[t].currentScore(d, source)
                    } else if conjunctive {
                        continue candidates
                    }
                }
                collector.offer(ScoredDoc(doc: d, score: score))
            }
        }
        sweep(scorers, first: true)
        // If after the strongest candidates the k-th score is clearly (5 %) below the sum of the floors, the
        // second sweep (weaker candidates, nearly all probed against that threshold) would rarely lift it above:
        // hand over to block-max pruning with this floor instead. Within 5 % it usually does, and costs less.
        let hopeless = !collector.isFull || floorSum > collector.threshold * 1.05
        if cut > -Double.infinity && !hopeless {
            guard let second = secondProbes() else { return nil }
            withExtendedLifetime(second) { sweep(second.scorers, first: false) }
        }
        let complete = collector.isFull && floorSum * slack <= collector.threshold
        return (collector, complete)
    }
}

extension QueryEngine {
    /// The `n`-th largest of `values` (1-based; `values` non-empty, `n <= values.count`), reordering them
    /// (quickselect).
    static func largest(_ n: Int, of values: inout [Double]) -> Double {
        var low = 0
        var high = values.count - 1
        let target = n - 1
        while low < high {
            let pivot = values[(low + high) >> 1]
            var i = low
            var j = high
            while i <= j {
                while values[i] > pivot { i += 1 }
                while values[j] < pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if target <= j { high = j } else if target >= i { low = i } else { break }
        }
        return values[target]
    }
}
