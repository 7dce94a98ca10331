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
    /// Every document of a term's list comes with its frequency and a bound of its contribution; every document
    /// of the term's postings outside the list contributes at most the list's floor. The candidates are the
    /// documents of the lists. Those in every list are scored from the lists alone (frequency and field length).
    /// The others are taken best bound first (their list bounds plus, per missing term, its floor): their list
    /// contributions are made exact, each missing term's floor gives way to its bound at the document's length
    /// (`TopListCandidates.tightenMissing`: outside its list a term's frequency is capped by the floor, and a
    /// short document may not hold it at all, which drops it from an AND unprobed), then each missing term
    /// still needed is probed in turn, largest floor first (random
    /// access into its postings, `probeFrequency`): an absent term drops the candidate from an AND, and a
    /// candidate whose bound, with the contributions found so far, can no longer beat the k-th score is dropped
    /// before its other probes. Once the best bound left cannot beat the k-th score, every candidate is settled.
    /// A document in no list scores at most the sum of the floors: once that cannot beat the k-th score either,
    /// the collector holds the exact top k (`complete`). Otherwise its k-th score is a floor for the usual
    /// algorithm — handed over to early when, after the strongest candidates, the k-th score is clearly (5 %)
    /// below the sum of the floors: the lists would rarely decide, and the rest of their candidates would be
    /// probed for nothing. An AND is handed over earlier still when, after `decisiveSample` candidates, its
    /// decisive matches (scoring at least the sum of the floors: k of them let the lists decide) come so rarely
    /// that finding the missing ones would take more than four times the first stage. Scores are summed in scorer order, as `score(_:_:)` does. Ties are safe: a candidate
    /// is passed over only if its bound, with room for rounding, is below the k-th score, and the collector
    /// orders equal scores by doc id whatever the offering order.
    ///
    /// An AND the lists could not decide first settles the rest of its candidates in doc-id order, term by term
    /// (`settleMembers`): whether the document holds every term (probes, rarest term first), then its exact
    /// score. The k-th score is then the lists' best, and `collectBandConjunction` (whose floors bound the
    /// terms of every document outside the lists) looks only at documents in no list, reading the rarest term's
    /// runners-up, or walking its postings over a cursor `fresh` makes; the result is then complete too.
    ///
    /// - Parameters:
    ///   - scorers: the query's scorers, over cursors of their own (probed here, in no doc-id order).
    ///   - fresh: makes the same scorers over fresh cursors (for an AND's band pass, when it walks the rarest
    ///     term), or nil: then an AND the lists cannot decide is handed over unfinished.
    ///   - firstStage: the size of the best-bound stage (by default `max(4 * capacity, 64)`); tests set it small
    ///     to drive small corpora's candidates through the later stages.
    /// - Returns: nil (nothing done) if some term has no top-scoring documents; else the collector, whether it
    ///   holds the exact top k, and whether the band pass read the lead's runners-up rather than its postings.
    func collectFromTopLists(
        _ scorers: [Scorer], conjunctive: Bool, capacity: Int, firstStage: Int? = nil,
        fresh: (() -> ScorerSet)? = nil
    ) -> (collector: TopKCollector, complete: Bool, readRunnersUp: Bool)? {
        let m = scorers.count
        guard m > 0, m <= 16 else { return nil }
        var lists: [TopScoringList] = []
        lists.reserveCapacity(m)
        for s in scorers {
            guard let list = s.topScoringDocuments() else { return nil }
            lists.append(list)
        }
        let merged = TopListCandidates(lists, scorers)
        defer { merged.release() }
        var collector = TopKCollector(capacity: capacity)
        let slack = Self.slack
        let floors = merged.floors
        let floorSum = merged.floorSum
        let parts = UnsafeMutablePointer<Double>.allocate(capacity: 2 * m)
        defer { parts.deallocate() }
        let missing = parts + m
        let terms = Array(0..<m)
        // Matches scoring at least this much are what lets the lists decide (k of them put the k-th score
        // above every document outside the lists); `decisiveCount` counts them, `decisiveTaken` those among
        // the best-bound stage's.
        let decisive = floorSum * slack
        var decisiveCount = 0
        var decisiveTaken = 0
        @inline(__always) func exact(_ c: Int) -> Double {
            merged.listedParts(c, doc: merged.docs[c], terms: terms, scorers, source, into: parts)
        }
        // Candidates in every list: exact scores without touching the postings.
        for k in 0..<merged.inAllCount {
            let c = Int(merged.inAll[k])
            _ = exact(c)
            var score = 0.0
            for t in 0..<m { score += parts[t] }
            if score >= decisive { decisiveCount += 1 }
            collector.offer(ScoredDoc(doc: merged.docs[c], score: score))
        }
        // Settles candidate `c` (not settled before): its listed terms exact, its missing terms bounded at its
        // length, then probed in turn (largest floor first) while it can still beat the k-th score.
        let order = (0..<m).sorted { floors[$0] > floors[$1] }
        func settle(_ c: Int) {
            let d = merged.docs[c]
            var bound = exact(c)
            // A missing term that cannot occur in the document drops it from an AND.
            guard !(collector.prunes && bound * slack <= collector.threshold),
                merged.tightenMissing(d, conjunctive: conjunctive, scorers, source, parts: parts, into: missing, bound: &bound)
            else { return collector.countRejected() }
            for t in order where parts[t] < 0 {
                if collector.prunes && bound * slack <= collector.threshold { return collector.countRejected() }
                let f = scorers[t].probeFrequency(d)
                if f == 0 && conjunctive { return collector.countRejected() }
                parts[t] = f > 0 ? scorers[t].score(freq: f, d, source) : 0
                bound += parts[t] - missing[t]
            }
            if collector.prunes && bound * slack <= collector.threshold { return collector.countRejected() }
            var score = 0.0
            for t in 0..<m { score += parts[t] }
            if score >= decisive {
                decisiveCount += 1
                decisiveTaken += 1
            }
            collector.offer(ScoredDoc(doc: d, score: score))
        }
        // The others, the strongest best bound first (`settled` marks the candidates done).
        let settled = UnsafeMutablePointer<Bool>.allocate(capacity: max(merged.count, 1))
        settled.initialize(repeating: false, count: max(merged.count, 1))
        defer { settled.deallocate() }
        for k in 0..<merged.inAllCount { settled[Int(merged.inAll[k])] = true }
        var heap = BoundHeap(merged.partial, count: merged.partialCount, bounds: merged.bounds)
        let firstCount = firstStage ?? max(4 * capacity, 64)
        var taken = 0
        while let c = heap.top {
            if collector.prunes && merged.bounds[c] * slack <= collector.threshold { break }
            if taken >= firstCount && (collector.isFull ? floorSum > collector.threshold * 1.05 : taken >= 4 * firstCount) {
                break
            }
            // An AND whose strongest candidates rarely score enough to decide is handed over early: at the rate
            // of decisive matches seen so far (half a match if none yet), finding the missing ones would take
            // more than `4 * firstCount` random settles, where the doc-id-order pass below settles every
            // candidate for less.
            if conjunctive && fresh != nil && taken >= Self.decisiveSample && decisiveCount < capacity
                && Double((capacity - decisiveCount) * taken) > Double(4 * firstCount) * max(Double(decisiveTaken), 0.5)
            {
                break
            }
            heap.pop()
            taken += 1
            settled[c] = true
            settle(c)
        }
        if collector.isFull && floorSum * slack <= collector.threshold { return (collector, true, false) }
        if conjunctive, let fresh {
            // The rest of the candidates in doc-id order (probes then move forward through each list), so that
            // the k-th score is the lists' best before the band pass looks beyond them.
            let rarestFirst = (0..<m).sorted {
                (scorers[$0].cursor.documentFrequency, $0) < (scorers[$1].cursor.documentFrequency, $1)
            }
            settleMembers(merged, settled: settled, rarestFirst: rarestFirst, scorers, into: &collector)
            if collector.isFull && floorSum * slack <= collector.threshold { return (collector, true, false) }
            let readRunnersUp = collectBandConjunction(
                scorers, lead: rarestFirst[0], lists: lists, merged, fresh: fresh, into: &collector)
            return (collector, true, readRunnersUp)
        }
        return (collector, false, false)
    }
}

