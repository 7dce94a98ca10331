import CorpusIndex
import Foundation

/// The brute-force reference: evaluates a `QueryNode` directly on records (tokens from the `Analyzer`) and ranks
/// with BM25 computed from scratch, so the engine's cursors, pruning and index statistics are checked against
/// an independent path.
struct QueryOracle {
    let records: [CableRecord]
    /// tokens[field][doc]
    let tokens: [TextField: [[String]]]
    /// Distinct tokens per document, and document frequencies, for speed (derived from `tokens`).
    let tokenSets: [TextField: [Set<String>]]
    let documentFrequency: [TextField: [String: Int]]

    init(records: [CableRecord]) {
        self.records = records
        var tokens: [TextField: [[String]]] = [:]
        var sets: [TextField: [Set<String>]] = [:]
        var df: [TextField: [String: Int]] = [:]
        for field in TextField.allCases {
            let perDoc = records.map { r in
                Analyzer.tokens(of: String(decoding: MemoryQuerySource.text(r, field), as: UTF8.self))
            }
            tokens[field] = perDoc
            sets[field] = perDoc.map(Set.init)
            var counts: [String: Int] = [:]
            for set in sets[field]! { for t in set { counts[t, default: 0] += 1 } }
            df[field] = counts
        }
        self.tokens = tokens
        tokenSets = sets
        documentFrequency = df
    }

    func values(_ field: MetadataField, _ doc: Int) -> [String] { MemoryQuerySource.metadataValues(records[doc], field) }

    /// The value actually looked up: as written, or upper-cased when nothing has it as written.
    func effective(_ field: MetadataField, _ value: String, prefix: Bool) -> String {
        let exists = records.indices.contains { d in
            values(field, d).contains { prefix ? Array($0.utf8).starts(with: Array(value.utf8)) : $0 == value }
        }
        return exists || value.uppercased() == value ? value : value.uppercased()
    }

    func matches(_ node: QueryNode, _ doc: Int) -> Bool {
        switch node {
        case let .term(field, term):
            return tokenSets[field]![doc].contains(term)
        case let .phrase(field, terms):
            guard terms.allSatisfy({ tokenSets[field]![doc].contains($0) }) else { return false }
            let t = tokens[field]![doc]
            return (0...(t.count - terms.count)).contains { s in terms.indices.allSatisfy { t[s + $0] == terms[$0] } }
        case let .prefix(field, prefix):
            return tokenSets[field]![doc].contains { $0.utf8.starts(with: prefix.utf8) }
        case let .metadata(field, value, prefix):
            return values(field, doc).contains { prefix ? $0.utf8.starts(with: value.utf8) : $0 == value }
        case let .referenceID(id):
            return records[doc].referenceID == id
        case let .created(from, to):
            let c = records[doc].created.minutesSinceEpoch
            return c >= from && c < to
        case let .and(children): return children.allSatisfy { matches($0, doc) }
        case let .or(children): return children.contains { matches($0, doc) }
        case let .not(inner): return !matches(inner, doc)
        }
    }

    func matchingDocuments(_ node: QueryNode) -> [DocID] {
        let resolved = resolve(node)
        return records.indices.filter { matches(resolved, $0) }.map { DocID($0) }
    }

    /// The node with metadata values and reference ids replaced by the ones actually looked up (upper-cased
    /// when the value as written does not exist), so `matches` need not rescan the corpus per document.
    func resolve(_ node: QueryNode) -> QueryNode {
        switch node {
        case let .metadata(field, value, prefix):
            return .metadata(field, value: effective(field, value, prefix: prefix), prefix: prefix)
        case let .referenceID(id):
            return .referenceID(records.contains { $0.referenceID == id } ? id : id.uppercased())
        case let .and(children): return .and(children.map(resolve))
        case let .or(children): return .or(children.map(resolve))
        case let .not(inner): return .not(resolve(inner))
        default: return node
        }
    }

    func weights(_ node: QueryNode) -> [(ScoringTerm, BM25?)] {
        let n = records.count
        return node.scoringTerms.map { t in
            let all = tokens[t.field]!
            let df = documentFrequency[t.field]![t.term] ?? 0
            let avg = Double(all.reduce(0) { $0 + $1.count }) / Double(n)
            return (t, df == 0 ? nil : BM25(documentCount: n, documentFrequency: df, averageFieldLength: avg))
        }
    }

