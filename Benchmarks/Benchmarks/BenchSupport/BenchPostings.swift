import CorpusIndex

/// Realistic integer streams for the codec suites: the document-id gaps and term frequencies of every body term of
/// the benchmark corpus, split the way the index's postings encoder splits them — full blocks of 128 (bit-packed)
/// and each list's tail (< 128, VarInt).
///
/// Built once per process from `BenchCorpus.bodies` with the real `Analyzer`. Thread-safe (immutable).
public struct BenchPostings: Sendable {
    /// Doc-id gaps of full 128-entry blocks, block after block (count is a multiple of 128).
    public var blockGaps: [UInt32] = []
    /// Term frequencies of the same full blocks.
    public var blockFrequencies: [UInt32] = []
    /// Doc-id gaps of the lists' tails (fewer than 128 entries each), concatenated.
    public var tailGaps: [UInt32] = []
    /// The number of distinct terms (posting lists).
    public var terms = 0
    /// The number of postings (term, document) pairs.
    public var postings = 0

    /// The streams of the benchmark corpus.
    public static let corpus = BenchPostings(bodies: BenchCorpus.bodies)

    public init(bodies: [[UInt8]]) {
        // term -> (last doc, list of (doc, freq)); documents are numbered in corpus order.
        var lists: [String: [(doc: UInt32, freq: UInt32)]] = [:]
        var scratch = TokenScratch()
        for (doc, body) in bodies.enumerated() {
            var counts: [String: UInt32] = [:]
            body.withUnsafeBytes { raw in
                Analyzer.forEachToken(in: raw, scratch: &scratch) { token, _, _ in
                    counts[String(decoding: token, as: UTF8.self), default: 0] += 1
                }
            }
            for (term, freq) in counts { lists[term, default: []].append((UInt32(doc), freq)) }
        }
        terms = lists.count
        for term in lists.keys.sorted() {
            let list = lists[term]!
            postings += list.count
            var previous: UInt32 = 0
            var gaps: [UInt32] = []
            gaps.reserveCapacity(list.count)
            for (i, p) in list.enumerated() {
                gaps.append(i == 0 ? p.doc : p.doc - previous)
                previous = p.doc
            }
            let full = list.count / 128 * 128
            blockGaps += gaps[..<full]
            blockFrequencies += list[..<full].map(\.freq)
            tailGaps += gaps[full...]
        }
    }
}
