/// The intersection of several cursors: the documents every child yields.
///
/// Leapfrog intersection led by the rarest child (lowest `cost`): the lead proposes a candidate, each other child
/// `advance(to:)`s to it (skipping whole blocks of compressed postings), and any overshoot becomes the next
/// candidate. `verify` (used by phrases) gets the last word on a candidate all children agree on.
/// Not thread-safe.
public class ConjunctionCursor: DocCursor {
    /// Children, rarest first.
    public let children: [DocCursor]
    let lead: DocCursor
    /// `children` again, read without reference counting in `settle`.
    private let unowned: [UnownedCursor]

    public init(_ children: [DocCursor]) {
        precondition(!children.isEmpty, "a conjunction needs at least one child")
        self.children = children.sorted { $0.cost < $1.cost }
        lead = self.children[0]
        unowned = self.children.map(UnownedCursor.init)
        super.init()
    }

    /// Whether a document every child is positioned on really matches (phrases check positions here).
    open func verify(_ doc: DocID) -> Bool { true }

    public override func next() -> DocID { settle(lead.next()) }

    public override func advance(to target: DocID) -> DocID {
        if doc >= target && doc != 0 { return doc }
        return settle(lead.advance(to: target))
    }

    @inline(__always)
    final func settle(_ first: DocID) -> DocID {
        var candidate = first
        let count = children.count
        outer: while candidate != noMoreDocs {
            var i = 1
            while i < count {
                let d = unowned[i].cursor.advance(to: candidate)
                if d > candidate {
                    candidate = lead.advance(to: d)
                    continue outer
                }
                i += 1
            }
            if verify(candidate) { break }
            candidate = lead.next()
        }
        doc = candidate
        return candidate
    }

    public override var cost: Int { lead.cost }
}

/// The documents of `include` that `exclude` does not yield (`a -b`, `a NOT b`, and `NOT b` as all-docs minus b).
/// Not thread-safe.
public final class ExclusionCursor: DocCursor {
    let include: DocCursor
    let exclude: DocCursor
    var started = false

    public init(include: DocCursor, exclude: DocCursor) {
        self.include = include
        self.exclude = exclude
        super.init()
    }

    public override func next() -> DocID {
        started = true
        return settle(include.next())
    }

    public override func advance(to target: DocID) -> DocID {
        if started && doc >= target { return doc }
        started = true
        return settle(include.advance(to: target))
    }

    @inline(__always)
    private func settle(_ first: DocID) -> DocID {
        var candidate = first
        while candidate != noMoreDocs {
            if exclude.doc < candidate || exclude.doc == 0 { exclude.advance(to: candidate) }
            if exclude.doc != candidate { break }
            candidate = include.next()
        }
        doc = candidate
        return candidate
    }

    public override var cost: Int { include.cost }
}