    func score(_ node: QueryNode, _ doc: Int, weights given: [(ScoringTerm, BM25?)]? = nil) -> Double {
        var total = 0.0
        for (t, w) in given ?? weights(node) {
            guard let w else { continue }
            let mine = tokens[t.field]![doc]
            let tf = mine.filter { $0 == t.term }.count
            total += w.score(tf: UInt32(tf), fieldLength: UInt32(mine.count))
        }
        return total
    }

    /// Every match ranked by score descending, ties by doc ascending.
    func ranking(_ node: QueryNode) -> [ScoredDoc] {
        let w = weights(node)
        return matchingDocuments(node).map { ScoredDoc(doc: $0, score: score(node, Int($0), weights: w)) }
            .sorted { $0.score > $1.score || ($0.score == $1.score && $0.doc < $1.doc) }
    }

    /// Every match ordered by created date (ascending or descending), ties by doc ascending.
    func dateOrder(_ node: QueryNode, descending: Bool) -> [DocID] {
        matchingDocuments(node).sorted {
            let a = records[Int($0)].created, b = records[Int($1)].created
            if a != b { return descending ? a > b : a < b }
            return $0 < $1
        }
    }

    func facetCounts(_ field: MetadataField, prefix: String, node: QueryNode?) -> [String: Int] {
        var counts: [String: Int] = [:]
        let resolved = node.map(resolve)
        for d in records.indices where resolved.map({ matches($0, d) }) ?? true {
            for v in Set(values(field, d)) where Array(v.utf8).starts(with: Array(prefix.utf8)) { counts[v, default: 0] += 1 }
        }
        return counts
    }
}

/// Deterministic random cables for query tests (SplitMix64), with a skewed vocabulary so some terms are common
/// and some rare, repeated words for phrases, and dates that can be shuffled out of order.
enum TestCorpus {
    /// The shared SplitMix64, with the helpers the corpus needs.
    typealias RNG = SplitMix64

    static let words = [
        "the", "of", "embassy", "minister", "trafficking", "in", "persons", "traffic", "traffickers", "human",
        "rights", "kosovo", "pristina", "government", "report", "police", "e.o.", "security", "council", "visit",
        "secretary", "election", "talks", "nuclear", "iran", "oil", "trade", "bank", "army", "border", "refugees",
        "café", "06STATE-202745", "unmik", "serbia", "belgrade", "corruption", "court", "judge", "press",
    ]
    static let tags = ["PHUM", "PREL", "KCRM", "KTIP", "KDEM", "ECON", "PGOV", "OVIP (STEINBERG, JAMES B.)"]
    static let origins = ["Embassy Pristina", "Embassy Berlin", "Embassy Bern", "Consulate Basra", "Secretary of State"]

    static func records(count: Int, seed: UInt64, sortedDates: Bool = true) -> [CableRecord] {
        var rng = RNG(state: seed)
        var dates = (0..<count).map { _ in
            CableDate(year: 2005 + rng.below(4), month: 1 + rng.below(12), day: 1 + rng.below(28),
                hour: rng.below(24), minute: rng.below(60))!
        }
        if sortedDates { dates.sort() }
        let ids = (0..<count).map { i in "0\(5 + i % 4)\(["PRISTINA", "BERLIN", "STATE"][i % 3])\(100 + i)" }
        return (0..<count).map { i in
            func text(_ n: Int) -> String { (0..<n).map { _ in words[rng.skewed(words.count)] }.joined(separator: " ") }
            let tagCount = rng.below(3)
            let recordTags = (0..<tagCount).map { _ in tags[rng.below(tags.count)] }
            let refs = (0..<rng.below(3)).map { _ in ids[rng.below(count)] }
            return CableRecord(
                rowID: i + 1, referenceID: ids[i], created: dates[i],
                classification: Classification.knownValues[rng.below(Classification.knownValues.count)],
                origin: origins[rng.below(origins.count)], references: refs,
                header: Array(("FM " + text(3)).utf8), body: Array(text(5 + rng.below(60)).utf8),
                tags: recordTags, subject: text(2 + rng.below(5)))
        }
    }
}

extension SplitMix64 {
    init(state: UInt64) { self.init(seed: state) }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    /// Skewed pick: small indices much more likely.
    mutating func skewed(_ n: Int) -> Int { min(below(n), below(n), below(n)) }
}
