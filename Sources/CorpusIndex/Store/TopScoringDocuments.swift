/// A long posting list's **top-scoring documents** (docs/FORMAT.md, "Top-scoring documents"): the `listLength`
/// documents with the largest BM25 frequency-and-length factor (`PostingListEncoder.termWeight`), stored in front
/// of the list's skip table with their frequencies, a 4-bit bound of each one's factor and the `floor`: a
/// bound of the factor of every document *not* in the list. With them a top-k query on common terms can score a
/// few candidates exactly and prove that no other document can enter the top k (Fagin's threshold algorithm
/// over precomputed "champion lists"), without walking the postings (see `QueryEngine.collectFromTopLists`).
///
/// Which lists carry one depends only on the document count (`Parameters`), and is stored in the postings
/// file's `TOPS` section so that readers never recompute it. Value types; `Sendable`.
public enum TopScoringDocuments {
    /// The postings file's section holding `Parameters` (text fields only).
    static let parametersSection = FourCC("TOPS")
    /// The 4-bit factor bounds run over `0 ... boundSteps` between the floor and the ceiling, quadratically (most
    /// kept documents lie just above the floor, where the steps are finest: (ceiling - floor) / 225 apart).
    static let boundSteps = 15

    /// Which lists carry top-scoring documents, and how many.
    public struct Parameters: Sendable, Equatable {
        /// Lists of at least this many documents carry one (a list-length `0` means none do).
        public var minimumDocumentFrequency: UInt32
        /// The number of documents kept (at most the list's length).
        public var listLength: UInt32
        /// The number of runners-up kept after them (the next documents by factor; at most the rest of the
        /// list): 0 in indexes written before runners-up were (an 8-byte `TOPS` section).
        public var runnerUpLength: UInt32

        /// The writer's choice for an index of `documentCount` documents: terms in at least 1/16 of the
        /// documents (the lists whose walk costs most), keeping documentCount / 256 of them (8 ... 1024), then
        /// three times as many runners-up.
        public init(documentCount: Int) {
            minimumDocumentFrequency = UInt32(clamping: max(documentCount / 16, 16))
            listLength = UInt32(clamping: min(1024, max(8, documentCount / 256)))
            runnerUpLength = 3 * listLength
        }

        init(minimumDocumentFrequency: UInt32, listLength: UInt32, runnerUpLength: UInt32 = 0) {
            self.minimumDocumentFrequency = minimumDocumentFrequency
            self.listLength = listLength
            self.runnerUpLength = runnerUpLength
        }

        /// Whether a list of `documentFrequency` documents carries top-scoring documents.
        @inline(__always) func applies(to documentFrequency: Int) -> Bool {
            listLength > 0 && documentFrequency >= Int(minimumDocumentFrequency)
        }

        /// The `TOPS` section's 12 bytes: `u32 minimumDocumentFrequency`, `u32 listLength`, `u32 runnerUpLength`.
        var bytes: [UInt8] {
            var w = ByteWriter(capacity: 12)
            w.append(minimumDocumentFrequency)
            w.append(listLength)
            w.append(runnerUpLength)
            return w.bytes
        }

        /// Reads the `TOPS` section of `file` (12 bytes, or 8 without `runnerUpLength`).
        static func read(_ file: ContainerFile) throws -> Parameters {
            var r = try file.reader(parametersSection)
            let minimum = try r.read(UInt32.self)
            let length = try r.read(UInt32.self)
            let runnersUp = r.isAtEnd ? 0 : try r.read(UInt32.self)
            guard length <= 1 << 20, length == 0 || minimum >= length else {
                throw r.corrupt("list length \(length) for lists of at least \(minimum) documents")
            }
            guard runnersUp <= 1 << 22, length > 0 || runnersUp == 0, r.isAtEnd else {
                throw r.corrupt("\(runnersUp) runners-up after lists of \(length), or more than 12 bytes")
            }
            return Parameters(minimumDocumentFrequency: minimum, listLength: length, runnerUpLength: runnersUp)
        }
    }

