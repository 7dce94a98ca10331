extension QueryEngine {
    /// Top-k of an AND of terms that all carry top-scoring documents, once the lists could not prove the top k
    /// alone: one pass over the rarest term's postings (the lead) for the documents in no list, in which each
    /// other term is bounded by what its list says rather than by its block maxima.
    ///
    /// The candidates of the lists (`merged`) are settled before this pass (`collectFromTopLists` scores or
    /// rules out each), so the k-th score is already the lists' best and the pass passes over them. A document
    /// in no list gets at most its floor from each term, so next to the lead's own exact score the others add at
    /// most the sum of their floors: unless the lead's contribution beats the k-th score minus that sum — a
    /// narrow band just below the lead's floor — the document is dropped without probing the other terms. When
    /// the lead's runners-up (`TopScoringRunnersUp`) reach below that band (their floor times idf, plus the
    /// others' floors, cannot beat the k-th score), every document of the band is among them, and the pass reads
    /// them alone, a few thousand documents with their frequencies, fetching field lengths ahead, and weighs
    /// those within the band stage by stage (bounds, then one term's probes at a time, then offers). Otherwise the
    /// lead's postings are scanned for such documents on their decoded frequencies and the field's lengths
    /// alone (an exact length limit per frequency, `lengthLimits`), never stopping on the others. For a
    /// document in the band the floors then give way to the bounds at its length
    /// (`TopListCandidates.tightenMissing`), which drops a document too short to hold a term outside its list.
    /// The other terms are probed (random access, `probeFrequency`) only for the documents still in the
    /// running, largest floor first, each probe refining the bound. Every match of the AND is in the lead's
    /// postings, so the collector then holds the exact top k; scores are summed in scorer order, as
    /// `score(_:_:)` does, and ties resolve by doc id whatever the order of offers (`TopKCollector`).
    ///
    /// - Parameters:
    ///   - scorers: the terms' scorers over the cursors the candidates were probed with (random access only;
    ///     their skip tables are decoded already).
    ///   - lead: the rarest term.
    ///   - lists: the terms' top-scoring lists (the lead's runners-up are read through its own).
    ///   - merged: the documents of the terms' top-scoring lists, in doc-id order (passed over).
    ///   - fresh: the same scorers over fresh cursors, made only when the lead's postings must be walked.
    ///   - collector: the exact top k among `merged`'s documents; on return, among all matches.
    /// - Returns: whether the pass read the lead's runners-up rather than its postings.
    @discardableResult
    func collectBandConjunction(
        _ scorers: [Scorer], lead: Int, lists: [TopScoringList], _ merged: TopListCandidates,
        fresh: () -> ScorerSet, into collector: inout TopKCollector
    ) -> Bool {
        let m = scorers.count
        guard m > 0 else { return false }
        let slack = Self.slack
        let floors = merged.floors
        let others = (0..<m).filter { $0 != lead }.sorted { floors[$0] > floors[$1] }
        let othersFloor = others.reduce(0.0) { $0 + floors[$1] }
        let leader = scorers[lead]
        let limits = UnsafeMutablePointer<UInt32>.allocate(capacity: Self.lengthLimitCount)
        defer { limits.deallocate() }
        // The next candidate of the lists from the lead's document on.
        var c = 0
        var nextCandidate = merged.count > 0 ? merged.docs[0] : noMoreDocs
        /// Whether `d` (not below the last document asked about) is a candidate of the lists.
        @inline(__always) func isCandidate(_ d: DocID) -> Bool {
            while nextCandidate < d {
                c += 1
                nextCandidate = c < merged.count ? merged.docs[c] : noMoreDocs
            }
            return d == nextCandidate
        }
        /// Offers those of `count` documents of the lead in no list (in doc-id order; `docs(j)` the j-th,
        /// `leadScore(j)` the lead's exact contribution to it) that beat the k-th score, stage by stage: the others'
        /// floors, then their bounds at each document's length (`TopListCandidates.tightenMissing`, which drops a
        /// document too short to hold a term outside its list), then each other term probed for the documents
        /// still in the running, largest floor first, each probe refining the bound, then the offers. The k-th
        /// score the stages test against is the one they start with (offers come last): a lower bound of the
        /// final one, so no document of the top k is dropped.
        func considerAll(_ count: Int, docs: (Int) -> DocID, leadScore: (Int) -> Double) {
            guard count > 0 else { return }
            let theta = collector.prunes ? collector.threshold : -Double.infinity
            // Per document j: its parts at `rows + 2mj`, the bounds of its missing terms right after; its bound
            // at `bounds + j`, after every row.
            let rows = UnsafeMutablePointer<Double>.allocate(capacity: count &* (2 &* m &+ 1))
            let bounds = rows + count &* 2 &* m
            let scratch = ProbePassScratch(count: count)
            let (alive, targets, answers) = (scratch.alive, scratch.targets, scratch.answers)
            defer {
                rows.deallocate()
                scratch.release()
            }
            var n = 0
            for j in 0..<count {
                let row = rows + j &* 2 &* m
                let score = leadScore(j)
                row[lead] = score
                var bound = score + othersFloor
                for t in others { row[t] = -1 }
                let d = docs(j)
                let kept = !(bound * slack <= theta)
                    && merged.tightenMissing(d, conjunctive: true, scorers, source, parts: row, into: row + m, bound: &bound)
                    && !(bound * slack <= theta)
                bounds[j] = bound
                alive[n] = Int32(j)
                n &+= kept ? 1 : 0
            }
            var rejected = count - n
            for o in others {
                let scorer = scorers[o]
                // Term o probed for every document still in the running, in one pass.
                for i in 0..<n { targets[i] = docs(Int(alive[i])) }
                scorer.probeFrequencies(targets, count: n, into: answers)
                var kept = 0
                for i in 0..<n {
                    let j = Int(alive[i])
                    let row = rows + j &* 2 &* m
                    let d = targets[i]
                    let f = answers[i]
                    row[o] = f > 0 ? scorer.score(freq: f, d, source) : 0
                    bounds[j] += row[o] - row[m &+ o]
                    alive[kept] = Int32(j)
                    kept &+= f > 0 && !(bounds[j] * slack <= theta) ? 1 : 0
                }
                rejected &+= n - kept
                n = kept
            }
            for _ in 0..<rejected { collector.countRejected() }
            for i in 0..<n {
                let j = Int(alive[i])
                let row = rows + j &* 2 &* m
                var score = 0.0
                for t in 0..<m { score += row[t] }
                collector.offer(ScoredDoc(doc: docs(j), score: score))
            }
        }
        // When the lead's runners-up hold every document that could reach the band (outside its list and its
        // runners-up the lead contributes at most idf x their floor), the pass reads them alone.
        if collector.prunes, let runners = leader.runnersUp(of: lists[lead]),
            (leader.weight.idf * runners.floor + othersFloor) * slack <= collector.threshold
        {
            // They are far apart: their field lengths are fetched a few documents ahead. A document is weighed
            // only if its length is within the limit for its frequency (the first test of `considerAll`, exactly).
            Self.lengthLimits(leader.weight, theta: collector.threshold, othersFloor: othersFloor, into: limits)
            let ahead = Self.lengthLookahead
            let n = runners.docs.count
            // Those weighed: their index among the runners-up and their field length.
            let picked = UnsafeMutablePointer<Int32>.allocate(capacity: max(n, 1))
            let lengths = UnsafeMutablePointer<UInt32>.allocate(capacity: max(n, 1))
            defer {
                picked.deallocate()
                lengths.deallocate()
            }
            var k = 0
            for i in 0..<min(ahead, n) { leader.prefetchLength(runners.docs[i]) }
            for i in 0..<n {
                if i &+ ahead < n { leader.prefetchLength(runners.docs[i &+ ahead]) }
                let d = runners.docs[i]
                let length = leader.fieldLength(d, source)
                let limit = limits[min(Int(runners.freqs[i]), Self.lengthLimitCount - 1)]
                picked[k] = Int32(i)
                lengths[k] = length
                k &+= Int(unsafeBitCast(length <= limit, to: UInt8.self))
            }
            // Of those, the ones in no list (the lists' candidates are settled).
            var kept = 0
            for j in 0..<k {
                picked[kept] = picked[j]
                lengths[kept] = lengths[j]
                kept &+= isCandidate(runners.docs[Int(picked[j])]) ? 0 : 1
            }
            k = kept
            considerAll(
                k, docs: { runners.docs[Int(picked[$0])] },
                leadScore: { leader.weight.score(tf: runners.freqs[Int(picked[$0])], fieldLength: lengths[$0]) })
            return true
        }
        // Otherwise the lead's postings, walked on a fresh cursor.
        let set = fresh()
        defer { withExtendedLifetime(set) {} }
        let walker = set.scorers[lead]
        var limitsTheta = -Double.infinity
        // The documents found are weighed a chunk at a time.
        let chunk = Self.bandChunk
        let chunkDocs = UnsafeMutablePointer<DocID>.allocate(capacity: chunk)
        let chunkScores = UnsafeMutablePointer<Double>.allocate(capacity: chunk)
        defer {
            chunkDocs.deallocate()
            chunkScores.deallocate()
        }
        var pending = 0
        func weighPending() {
            considerAll(pending, docs: { chunkDocs[$0] }, leadScore: { chunkScores[$0] })
            pending = 0
        }
        var d = walker.next()
        while d != noMoreDocs {
            if !isCandidate(d) {
                chunkDocs[pending] = d
                chunkScores[pending] = walker.currentScore(d, source)
                pending += 1
                if pending == chunk { weighPending() }
            }
            // On to the next document whose lead contribution could reach the band.
            guard collector.prunes else {
                d = walker.next()
                continue
            }
            let now = collector.threshold
            if limitsTheta == -.infinity || now - limitsTheta > 1e-3 * abs(now) {
                Self.lengthLimits(leader.weight, theta: now, othersFloor: othersFloor, into: limits)
                limitsTheta = now
            }
            d = walker.next(lengthAtMost: limits, count: Self.lengthLimitCount)
        }
        weighPending()
        return false
    }

    /// How many documents of the lead's walked postings the band pass weighs at once (`considerAll`).
    static var bandChunk: Int { 256 }

    /// How many documents ahead the passes over far-apart documents (a list's candidates, a term's runners-up)
    /// fetch field lengths (`Scorer.prefetchLength`): a cache miss takes about as long as a dozen documents.
    static var lengthLookahead: Int { 16 }

    /// Entries of a `lengthLimits` table: frequencies from `lengthLimitCount - 1` on share the last (no limit).
    static var lengthLimitCount: Int { 64 }

    /// Per frequency `tf` (1 ..< `lengthLimitCount - 1`), the largest field length at which a document passes
    /// the band pass's first test, `(w.score(tf, length) + othersFloor) * slack > theta` (the same arithmetic,
    /// so the scan stops on no document that test would drop): 0 when none does (no document of length 0 holds
    /// the term); no limit for the last entry, or when every length passes. The score falls as the length grows,
    /// so the limit is found from the closed form and settled by evaluating the test next to it (where that does
    /// not settle within a few steps the limit errs high, up to none: a prefilter may let through what the test
    /// then drops, never the other way round).
    static func lengthLimits(
        _ w: BM25, theta: Double, othersFloor: Double, into limits: UnsafeMutablePointer<UInt32>
    ) {
        let n = lengthLimitCount
        let slack = Self.slack
        let above = theta / slack - othersFloor
        limits[0] = 0
        limits[n - 1] = .max
        @inline(__always) func passes(_ tf: UInt32, _ length: UInt32) -> Bool {
            (w.score(tf: tf, fieldLength: length) + othersFloor) * slack > theta
        }
        for tf in 1..<(n - 1) {
            guard above > 0 else {
                limits[tf] = .max
                continue
            }
            // score = scale·tf / (tf + lengthFree + perLength·len) > above  ⇔  len < (scale·tf/above − tf − lengthFree) / perLength
            let t = Double(tf)
            let closed = (w.scale * t / above - t - w.lengthFree) / w.perLength
            guard closed < Double(UInt32.max - 64) else {
                limits[tf] = .max
                continue
            }
            var length: UInt32 = closed <= 0 ? 0 : UInt32(closed)
            let f = UInt32(tf)
            var steps = 0
            if passes(f, length) {
                while passes(f, length + 1) {
                    length += 1
                    steps += 1
                    if steps == 8 {
                        length = .max
                        break
                    }
                }
            } else {
                // Every length from here up fails; unsettled, the lengths below stay in (a looser limit).
                while length > 0 && steps < 8 && !passes(f, length) {
                    length -= 1
                    steps += 1
                }
            }
            limits[tf] = length
        }
    }
}
