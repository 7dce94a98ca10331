/// The runners-up of a query's terms (`TopScoringRunnersUp`), looked up in doc-id order: whether a document is
/// among a term's runners-up, and how often it holds the term there. Outside a term's top-scoring list and its
/// runners-up the term contributes at most `floors[t]` (idf times the runners-up floor; the list's floor for a
/// term without runners-up, from an index written before them). Copies the runners-up into one buffer with a
/// sentinel after each term's (so a lookup needs no end check); `release` frees it. Not thread-safe.
struct RunnersUpLookup {
    /// Per term: idf times the floor outside its list and its runners-up.
    let floors: [Double]
    private let docs: UnsafeMutablePointer<DocID>
    private let freqs: UnsafeMutablePointer<UInt32>
    /// Per term: where the last lookup stopped.
    private let positions: UnsafeMutablePointer<Int>

    /// Reads the runners-up of `scorers`' terms through their top-scoring `lists` (one per scorer).
    init(_ scorers: [Scorer], _ lists: [TopScoringList]) {
        let m = scorers.count
        let runners = (0..<m).map { scorers[$0].runnersUp(of: lists[$0]) }
        floors = (0..<m).map { scorers[$0].weight.idf * (runners[$0]?.floor ?? lists[$0].floor) }
        let total = runners.reduce(m) { $0 + ($1?.docs.count ?? 0) }
        docs = .allocate(capacity: total)
        freqs = .allocate(capacity: total)
        positions = .allocate(capacity: max(m, 1))
        var at = 0
        for t in 0..<m {
            positions[t] = at
            if let r = runners[t] {
                r.docs.withUnsafeBufferPointer { (docs + at).update(from: $0.baseAddress!, count: $0.count) }
                r.freqs.withUnsafeBufferPointer { (freqs + at).update(from: $0.baseAddress!, count: $0.count) }
                at += r.docs.count
            }
            docs[at] = noMoreDocs
            freqs[at] = 0
            at += 1
        }
    }

    func release() {
        docs.deallocate()
        freqs.deallocate()
        positions.deallocate()
    }

    /// Term `t`'s frequency in `doc` if `doc` is among its runners-up, else 0. The documents looked up for one
    /// term must not decrease.
    @inline(__always)
    func frequency(_ t: Int, _ doc: DocID) -> UInt32 {
        var i = positions[t]
        while docs[i] < doc { i &+= 1 }
        positions[t] = i
        return docs[i] == doc ? freqs[i] : 0
    }
}
