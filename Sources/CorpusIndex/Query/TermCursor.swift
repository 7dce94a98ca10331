/// A `DocCursor` over one term's postings, with what scoring and phrase matching need (frequency, positions).
///
/// Generic over the postings type so the hot calls are direct (specialised), not dynamic. Not thread-safe.
public final class TermCursor<P: TermPostings>: DocCursor {
    @usableFromInline var postings: P
    /// The term's dictionary statistics.
    public let statistics: TermStatistics
    /// The term's document frequency.
    public var documentFrequency: Int { statistics.documentFrequency }

    public init(_ postings: P, statistics: TermStatistics) {
        self.postings = postings
        self.statistics = statistics
        super.init()
    }

    @inlinable @discardableResult
    public override func next() -> DocID {
        postings.next()
        doc = postings.doc
        return doc
    }

    @inlinable @discardableResult
    public override func advance(to target: DocID) -> DocID {
        postings.advance(to: target)
        doc = postings.doc
        return doc
    }

    public override var cost: Int { documentFrequency }

    /// The term's frequency in the current document.
    @inlinable public var freq: UInt32 { postings.freq }

    /// Fills `buffer` with the positions in the current document.
    @inlinable public func positions(into buffer: inout [UInt32]) { postings.positions(into: &buffer) }
}

/// The documents where several terms occur at consecutive positions (`"trafficking in persons"`).
///
/// A conjunction of the terms' cursors (rarest leads); positions are decoded only for documents that contain every
/// term, and checked by walking the rarest term's positions and probing the others with a moving pointer. A
/// repeated word gets its own cursor per occurrence. Position buffers are reused across documents.
/// Not thread-safe.
public final class PhraseCursor<P: TermPostings>: ConjunctionCursor {
    let terms: [TermCursor<P>]
    let offsets: [UInt32]
    var buffers: [[UInt32]]
    var pointers: [Int]

    /// - Parameters:
    ///   - terms: one cursor per phrase word, in phrase order.
    public init(terms: [TermCursor<P>]) {
        self.terms = terms
        offsets = (0..<terms.count).map { UInt32($0) }
        buffers = Array(repeating: [], count: terms.count)
        pointers = Array(repeating: 0, count: terms.count)
        super.init(terms)
    }

    public override func verify(_ doc: DocID) -> Bool {
        let n = terms.count
        for i in 0..<n {
            terms[i].positions(into: &buffers[i])
            pointers[i] = 0
        }
        // Anchor on word 0: a start s matches when every word i has position s + i.
        let anchor = buffers[0]
        for start in anchor {
            var all = true
            for i in 1..<n {
                let want = start &+ offsets[i]
                var p = pointers[i]
                let list = buffers[i]
                while p < list.count && list[p] < want { p += 1 }
                pointers[i] = p
                if p == list.count { return false }
                if list[p] != want {
                    all = false
                    break
                }
            }
            if all { return true }
        }
        return false
    }
}
