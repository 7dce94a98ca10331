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
    /// same results as exhaustive evaluation; ties to the lower document id.
    func collectMaxScore(_ scorers: [Scorer], _ collector: inout TopKCollector) {
        let sorted = scorers.sorted { $0.maxScore < $1.maxScore }
        let n = sorted.count
        guard n > 0 else { return }
        var prefixBound = [Double](repeating: 0, count: n)  // sum of maxScore of terms 0...i
        var running = 0.0
        for i in 0..<n {
            running += sorted[i].maxScore
            prefixBound[i] = running
        }
        for s in sorted { s.cursor.next() }
        var firstEssential = 0
        let slack = Self.slack
        // The current window [.., windowEnd] where the essential terms' block bounds hold, and its bound.
        var windowEnd: DocID = 0
        var windowBound = Double.infinity
        var haveWindow = false
        // With one essential term: the smallest frequency that can beat the threshold in the current window.
        var minimumFreq: UInt32 = 0
        var minimumFreqTheta = -Double.infinity
        while firstEssential < n {
            // The candidate: the smallest current doc among essential terms.
            var d = noMoreDocs
            for i in firstEssential..<n where sorted[i].cursor.doc < d { d = sorted[i].cursor.doc }
            if d == noMoreDocs { break }
            let theta = collector.threshold
            if collector.isFull {
                // Block-max window: up to the nearest end of an essential term's block, every document scores at
                // most the essential terms' block maxima plus the non-essential terms' whole-list bounds.
                let base = firstEssential > 0 ? prefixBound[firstEssential - 1] : 0
                if !haveWindow || d > windowEnd {
                    (windowBound, windowEnd) = Self.blockBound(sorted, firstEssential..<n, at: d, base: base)
                    haveWindow = true
                    minimumFreqTheta = -.infinity
                }
                if windowBound * slack <= theta {
                    guard let next = Self.nextViableWindow(
                        sorted, firstEssential..<n, after: windowEnd, base: base, threshold: theta)
                    else { break }
                    (windowBound, windowEnd) = (next.bound, next.end)
                    minimumFreqTheta = -.infinity
                    for i in firstEssential..<n where sorted[i].cursor.doc < next.start { sorted[i].cursor.advance(to: next.start) }
                    continue
                }
                if firstEssential == n - 1 {
                    // One essential term: in this window a document scores at most BM25(tf, the block's smallest
                    // length) plus the non-essential bounds, so a frequency below `minimumFreq` cannot win; such
                    // documents are passed over on an integer comparison.
                    let c = sorted[n - 1].cursor
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
            for i in firstEssential..<n where sorted[i].cursor.doc == d {
                score += sorted[i].currentScore(d, source)
            }
            // Non-essential terms, strongest first, while they can still lift the score above the threshold.
            var i = firstEssential - 1
            var viable = true
            while i >= 0 {
                if (score + prefixBound[i]) * slack <= theta {
                    viable = false
                    break
                }
                let c = sorted[i].cursor
                if collector.isFull && c.doc < d {
                    // Tighter than the whole-list bound: the term's maximum in the block that would hold `d`,
                    // from the skip data, before decoding that block.
                    c.shallowAdvance(to: d)
                    let others = i > 0 ? prefixBound[i - 1] : 0
                    if (score + c.blockMaxScore(sorted[i].weight) + others) * slack <= theta {
                        viable = false
                        break
                    }
                }
                if c.advance(to: d) == d {
                    score += sorted[i].currentScore(d, source)
                }
                i -= 1
            }
            if !(viable && (!collector.isFull || score > theta)) { collector.countRejected() }
            if viable && (!collector.isFull || score > theta) {
                collector.offer(ScoredDoc(doc: d, score: score))
                let t = collector.threshold
                if collector.isFull {
                    while firstEssential < n && prefixBound[firstEssential] * slack <= t {
                        firstEssential += 1
                        haveWindow = false
                    }
                    minimumFreqTheta = -.infinity
                }
            }
            for j in firstEssential..<n where sorted[j].cursor.doc == d { sorted[j].cursor.next() }
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