    /// The bound that step `q` of a list stands for: `ceiling` for `boundSteps`, else
    /// `floor + (ceiling - floor) * (q * q) / 225` in binary64.
    @inline(__always)
    static func bound(step q: Int, floor: Double, ceiling: Double) -> Double {
        q >= boundSteps ? ceiling : floor + (ceiling - floor) * Double(q * q) / Double(boundSteps * boundSteps)
    }

    /// The largest frequency that a document of field length `length` can have in a posting list without being
    /// among the list's top-scoring documents, whose `floor` bounds the factor of every other document of the
    /// list: `termWeight(tf, length) <= floor` (`PostingListEncoder.termWeight`, evaluated as the writer does)
    /// and `termWeight` grows with `tf`, so no other `tf` is possible. 0 means the term cannot occur in such a
    /// document at all: any occurrence would have put it among the top-scoring documents. The floor is given a
    /// relative 1e-12 of room, so the result never understates.
    @inline(__always)
    static func frequencyBound(length: UInt32, floor: Double, averageLength: Double) -> UInt32 {
        // tf·2.2 / (tf + c) <= floor  ⇔  tf <= floor·c / (2.2 − floor), with c the weight's length part.
        guard floor < 2.2 else { return .max }
        let average = averageLength > 0 ? averageLength : 1
        let c = 1.2 * 0.25 + (1.2 * 0.75 / average) * Double(length)
        let estimate = floor * c / (2.2 - floor)
        guard estimate < 1e9 else { return .max }
        let limit = floor * (1 + 1e-12)
        var tf = UInt32(max(0, estimate.rounded(.down)))
        while tf > 0 && PostingListEncoder.termWeight(tf: tf, length: length, averageLength: averageLength) > limit {
            tf -= 1
        }
        while PostingListEncoder.termWeight(tf: tf + 1, length: length, averageLength: averageLength) <= limit {
            tf += 1
        }
        return tf
    }

    /// The smallest field length at which `tf` occurrences keep a document's factor within `floor`
    /// (`termWeight(tf, length) <= floor`, with the same 1e-12 of room as `frequencyBound`; the factor falls as
    /// the length grows), `UInt32.max` if none below it does (field lengths never come near): a document of that length or more not among the top-scoring
    /// documents may hold the term `tf` times. So `frequencyBound(length)` is the largest `tf` whose threshold
    /// is at most `length`; the collectors tabulate the thresholds per query (`TopListCandidates`).
    static func lengthThreshold(tf: UInt32, floor: Double, averageLength: Double) -> UInt32 {
        guard tf > 0, floor < 2.2 else { return 0 }
        let average = averageLength > 0 ? averageLength : 1
        let limit = floor * (1 + 1e-12)
        @inline(__always) func fits(_ length: UInt32) -> Bool {
            PostingListEncoder.termWeight(tf: tf, length: length, averageLength: averageLength) <= limit
        }
        // tf·2.2 / (tf + 0.3 + (0.9 / average)·length) <= floor  ⇔  length >= (tf·2.2 / floor − tf − 0.3)·average / 0.9
        let t = Double(tf)
        let estimate = (t * 2.2 / floor - t - 0.3) * average / 0.9
        guard estimate < 4e9 else { return .max }
        var length = UInt32(max(0, estimate.rounded(.down)))
        while length > 0 && fits(length - 1) { length -= 1 }
        while !fits(length) {
            guard length < UInt32.max - 1 else { return .max }
            length += 1
        }
        return length
    }

    /// The smallest step whose bound is at least `weight` (`boundSteps` when `weight` reaches `ceiling`).
    static func step(for weight: Double, floor: Double, ceiling: Double) -> Int {
        guard ceiling > floor else { return boundSteps }
        let fraction = max(0, (weight - floor) / (ceiling - floor))
        var q = max(0, min(boundSteps, Int((fraction.squareRoot() * Double(boundSteps)).rounded(.up))))
        while q > 0 && bound(step: q - 1, floor: floor, ceiling: ceiling) >= weight { q -= 1 }
        while q < boundSteps && bound(step: q, floor: floor, ceiling: ceiling) < weight { q += 1 }
        return q
    }
}

