extension QueryEngine {
    /// Top-k of a query whose filter is a conjunction (AND of clauses, or a phrase), with pruning per block and
    /// per document (Lucene's BlockMaxConjunctionScorer, PISA's block-max ranked AND).
    ///
    /// Candidates come from the rarest child. Once the collector is full, documents are taken in windows ending
    /// at the nearest block end of a scoring term; a window whose summed block maxima cannot beat the threshold
    /// is skipped on the skip data alone. Inside a window each candidate is checked child by child, rarest first:
    /// a child that is a scoring term adds its exact score and gives back its block maximum, and as soon as the
    /// score so far plus the block maxima still unchecked cannot beat the threshold, the candidate is dropped
    /// before the dearer children are advanced to it. Phrase positions (`verify`) are decoded last, only for
    /// candidates that could still enter the top k. The kept score is the same `score(_:_:)` as the generic
    /// path, so results equal exhaustive evaluation (ties to the lower id).
    func collectConjunction(_ conjunction: ConjunctionCursor, _ scorers: [Scorer], _ collector: inout TopKCollector) {
        // The children without reference counting in the loop (`conjunction` owns them throughout).
        let children = conjunction.children.map(UnownedCursor.init)
        let n = children.count
        let m = scorers.count
        let childScorer = children.map { c in scorers.firstIndex { $0.cursor === c.cursor } ?? -1 }
        // Per scorer: its block maximum in the current window.
        var blockMax = [Double](repeating: .infinity, count: m)
        var windowEnd: DocID = 0
        var windowBound = Double.infinity
        var haveWindow = false
        // When the rarest child is a scoring term: in the current window, the smallest frequency with which it can
        // still lift a document above the threshold (`leadMinimumFreq`, for `leadMinimumTheta`).
        let leadScorer = childScorer[0] >= 0 ? scorers[childScorer[0]] : nil
        var leadMinimumFreq: UInt32 = 0
        var leadMinimumTheta = -Double.infinity
        let slack = Self.slack
        let lead = children[0]
        var d = lead.next()
        candidates: while d != noMoreDocs {
            let full = collector.prunes
            let theta = collector.threshold
            var rest = Double.infinity
            if full && m > 0 {
                if !haveWindow || d > windowEnd {
                    windowBound = 0
                    windowEnd = noMoreDocs
                    for j in 0..<m {
                        let c = scorers[j]
                        c.shallowAdvance(to: d)
                        let last = c.blockLastDoc
                        if last < windowEnd { windowEnd = last }
                        blockMax[j] = c.blockMaxScore
                        windowBound += blockMax[j]
                    }
                    haveWindow = true
                    leadMinimumTheta = -.infinity
                }
                if windowBound * slack <= theta {
                    guard let next = Self.nextViableWindow(
                        scorers, 0..<m, after: windowEnd, base: 0, threshold: theta)
                    else { break }
                    haveWindow = false
                    d = lead.advance(to: next.start)
                    continue
                }
                rest = windowBound
                if let s = leadScorer {
                    let c = s
                    if leadMinimumTheta != theta {
                        leadMinimumFreq = Self.minimumFrequency(
                            s.weight, minLength: c.blockMinFieldLength, maxFreq: c.blockMaxFreq,
                            base: windowBound - blockMax[childScorer[0]], threshold: theta)
                        leadMinimumTheta = theta
                    }
                    if c.freq < leadMinimumFreq {
                        collector.countRejected()
                        d = c.next(minimumFrequency: leadMinimumFreq, upTo: windowEnd)
                        continue
                    }
                }
            }
            var partial = 0.0
            var i = 0
            while i < n {
                if i > 0 {
                    let e = children[i].advance(to: d)
                    if e != d {
                        d = lead.advance(to: e)
                        continue candidates
                    }
                }
                let j = childScorer[i]
                if full && j >= 0 {
                    partial += scorers[j].currentScore(d, source)
                    rest -= blockMax[j]
                    if (partial + rest) * slack <= theta {
                        collector.countRejected()
                        d = lead.next()
                        continue candidates
                    }
                }
                i += 1
            }
            if conjunction.verify(d) {
                collector.offer(ScoredDoc(doc: d, score: score(d, scorers)))
            }
            d = lead.next()
        }
    }
}

/// A cursor reference whose calls cost no reference counting (`Unmanaged`, called through
/// `_withUnsafeGuaranteedRef`); whoever made it keeps the cursor alive.
struct UnownedCursor {
    private let ref: Unmanaged<DocCursor>
    init(_ cursor: DocCursor) { ref = .passUnretained(cursor) }
    /// The cursor (a strong reference: for identity checks and cold paths).
    var cursor: DocCursor { ref.takeUnretainedValue() }
    @inline(__always) @discardableResult func next() -> DocID { ref._withUnsafeGuaranteedRef { $0.next() } }
    @inline(__always) @discardableResult func advance(to target: DocID) -> DocID {
        ref._withUnsafeGuaranteedRef { $0.advance(to: target) }
    }
}
