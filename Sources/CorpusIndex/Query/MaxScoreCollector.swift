extension QueryEngine {
    /// Whether `node` is a disjunction of plain terms (or one term): its matches are exactly the union of its
    /// scoring terms, so MaxScore can run on the scorers' own cursors without a separate filter.
    static func isPureDisjunction(_ node: QueryNode) -> Bool {
        switch node {
        case .term: return true
        case let .or(children): return children.allSatisfy { if case .term = $0 { return true } else { return false } }
        default: return false
        }
    }

    /// Top-k of a pure disjunction by MaxScore (Turtle & Flood).
    ///
    /// Terms are ordered by their whole-list score bound (BM25 at the term's largest frequency and smallest
    /// field length). Once the k-th score reaches the summed bounds of the weakest terms, those become
    /// non-essential: candidates come only from the essential terms' cursors, and a non-essential term is
    /// probed (`advance(to:)`) only while the running score plus the remaining bounds can still beat the
    /// threshold. Candidates are also taken in windows ending at the nearest block end of an essential term: when
    /// the essential terms' block maxima plus the non-essential bounds cannot beat the threshold, the whole window
    /// is skipped without decoding (block-max MaxScore, as in Lucene's MaxScoreBulkScorer). Exact scores, the
    /// same results as exhaustive evaluation; ties to the lower document id. The kept score is summed in the
    /// scorers' order, as `score(_:_:)` does (the essential terms change as the threshold rises, so the order
    /// the terms are visited in does too: two documents with equal scores must not differ by a rounding).
    func collectMaxScore(_ scorers: [Scorer], _ collector: inout TopKCollector) {
        let order = scorers.indices.sorted { scorers[$0].maxScore < scorers[$1].maxScore }
        let sorted = order.map { scorers[$0] }
        let n = sorted.count
        guard n > 0 else { return }
        // rank[j]: where scorer j sits in `sorted`; contribution[i]: term i's score in the current candidate.
        var rank = [Int](repeating: 0, count: n)
        for (i, j) in order.enumerated() { rank[j] = i }
        var contribution = [Double](repeating: 0, count: n)
        var prefixBound = [Double](repeating: 0, count: n)  // sum of maxScore of terms 0...i
        var running = 0.0
        for i in 0..<n {
            running += sorted[i].maxScore
            prefixBound[i] = running
        }
        for s in sorted { s.next() }
        var firstEssential = 0
        let slack = Self.slack
        while collector.prunes && firstEssential < n && prefixBound[firstEssential] * slack <= collector.threshold {
            firstEssential += 1
        }
        // The current window [.., windowEnd], within one block of every term: each term's block maximum there,
        // their running sums (`blockPrefix[i]`: terms 0...i) and their total.
        var windowEnd: DocID = 0
        var windowBound = Double.infinity
        var haveWindow = false
        var blockPrefix = [Double](repeating: .infinity, count: n)
        // With one essential term: the smallest frequency that can beat the threshold in the current window.
        var minimumFreq: UInt32 = 0
        var minimumFreqTheta = -Double.infinity
        while firstEssential < n {
            // The candidate: the smallest current doc among essential terms.
            var d = noMoreDocs
            for i in firstEssential..<n where sorted[i].doc < d { d = sorted[i].doc }
            if d == noMoreDocs { break }
            let theta = collector.threshold
            if collector.prunes {
                // Block-max window: up to the nearest block end of any term, every document scores at most the
                // sum of the terms' block maxima (the non-essential terms' included: tighter than their whole-list
                // bounds, as Lucene's MaxScoreBulkScorer does).
                if !haveWindow || d > windowEnd {
                    windowEnd = noMoreDocs
                    var sum = 0.0
                    for i in 0..<n {
                        let c = sorted[i]
                        c.shallowAdvance(to: d)
                        let last = c.blockLastDoc
                        if last < windowEnd { windowEnd = last }
                        sum += c.blockMaxScore
                        blockPrefix[i] = sum
                    }
                    windowBound = sum
                    haveWindow = true
                    minimumFreqTheta = -.infinity
                }
                if windowBound * slack <= theta {
                    guard let next = Self.nextViableWindow(sorted, 0..<n, after: windowEnd, base: 0, threshold: theta)
                    else { break }
                    haveWindow = false
                    for i in firstEssential..<n where sorted[i].doc < next.start { sorted[i].advance(to: next.start) }
                    continue
                }
                let base = firstEssential > 0 ? min(prefixBound[firstEssential - 1], blockPrefix[firstEssential - 1]) : 0
                if firstEssential == n - 1 {
                    // One essential term: in this window a document scores at most BM25(tf, the block's smallest
                    // length) plus the non-essential bounds, so a frequency below `minimumFreq` cannot win; such
                    // documents are passed over on an integer comparison.
                    let c = sorted[n - 1]
                    if minimumFreqTheta != theta {
                        minimumFreq = Self.minimumFrequency(
                            sorted[n - 1].weight, minLength: c.blockMinFieldLength, maxFreq: c.blockMaxFreq, base: base,
                            threshold: theta)
                        minimumFreqTheta = theta
                    }
                    if c.freq < minimumFreq {
                        c.next(minimumFrequency: minimumFreq, upTo: windowEnd)
                        continue
                    }
                }
            }
            var score = 0.0
            for i in 0..<n { contribution[i] = 0 }
            for i in firstEssential..<n where sorted[i].doc == d {
                contribution[i] = sorted[i].currentScore(d, source)
                score += contribution[i]
            }
            // Non-essential terms, strongest first, while they can still lift the score above the threshold.
            var i = firstEssential - 1
            var viable = true
            while i >= 0 {
                // What terms 0...i can still add: their whole-list bounds, or (full collector, so inside a
                // window) their block maxima there, whichever is smaller.
                let remaining = collector.prunes ? min(prefixBound[i], blockPrefix[i]) : prefixBound[i]
                if (score + remaining) * slack <= theta {
                    viable = false
                    break
                }
                let c = sorted[i]
                if c.advance(to: d) == d {
                    contribution[i] = sorted[i].currentScore(d, source)
                    score += contribution[i]
                }
                i -= 1
            }
            if viable {
                // Every term was visited: the same sum as `score(_:_:)` (absent terms add 0).
                score = 0
                for j in 0..<n { score += contribution[rank[j]] }
            }
            if !(viable && (!collector.isFull || score > theta)) { collector.countRejected() }
            if viable && (!collector.isFull || score > theta) {
                collector.offer(ScoredDoc(doc: d, score: score))
                let t = collector.threshold
                if collector.prunes {
                    while firstEssential < n && prefixBound[firstEssential] * slack <= t {
                        firstEssential += 1
                        haveWindow = false
                    }
                    minimumFreqTheta = -.infinity
                }
            }
            for j in firstEssential..<n where sorted[j].doc == d { sorted[j].next() }
        }
    }

    /// The smallest frequency whose BM25 at `minLength`, plus `base`, could beat `threshold` (`maxFreq + 1` if
    /// none up to the block's largest frequency can).
    static func minimumFrequency(_ weight: BM25, minLength: UInt32, maxFreq: UInt32, base: Double, threshold: Double) -> UInt32 {
        var tf: UInt32 = 1
        while tf <= maxFreq {
            if (weight.score(tf: tf, fieldLength: minLength) + base) * slack > threshold { return tf }
            tf += 1
        }
        return maxFreq &+ 1
    }
}