/// Selects the top-scoring documents of a posting list as its postings stream by (the writer's side of
/// `TopScoringDocuments`), and encodes them. A list's first postings are only gathered (three stores each), up to
/// `gatherUpTo` of them: most lists end before the length that earns them a list, and their selection would be
/// thrown away. Past that, the best `capacity` gathered become a min-heap of the best so far (ties keep the lower
/// doc id), after which a posting costs one comparison unless it enters. The kept set is the exact top
/// `capacity` whatever the gathering limit. Buffers are reused between lists. Not thread-safe.
struct TopScoringSelector {
    /// The gathered or kept documents' factors, ids and frequencies, in buffers reused between lists and
    /// written without copy-on-write checks; grown (once) when a larger gathering limit comes.
    private final class Storage {
        private(set) var weights: UnsafeMutablePointer<Double>
        private(set) var docs: UnsafeMutablePointer<UInt32>
        private(set) var freqs: UnsafeMutablePointer<UInt32>
        private(set) var allocated: Int
        /// Scratch reused between lists by `encode`: the kept entries' indexes, (doc << 32 | index) keys, the body.
        var ranked: [Int] = []
        var keys: [UInt64] = []
        var body: [UInt8] = []

        init(_ n: Int) {
            let n = max(n, 1)
            allocated = n
            (weights, docs, freqs) = (.allocate(capacity: n), .allocate(capacity: n), .allocate(capacity: n))
        }

        /// Room for `n` documents (contents are not kept: called between lists).
        func reserve(_ n: Int) {
            guard n > allocated else { return }
            release()
            allocated = n
            (weights, docs, freqs) = (.allocate(capacity: n), .allocate(capacity: n), .allocate(capacity: n))
        }

        private func release() {
            weights.deallocate()
            docs.deallocate()
            freqs.deallocate()
        }

        deinit { release() }
    }

    /// The most postings gathered before the heap starts (16 bytes each: 1 MiB), whatever the index size.
    static let maximumGather = 1 << 16

    private let storage: Storage
    private var count = 0
    /// The documents selected: the list's `leading` top-scoring ones, then its runners-up.
    private var capacity = 0
    /// How many of the selected are the top-scoring documents proper; the rest are runners-up (`capacity -
    /// leading`, 0 when runners-up are not written).
    private var leading = 0
    /// Postings are gathered without selection while fewer than this are held (at least `capacity`).
    private var gatherLimit = 0
    private var heapified = false

    /// A selector whose buffers grow to what `reset` asks for (the writer keeps at most 1024 documents a list).
    init() { storage = Storage(1024) }

    /// Starts a list that keeps up to `capacity` documents (0: keeps nothing) and up to `runnersUp` more after
    /// them, gathering its first `min(gatherUpTo, maximumGather)` postings before selecting among them.
    mutating func reset(capacity: Int, runnersUp: Int = 0, gatherUpTo: Int = 0) {
        precondition(capacity >= 0 && runnersUp >= 0, "TopScoringSelector: negative capacity")
        leading = capacity
        let capacity = capacity == 0 ? 0 : capacity + runnersUp
        self.capacity = capacity
        gatherLimit = capacity == 0 ? 0 : max(capacity, min(gatherUpTo, Self.maximumGather))
        storage.reserve(gatherLimit)
        count = 0
        heapified = false
    }

    /// `a` ranks below `b`: a smaller factor, or the same factor and a larger doc id.
    @inline(__always) private func below(_ a: Int, _ b: Int) -> Bool {
        let w = storage.weights
        return w[a] < w[b] || (w[a] == w[b] && storage.docs[a] > storage.docs[b])
    }

    /// Offers the next posting (docs in increasing order) with its factor.
    @inline(__always)
    mutating func add(doc: UInt32, freq: UInt32, weight: Double) {
        if count < gatherLimit {
            storage.weights[count] = weight
            storage.docs[count] = doc
            storage.freqs[count] = freq
            count &+= 1
            return
        }
        guard capacity > 0 else { return }
        if !heapified { selectGathered() }
        // A later doc with an equal factor ranks below: only a larger factor enters.
        guard weight > storage.weights[0] else { return }
        storage.weights[0] = weight
        storage.docs[0] = doc
        storage.freqs[0] = freq
        siftDown(0)
    }