extension QueryEngine {
    /// Settles the candidates of an AND's lists not `settled` yet, in doc-id order, term by term: for each term,
    /// rarest first, the candidates still in the running either hold it in its list or are probed for it
    /// (`probeFrequencies`, one pass forward through its postings); those without it are rejected. The survivors
    /// (holding every term) are scored exactly, their field lengths fetched a few documents ahead, and offered.
    ///
    /// Probing one term at a time keeps each pass inside one term's postings, where successive probes often
    /// land in the same block (answered together), and the survivors are compacted in place.
    func settleMembers(
        _ merged: TopListCandidates, settled: UnsafePointer<Bool>, rarestFirst: [Int], _ scorers: [Scorer],
        into collector: inout TopKCollector
    ) {
        let m = scorers.count
        let count = merged.count
        guard count > 0 else { return }
        let scratch = ProbePassScratch(count: count)
        let (alive, targets, answers) = (scratch.alive, scratch.targets, scratch.answers)
        let frequencies = UnsafeMutablePointer<UInt32>.allocate(capacity: count &* m)
        defer {
            scratch.release()
            frequencies.deallocate()
        }
        var n = 0
        for c in 0..<count {
            alive[n] = Int32(c)
            n &+= settled[c] ? 0 : 1
        }
        let candidates = n
        for t in rarestFirst {
            // The candidates outside term t's list, probed in one pass, in doc-id order.
            var k = 0
            for i in 0..<n {
                let c = Int(alive[i])
                targets[k] = merged.docs[c]
                k &+= merged.entries[c &* m &+ t] < 0 ? 1 : 0
            }
            scorers[t].probeFrequencies(targets, count: k, into: answers)
            answers[k] = 0
            // Each candidate's frequency: its list's, or the next probe's answer (they come in the same order).
            var j = 0
            var kept = 0
            for i in 0..<n {
                let c = Int(alive[i])
                let entry = Int(merged.entries[c &* m &+ t])
                let listed = entry >= 0
                let f = listed ? merged.freqs[max(entry, 0)] : answers[j]
                j &+= listed ? 0 : 1
                frequencies[c &* m &+ t] = f
                alive[kept] = Int32(c)
                kept &+= f != 0 ? 1 : 0
            }
            n = kept
        }
        for _ in n..<candidates { collector.countRejected() }
        let ahead = Self.lengthLookahead
        @inline(__always) func prefetchLengths(_ i: Int) {
            let d = merged.docs[Int(alive[i])]
            for t in 0..<m { scorers[t].prefetchLength(d) }
        }
        for i in 0..<min(ahead, n) { prefetchLengths(i) }
        for i in 0..<n {
            if i &+ ahead < n { prefetchLengths(i &+ ahead) }
            let c = Int(alive[i])
            let d = merged.docs[c]
            var score = 0.0
            for t in 0..<m { score += scorers[t].score(freq: frequencies[c &* m &+ t], d, source) }
            collector.offer(ScoredDoc(doc: d, score: score))
        }
    }
}

