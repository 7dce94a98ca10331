extension QueryEngine {
    /// The largest ratio of a child's cost to the rarest child's for which counting with bitsets beats leapfrog.
    static var denseIntersectionRatio: Int { 16 }

    /// The size of the intersection of fresh cursors `children` (rarest first), counted with bitsets when they
    /// are of comparable size: the rarest child's documents set bits, each further child keeps the bits it also
    /// has, the last one counts them. Every list is read once in whole decoded blocks (`forEachRun`), with no
    /// call per document, where leapfrog pays two cursor calls per candidate; memory is one bit per document
    /// (two bitsets). nil, with the cursors untouched, when a child is more than `denseIntersectionRatio` times
    /// the rarest (leapfrog skips most of such a list).
    static func countIntersection(_ children: [DocCursor], documentCount: Int) -> Int? {
        guard children.count >= 2, documentCount > 0 else { return nil }
        let lead = max(children[0].cost, 1)
        guard children.allSatisfy({ $0.cost <= denseIntersectionRatio * lead }) else { return nil }
        let words = (documentCount + 63) >> 6
        let limit = DocID(clamping: documentCount)
        var bits = [UInt64](repeating: 0, count: words)
        var kept = [UInt64](repeating: 0, count: words)
        var count = 0
        bits.withUnsafeMutableBufferPointer { first in
            kept.withUnsafeMutableBufferPointer { second in
                // Local copies of the two buffers, swapped after each filtering pass (the closures' own must not be).
                var bits = first
                var kept = second
                children[0].forEachRun { run in
                    for d in run where d < limit { bits[Int(d >> 6)] |= 1 &<< UInt64(d & 63) }
                }
                for (i, child) in children.enumerated().dropFirst() {
                    let last = i == children.count - 1
                    if !last { kept.update(repeating: 0) }
                    child.forEachRun { run in
                        for d in run where d < limit {
                            let w = Int(d >> 6)
                            let mask: UInt64 = 1 &<< UInt64(d & 63)
                            if bits[w] & mask != 0 {
                                if last { count += 1 } else { kept[w] |= mask }
                            }
                        }
                    }
                    if !last { swap(&bits, &kept) }
                }
            }
        }
        return count
    }
}