    /// Turns the gathered postings (in doc order) into the heap of the best `capacity` of them.
    private mutating func selectGathered() {
        dropGatheredBelowSampledThreshold()
        let gathered = count
        count = min(capacity, gathered)
        gatherLimit = count  // `add` appends no more: the heap holds `count` from now on
        for i in stride(from: count / 2 - 1, through: 0, by: -1) { siftDown(i) }
        heapified = true
        let (w, d, f) = (storage.weights, storage.docs, storage.freqs)
        // Entries past `capacity` are read before anything could overwrite them (the heap lives below).
        for i in count..<max(count, gathered) where w[i] > w[0] {
            w[0] = w[i]
            d[0] = d[i]
            f[0] = f[i]
            siftDown(0)
        }
    }

    /// Drops, before the heap is built, the gathered postings that cannot be among the best `capacity`: the
    /// factor of every 16th one is sorted, a threshold is read a safe margin past where the `capacity`-th best
    /// should fall, and if at least `capacity` postings reach it (else nothing is dropped) the others go, since
    /// then the `capacity`-th best factor is at least the threshold. The kept set is the same; only fewer
    /// postings go through the heap (most of a long list's gathered postings would have entered it and been
    /// pushed out again).
    private mutating func dropGatheredBelowSampledThreshold() {
        let n = count
        let k = capacity
        let stride = 16
        guard k > 0, n >= 4 * k, n >= 64 * stride else { return }
        let (w, d, f) = (storage.weights, storage.docs, storage.freqs)
        let m = n / stride
        let threshold = withUnsafeTemporaryAllocation(of: Double.self, capacity: m) { buffer in
            var sample = buffer
            for s in 0..<m { sample[s] = w[s &* stride] }
            sample.sort(by: >)
            // The k-th best falls near sample rank k·m/n; the margin covers a few standard deviations of it.
            let rank = k * m / n
            return sample[min(m - 1, rank + 8 + 3 * Int(Double(rank).squareRoot().rounded(.up)))]
        }
        var reaching = 0
        for i in 0..<n where w[i] >= threshold { reaching &+= 1 }
        guard reaching >= k else { return }
        var kept = 0
        for i in 0..<n where w[i] >= threshold {
            w[kept] = w[i]
            d[kept] = d[i]
            f[kept] = f[i]
            kept &+= 1
        }
        count = kept
    }

    private func siftDown(_ start: Int) {
        var i = start
        let n = count
        let (w, d, f) = (storage.weights, storage.docs, storage.freqs)
        while true {
            let l = 2 * i + 1
            if l >= n { return }
            var c = l
            if l + 1 < n && below(l + 1, l) { c = l + 1 }
            guard below(c, i) else { return }
            swap(&w[c], &w[i])
            swap(&d[c], &d[i])
            swap(&f[c], &f[i])
            i = c
        }
    }

