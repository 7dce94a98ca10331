extension IndexSession {
    /// Opens the on-disk index in the directory `path`.
    /// - Throws: `.io`, `.corrupt`, `.formatTooOld` / `.formatTooNew`.
    public convenience init(path: String) throws {
        // Wired to IndexReader when the index format lands on main.
        throw CorpusIndexError.internalError("opening on-disk indexes is not wired yet")
    }
}