extension QueryEngine {
    /// How many best-bound candidates `collectFromTopLists` settles before it judges, from the share of decisive
    /// matches among them, whether an AND's lists are likely to decide.
    static var decisiveSample: Int { 16 }
}

/// The candidates of `collectFromTopLists`: the documents of some terms' top-scoring lists, merged by doc id, in
/// buffers of its own (`release` frees them). Per candidate: its doc, its bound (each list's bound of its
/// contribution, or the list's floor where the list lacks it), and per term its entry in the flattened lists
/// (-1: not in that list). Candidates in every list and the others are listed apart, in doc-id order.
struct TopListCandidates {
    let docs: UnsafeMutablePointer<DocID>
    let bounds: UnsafeMutablePointer<Double>
    /// Per candidate and term (`c * m + t`): the entry in the flattened lists, or -1.
    let entries: UnsafeMutablePointer<Int32>
    /// The flattened lists' frequencies, by entry.
    let freqs: UnsafeMutablePointer<UInt32>
    let inAll: UnsafeMutablePointer<Int32>
    let partial: UnsafeMutablePointer<Int32>
    private(set) var inAllCount = 0
    private(set) var partialCount = 0
    /// The number of candidates.
    var count: Int { inAllCount + partialCount }
    /// Per term: idf times its list's floor.
    let floors: [Double]
    let floorSum: Double
    /// Per term: its list's floor (`TopScoringList.floor`, a bound of the factor without idf).
    let floorWeights: [Double]
    /// Per term, `tabulatedFrequencies` field lengths from `t * tabulatedFrequencies` on: entry `k` is the
    /// smallest length at which a document outside the term's list may hold it `k + 1` times
    /// (`TopScoringDocuments.lengthThreshold`); filled on first use (`thresholdsReady`).
    private let thresholds: UnsafeMutablePointer<UInt32>
    private let thresholdsReady: UnsafeMutablePointer<Bool>
    /// Frequencies whose length thresholds are tabulated: a document long enough for more is bounded by the floor.
    static var tabulatedFrequencies: Int { 32 }