    /// Appends the encoded list of the documents kept (docs/FORMAT.md, "Top-scoring documents") to `out`: the
    /// best `leading` of them, then (when runners-up are written) the rest as runners-up.
    mutating func encode(into out: inout [UInt8]) {
        if !heapified && count > capacity { selectGathered() }
        let kept = count
        precondition(kept > 0, "no documents selected")
        let (weights, docs, freqs) = (storage.weights, storage.docs, storage.freqs)
        // The best `leading` first (ties: the lower doc id), found by selection rather than a sort; each part is
        // then put in doc order. Scratch arrays are the storage's, reused from list to list.
        let n = min(leading, kept)
        storage.ranked.removeAll(keepingCapacity: true)
        storage.ranked.append(contentsOf: 0..<kept)
        Self.selectBest(n, of: &storage.ranked, weights: weights, docs: docs)
        var floorWeight = Double.infinity
        var ceilingWeight = 0.0
        for i in storage.ranked[..<n] {
            floorWeight = min(floorWeight, weights[i])
            ceilingWeight = max(ceilingWeight, weights[i])
        }
        let floorStep = PostingListEncoder.weightStep(for: floorWeight)
        let ceilingStep = PostingListEncoder.weightStep(for: ceilingWeight)
        let floor = Double(PostingListEncoder.weightBound(step: floorStep))
        let ceiling = Double(PostingListEncoder.weightBound(step: ceilingStep))
        storage.body.removeAll(keepingCapacity: true)
        VarInt.encode(UInt64(n), into: &storage.body)
        Self.appendStep(floorStep, to: &storage.body)
        Self.appendStep(ceilingStep, to: &storage.body)
        Self.sortByDoc(storage.ranked[..<n], docs: docs, into: &storage.keys)
        Self.appendBlocks(storage.keys, freqs: freqs, to: &storage.body)
        // Two 4-bit steps a byte, the even entry's in the low half.
        var packed: UInt8 = 0
        for (j, key) in storage.keys.enumerated() {
            let q = UInt8(TopScoringDocuments.step(for: weights[Self.index(key)], floor: floor, ceiling: ceiling))
            if j & 1 == 0 {
                packed = q
            } else {
                storage.body.append(packed | q << 4)
            }
        }
        if n & 1 == 1 { storage.body.append(packed) }
        if capacity > leading {
            Self.sortByDoc(storage.ranked[n...], docs: docs, into: &storage.keys)
            VarInt.encode(UInt64(storage.keys.count), into: &storage.body)
            if !storage.keys.isEmpty {
                let lowest = storage.ranked[n...].reduce(Double.infinity) { min($0, weights[$1]) }
                Self.appendStep(PostingListEncoder.weightStep(for: lowest), to: &storage.body)
                Self.appendBlocks(storage.keys, freqs: freqs, to: &storage.body)
            }
        }
        VarInt.encode(UInt64(storage.body.count), into: &out)
        out.append(contentsOf: storage.body)
    }

    /// Reorders `items` (indexes into `weights` and `docs`) so that its first `n` are the `n` best: the largest
    /// weight, ties to the lower doc id (doc ids are distinct, so the `n` best are one set). Quickselect, O(count).
    static func selectBest(
        _ n: Int, of items: inout [Int], weights: UnsafeMutablePointer<Double>, docs: UnsafeMutablePointer<UInt32>
    ) {
        guard n > 0, n < items.count else { return }
        _ = items.withUnsafeMutableBufferPointer { v in
            quickSelect(n, in: v) { a, b in weights[a] > weights[b] || (weights[a] == weights[b] && docs[a] < docs[b]) }
        }
    }

    /// Replaces `keys` with the entries `items` as `doc << 32 | index` keys, sorted: in doc order (doc ids are
    /// distinct), one sort of plain integers.
    static func sortByDoc(_ items: ArraySlice<Int>, docs: UnsafeMutablePointer<UInt32>, into keys: inout [UInt64]) {
        keys.removeAll(keepingCapacity: true)
        for i in items { keys.append(UInt64(docs[i]) << 32 | UInt64(UInt32(truncatingIfNeeded: i))) }
        keys.sort()
    }

    /// The entry index in a `sortByDoc` key.
    @inline(__always) static func index(_ key: UInt64) -> Int { Int(UInt32(truncatingIfNeeded: key)) }

    private static func appendStep(_ step: UInt32, to body: inout [UInt8]) {
        body.append(UInt8(truncatingIfNeeded: step))
        body.append(UInt8(truncatingIfNeeded: step >> 8))
    }

    /// The doc-id deltas (the first from 0) of the entries `keys` (`sortByDoc` keys, in doc order), then their
    /// frequencies - 1, in patched blocks of 128 (the last one partial).
    private static func appendBlocks(_ keys: [UInt64], freqs: UnsafeMutablePointer<UInt32>, to body: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: PatchedBlock.blockSize) { buffer in
            let block = buffer.baseAddress!
            for pass in 0..<2 {
                var previous: UInt32 = 0
                var start = 0
                while start < keys.count {
                    let count = min(PatchedBlock.blockSize, keys.count - start)
                    for j in 0..<count {
                        let key = keys[start + j]
                        if pass == 0 {
                            let doc = UInt32(truncatingIfNeeded: key >> 32)
                            block[j] = doc - previous
                            previous = doc
                        } else {
                            block[j] = freqs[index(key)] - 1
                        }
                    }
                    PatchedBlock.encode(block, count: count, into: &body)
                    start += count
                }
            }
        }
    }
}

