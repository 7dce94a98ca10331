/// Scratch for the passes that probe one term at a time over the documents still in the running
/// (`QueryEngine.settleMembers`, the band pass's stages): their indexes, the doc ids of one term's probes and the
/// answers (room for one more, so that a merge may read one past the last). One allocation, owned by the value;
/// `release` frees it. Not thread-safe.
struct ProbePassScratch {
    let alive: UnsafeMutablePointer<Int32>
    let targets: UnsafeMutablePointer<DocID>
    let answers: UnsafeMutablePointer<UInt32>
    private let storage: UnsafeMutableRawPointer

    /// Room for `count` documents.
    init(count: Int) {
        let n = max(count, 0)
        storage = .allocate(byteCount: 4 * (3 * n + 1), alignment: 4)
        alive = storage.bindMemory(to: Int32.self, capacity: n)
        targets = (storage + 4 * n).bindMemory(to: DocID.self, capacity: n)
        answers = (storage + 8 * n).bindMemory(to: UInt32.self, capacity: n + 1)
    }

    func release() { storage.deallocate() }
}