    /// Term `t`'s length thresholds, computed on first use.
    @inline(__always)
    private func lengthThresholds(_ t: Int, _ scorer: Scorer) -> UnsafeMutablePointer<UInt32> {
        let n = Self.tabulatedFrequencies
        let table = thresholds + t &* n
        if !thresholdsReady[t] {
            for k in 0..<n {
                table[k] = TopScoringDocuments.lengthThreshold(
                    tf: UInt32(k + 1), floor: floorWeights[t], averageLength: scorer.weight.averageFieldLength)
            }
            thresholdsReady[t] = true
        }
        return table
    }

    /// For each term `t` missing from a document (`parts[t] < 0`: not in its list, not probed), writes into
    /// `missing[t]` a bound of its score in `doc` outside its list (the score at the largest frequency a
    /// document of that length can have there, `TopScoringDocuments.frequencyBound` read off the length
    /// thresholds; at most `floors[t]`) and lowers `bound` from the
    /// floor to it; a term that cannot occur in `doc` gets `parts[t] = 0` (no probe needed). Returns false when
    /// the document cannot match: in a conjunction, such a term.
    @inline(__always)
    func tightenMissing(
        _ doc: DocID, conjunctive: Bool, _ scorers: [Scorer], _ source: some QuerySource,
        parts: UnsafeMutablePointer<Double>, into missing: UnsafeMutablePointer<Double>, bound: inout Double
    ) -> Bool {
        for t in 0..<scorers.count where parts[t] < 0 {
            let length = scorers[t].fieldLength(doc, source)
            let thresholds = lengthThresholds(t, scorers[t])
            var tf = 0
            while tf < Self.tabulatedFrequencies && thresholds[tf] <= length { tf &+= 1 }
            let b = tf == Self.tabulatedFrequencies
                ? floors[t] : min(floors[t], scorers[t].weight.score(tf: UInt32(tf), fieldLength: length))
            if b <= 0 {
                if conjunctive { return false }
                parts[t] = 0
            }
            missing[t] = b
            bound += b - floors[t]
        }
        return true
    }

    /// Writes into `parts[t]`, for each term `t` of `terms`, its exact contribution to `doc` when candidate `c`
    /// is in its list (from the listed frequency and the field length), else -1; returns the sum of those
    /// contributions and of the other terms' floors: a bound of their part of `doc`'s score.
    @inline(__always)
    func listedParts(
        _ c: Int, doc: DocID, terms: [Int], _ scorers: [Scorer], _ source: some QuerySource,
        into parts: UnsafeMutablePointer<Double>
    ) -> Double {
        let m = scorers.count
        var bound = 0.0
        for t in terms {
            let entry = Int(entries[c &* m &+ t])
            if entry >= 0 {
                parts[t] = scorers[t].score(freq: freqs[entry], doc, source)
                bound += parts[t]
            } else {
                parts[t] = -1
                bound += floors[t]
            }
        }
        return bound
    }