/// A decoded top-scoring list (the reader's side of `TopScoringDocuments`): the documents in increasing order,
/// their frequencies, a bound of each one's frequency-and-length factor, and `floor`, a bound of the factor of
/// every document of the posting list that is not among them. Everything was checked while decoding: doc ids
/// strictly increasing and below the document count, frequencies at least 1, steps and bounds in range. The
/// list's runners-up, if it has any, are only located (`runnersUpBytes`): `TopScoringRunnersUp` decodes them.
public struct TopScoringList: Sendable {
    public var docs: [UInt32]
    public var freqs: [UInt32]
    /// Per document: its factor's bound (`TopScoringDocuments.bound(step:...)`).
    public var weightBounds: [Double]
    /// The factor's bound for the documents of the posting list not in `docs`.
    public var floor: Double
    /// The largest factor in the whole posting list, rounded up (`PostingListEncoder.weightBound`).
    public var ceiling: Double
    /// Where the runners-up part starts and ends in the bytes the list was decoded from (nil: the list was
    /// written without one).
    public var runnersUpBytes: Range<Int>?

    /// Decodes the list whose bytes (after its `vint byteLength`) are `bytes[start ..< end]`.
    /// - Parameters:
    ///   - runnersUp: whether the index writes runners-up after the list (`Parameters.runnerUpLength > 0`).
    ///   - corrupt: makes the error naming the file, section and term.
    init(
        _ bytes: UnsafeRawBufferPointer, start: Int, end: Int, documentCount: Int, runnersUp: Bool = false,
        corrupt: (String) -> CorpusIndexError
    ) throws {
        let region = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        var at = 0
        guard let (count64, size) = VarInt.decode(region, at: 0), count64 >= 1, count64 <= 2 * UInt64(region.count) else {
            throw corrupt("top-scoring documents: bad count")
        }
        let n = Int(count64)
        at = size
        guard region.count - at >= 4 + (n + 1) / 2 else { throw corrupt("top-scoring documents cut short") }
        let floorStep = UInt32(region[at]) | UInt32(region[at + 1]) << 8
        let ceilingStep = UInt32(region[at + 2]) | UInt32(region[at + 3]) << 8
        at += 4
        guard floorStep <= ceilingStep else { throw corrupt("top-scoring documents: floor above ceiling") }
        floor = Double(PostingListEncoder.weightBound(step: floorStep))
        ceiling = Double(PostingListEncoder.weightBound(step: ceilingStep))
        weightBounds = [Double](repeating: 0, count: n)
        (docs, freqs, at) = try Self.decodeBlocks(
            region, at: at, count: n, documentCount: documentCount, what: "top-scoring documents", corrupt: corrupt)
        guard region.count - at >= (n + 1) / 2 else {
            throw corrupt("top-scoring documents: \(region.count - at) bound bytes for \(n) documents")
        }
        let steps = (0...TopScoringDocuments.boundSteps).map {
            TopScoringDocuments.bound(step: $0, floor: floor, ceiling: ceiling)
        }
        for i in 0..<n {
            let q = Int(region[at + (i >> 1)] >> UInt8(4 * (i & 1))) & 15
            weightBounds[i] = steps[q]
        }
        at += (n + 1) / 2
        guard (at < region.count) == runnersUp else {
            throw corrupt(runnersUp ? "top-scoring documents: no runners-up" : "top-scoring documents: bytes after the bounds")
        }
        runnersUpBytes = runnersUp ? (start + at)..<end : nil
    }

