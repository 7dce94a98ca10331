extension FieldIndexWriter {
    /// Writes one term or one slice of a term as the merge hands it over (`TermSlice`): a whole term goes through
    /// the one-shot `add`, slices through `beginTerm` / `append` / `endTerm`. The files are the same either way.
    func add(
        term: UnsafeRawBufferPointer, docs: UnsafeBufferPointer<UInt32>, freqs: UnsafeBufferPointer<UInt32>,
        positions: UnsafeBufferPointer<UInt32>, slice: TermSlice
    ) throws {
        if slice == .whole {
            try add(term: term, docs: docs, freqs: freqs, positions: positions)
            return
        }
        if slice.isFirst { beginTerm(term) }
        try append(docs: docs, freqs: freqs, positions: positions)
        if slice.isLast { try endTerm() }
    }
}
