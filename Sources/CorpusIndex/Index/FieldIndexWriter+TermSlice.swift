extension FieldIndexWriter {
    /// Writes one term as the merge finds it (`RunMerger.forEachKey`): the postings of every run in the group, in
    /// rank order (consecutive document ranges), streamed through `beginTerm` / `appendRunPostings` / `endTerm`,
    /// each run's bytes decoded and encoded in one pass. The files are those `add(term:...)` would write with the
    /// term's decoded postings.
    /// - Throws: `.corrupt` naming the run if its postings are malformed, `.invalidArgument`, `.io`.
    func addMerged(term: UnsafeRawBufferPointer, from group: RunMerger.Group) throws {
        beginTerm(term)
        for index in group.indices {
            // The group's readers outlive the call (the merger holds them): no reference counting per entry.
            unowned(unsafe) let reader = group[index]
            // A run's list comes in one piece, or in several if it is larger than the reader's buffer.
            var previous: Int64 = -1
            if reader.isResident {
                try appendRunPostings(
                    reader.postings, base: reader.documentBase, runDocumentCount: reader.documentCount,
                    previousDocument: &previous, file: reader.path)
                continue
            }
            try reader.forEachPostingsPiece { piece in
                try appendRunPostings(
                    piece, base: reader.documentBase, runDocumentCount: reader.documentCount, previousDocument: &previous,
                    file: reader.path)
            }
        }
        try endTerm()
    }
}