    /// Decodes `count` doc ids (deltas, the first from 0) then as many frequencies - 1, in patched blocks of
    /// 128, from `region[at...]`, checking that the ids increase and stay below `documentCount`.
    /// - Returns: the doc ids, the frequencies and where the blocks end.
    static func decodeBlocks(
        _ region: UnsafeRawBufferPointer, at start: Int, count n: Int, documentCount: Int, what: String,
        corrupt: (String) -> CorpusIndexError
    ) throws -> (docs: [UInt32], freqs: [UInt32], end: Int) {
        var at = start
        // Decoded in place, the checks folded into flags read once a pass (no branch per value).
        func pass(_ out: UnsafeMutablePointer<UInt32>, docIDs: Bool) throws {
            var previous: UInt64 = 0
            var bad: UInt32 = 0
            var startIndex = 0
            while startIndex < n {
                let c = min(PatchedBlock.blockSize, n - startIndex)
                let block = out + startIndex
                guard let next = PatchedBlock.decode(region, at: at, count: c, into: block) else {
                    throw corrupt("\(what): malformed block")
                }
                at = next
                if docIDs {
                    for j in 0..<c {
                        let delta = block[j]
                        bad |= delta == 0 && startIndex + j > 0 ? 1 : 0
                        previous &+= UInt64(delta)
                        block[j] = UInt32(truncatingIfNeeded: previous)
                    }
                } else {
                    for j in 0..<c {
                        bad |= block[j] == .max ? 1 : 0
                        block[j] &+= 1
                    }
                }
                startIndex += c
            }
            if docIDs && (bad != 0 || previous >= UInt64(documentCount)) {
                throw corrupt("\(what): doc ids not increasing or not below \(documentCount)")
            }
            if !docIDs && bad != 0 { throw corrupt("\(what): bad frequency") }
        }
        // Room for whole blocks: a block decodes into 128 values whatever its count.
        let capacity = (n + PatchedBlock.blockSize - 1) / PatchedBlock.blockSize * PatchedBlock.blockSize
        let docs = try [UInt32](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            if n > 0 { try pass(buffer.baseAddress!, docIDs: true) }
            initialized = n
        }
        let freqs = try [UInt32](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            if n > 0 { try pass(buffer.baseAddress!, docIDs: false) }
            initialized = n
        }
        return (docs, freqs, at)
    }
}

/// A long posting list's **runners-up** (docs/FORMAT.md, "Top-scoring documents"): the documents that follow
/// its top-scoring ones by factor, in increasing doc order with their frequencies, and `floor`, a bound of the
/// factor of every document of the posting list in neither part. A pass that needs only the documents whose
/// factor exceeds that floor reads these instead of the whole list (`QueryEngine.collectBandConjunction`).
/// Checked while decoding as `TopScoringList` is, and the floor is at most the top-scoring list's. Value type;
/// `Sendable`.
public struct TopScoringRunnersUp: Sendable {
    public var docs: [UInt32]
    public var freqs: [UInt32]
    /// The factor's bound for the documents of the posting list in neither the top-scoring list nor here.
    public var floor: Double

    /// Decodes the runners-up part `bytes[range]` of a list whose top-scoring documents' floor is `listFloor`.
    init(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, listFloor: Double, documentCount: Int,
        corrupt: (String) -> CorpusIndexError
    ) throws {
        let region = UnsafeRawBufferPointer(rebasing: bytes[range])
        guard let (count64, size) = VarInt.decode(region, at: 0), count64 <= 8 * UInt64(region.count) else {
            throw corrupt("runners-up: bad count")
        }
        let n = Int(count64)
        var at = size
        guard n > 0 else {
            guard at == region.count else { throw corrupt("runners-up: bytes after an empty list") }
            (docs, freqs, floor) = ([], [], listFloor)
            return
        }
        guard region.count - at >= 2 else { throw corrupt("runners-up cut short") }
        let floorStep = UInt32(region[at]) | UInt32(region[at + 1]) << 8
        at += 2
        floor = Double(PostingListEncoder.weightBound(step: floorStep))
        guard floor <= listFloor else { throw corrupt("runners-up: floor above the top-scoring documents' floor") }
        (docs, freqs, at) = try TopScoringList.decodeBlocks(
            region, at: at, count: n, documentCount: documentCount, what: "runners-up", corrupt: corrupt)
        guard at == region.count else { throw corrupt("runners-up: \(region.count - at) bytes after the list") }
    }
}