    init(_ lists: [TopScoringList], _ scorers: [Scorer]) {
        let m = lists.count
        let total = lists.reduce(0) { $0 + $1.docs.count }
        floorWeights = lists.map(\.floor)
        thresholds = .allocate(capacity: m * Self.tabulatedFrequencies)
        thresholdsReady = .allocate(capacity: m)
        thresholdsReady.initialize(repeating: false, count: m)
        floors = (0..<m).map { scorers[$0].weight.idf * lists[$0].floor }
        floorSum = floors.reduce(0, +)
        docs = .allocate(capacity: total)
        bounds = .allocate(capacity: total)
        entries = .allocate(capacity: total * m)
        freqs = .allocate(capacity: total)
        inAll = .allocate(capacity: total)
        partial = .allocate(capacity: total)
        // The lists flattened, each followed by a sentinel doc (so the merge needs no end checks), with their
        // contribution bounds.
        let flatDocs = UnsafeMutablePointer<DocID>.allocate(capacity: total + m)
        let flatBounds = UnsafeMutablePointer<Double>.allocate(capacity: total)
        let at = UnsafeMutablePointer<Int>.allocate(capacity: m)
        defer {
            flatDocs.deallocate()
            flatBounds.deallocate()
            at.deallocate()
        }
        var offset = 0
        for t in 0..<m {
            let list = lists[t]
            let idf = scorers[t].weight.idf
            at[t] = offset + t
            for i in 0..<list.docs.count {
                flatDocs[offset + t + i] = list.docs[i]
                flatBounds[offset + i] = idf * list.weightBounds[i]
                freqs[offset + i] = list.freqs[i]
            }
            offset += list.docs.count
            flatDocs[offset + t] = noMoreDocs
        }
        var c = 0
        while true {
            var d = noMoreDocs
            for t in 0..<m where flatDocs[at[t]] < d { d = flatDocs[at[t]] }
            if d == noMoreDocs { break }
            var bound = 0.0
            var all = true
            for t in 0..<m {
                let i = at[t]
                if flatDocs[i] == d {
                    let entry = i - t
                    bound += flatBounds[entry]
                    entries[c &* m &+ t] = Int32(entry)
                    at[t] = i + 1
                } else {
                    bound += floors[t]
                    entries[c &* m &+ t] = -1
                    all = false
                }
            }
            docs[c] = d
            bounds[c] = bound
            if all {
                inAll[inAllCount] = Int32(c)
                inAllCount += 1
            } else {
                partial[partialCount] = Int32(c)
                partialCount += 1
            }
            c += 1
        }
    }

    func release() {
        thresholds.deallocate()
        thresholdsReady.deallocate()
        docs.deallocate()
        bounds.deallocate()
        entries.deallocate()
        freqs.deallocate()
        inAll.deallocate()
        partial.deallocate()
    }
}

/// A binary max-heap, in place over `items[0..<count]` (candidate indexes), ordered by `bounds` (ties: the
/// lower index first, so the order is deterministic). Not thread-safe.
struct BoundHeap {
    private let items: UnsafeMutablePointer<Int32>
    private var count: Int
    private let bounds: UnsafePointer<Double>

    init(_ items: UnsafeMutablePointer<Int32>, count: Int, bounds: UnsafeMutablePointer<Double>) {
        self.items = items
        self.count = count
        self.bounds = UnsafePointer(bounds)
        for i in stride(from: count / 2 - 1, through: 0, by: -1) { siftDown(i) }
    }

    /// The candidate with the largest bound, or nil when empty.
    var top: Int? { count == 0 ? nil : Int(items[0]) }

    @inline(__always) private func above(_ a: Int32, _ b: Int32) -> Bool {
        let (x, y) = (bounds[Int(a)], bounds[Int(b)])
        return x > y || (x == y && a < b)
    }

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
