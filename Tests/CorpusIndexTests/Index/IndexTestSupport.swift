import Foundation
@testable import CorpusIndex

/// A naive inverted index built with Dictionaries from `Analyzer.forEachToken`: the reference the real build is
/// checked against. `postings[field][term] = [(doc, positions)]`.
struct NaiveIndex: Equatable {
    var postings: [[String: [NaivePosting]]] = Array(repeating: [:], count: 3)
    var fieldLengths: [[UInt32]] = Array(repeating: [], count: 3)

    struct NaivePosting: Equatable {
        var doc: UInt32
        var positions: [UInt32]
    }

    init() {}

    init(records: [CableRecord]) {
        var scratch = TokenScratch()
        for (doc, record) in records.enumerated() {
            let texts = [record.body, Array(record.subject.utf8), record.header]
            for (field, text) in texts.enumerated() {
                let count = text.withUnsafeBytes { raw in
                    Analyzer.forEachToken(in: raw, scratch: &scratch) { token, _, position in
                        let term = String(decoding: token, as: UTF8.self)
                        var list = postings[field][term, default: []]
                        if list.last?.doc == UInt32(doc) {
                            list[list.count - 1].positions.append(UInt32(position))
                        } else {
                            list.append(NaivePosting(doc: UInt32(doc), positions: [UInt32(position)]))
                        }
                        postings[field][term] = list
                    }
                }
                fieldLengths[field].append(UInt32(count))
            }
        }
    }

    /// Adds one merged term (as the merge or an index reader yields it), checking its shape.
    mutating func add(field: Int, term: [UInt8], docs: [UInt32], freqs: [UInt32], positions: [UInt32]) {
        var list: [NaivePosting] = []
        var p = 0
        for (i, doc) in docs.enumerated() {
            let f = Int(freqs[i])
            list.append(NaivePosting(doc: doc, positions: Array(positions[p..<min(p + f, positions.count)])))
            p += f
        }
        precondition(p == positions.count, "positions do not match freqs")
        postings[field][String(decoding: term, as: UTF8.self)] = list
    }
}

/// Synthetic cables: Zipf-ish words, mixed case, digits, punctuation, UTF-8, a few long tokens, empty fields.
enum SyntheticCorpus {
    static let vocabulary: [String] = {
        var words = ["the", "of", "and", "to", "in", "a", "embassy", "ambassador", "minister", "government",
            "PHUM", "PREL", "KCRM", "SECSTATE", "WASHDC", "Pristina", "café", "Ça", "naïve", "über", "1966",
            "07PRISTINA150", "x", "zz", "antidisestablishmentarianism", "SIPDIS", "NOFORN", "TAGS", "SUBJECT"]
        for i in 0..<300 { words.append("w\(i)x\(i * 7919 % 1000)") }
        return words
    }()
    static let separators = [" ", " ", " ", ", ", ". ", "\n", " - ", "(", ") ", "\\\"", "'", " \n \n"]

    static func text(_ rng: inout SplitMix64, words: Int) -> [UInt8] {
        var out = ""
        for _ in 0..<words {
            let r = Double(rng.next() % 1_000_000) / 1_000_000
            let index = Int(pow(r, 3) * Double(vocabulary.count))
            var word = vocabulary[min(index, vocabulary.count - 1)]
            if rng.next() % 5 == 0 { word = word.uppercased() }
            if rng.next() % 2000 == 0 { word = String(repeating: "long", count: 100) }
            out += word
            out += separators[Int(rng.next() % UInt64(separators.count))]
        }
        return Array(out.utf8)
    }

    static func records(count: Int, seed: UInt64) -> [CableRecord] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { i in
            let bodyWords = Int(rng.next() % 400)
            let subject = rng.next() % 7 == 0 ? "" : String(decoding: text(&rng, words: Int(rng.next() % 12)), as: UTF8.self)
            return CableRecord(
                rowID: i + 1, referenceID: "09TEST\(i)", created: CableDate(year: 2009, month: 1 + i % 12, day: 1)!,
                classification: Classification.knownValues[i % 6], origin: "Embassy \(["Paris", "Rome", "Bonn"][i % 3])",
                references: i % 4 == 0 ? ["08TEST\(i / 2)"] : [],
                header: text(&rng, words: Int(rng.next() % 30)), body: text(&rng, words: bodyWords),
                tags: ["PHUM", "PREL", "KCRM"].filter { _ in rng.next() % 2 == 0 }, subject: subject)
        }
    }
}

/// A fresh temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "corpus-index-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

extension NaiveIndex {
    /// Reads every term of each text field's reader back into a NaiveIndex (dictionary order, cursor decoding).
    init(fields: [FieldIndexReader]) throws {
        self.init()
        for (ordinal, reader) in fields.enumerated() {
            fieldLengths[ordinal] = (0..<reader.documentCount).map { reader.fieldLength(UInt32($0)) }
            var terms: [([UInt8], TermInfo)] = []
            try reader.dictionary.forEachTerm(in: 0..<reader.termCount) { term, info in
                terms.append((Array(term), info))
                return true
            }
            for (term, info) in terms {
                let cursor = try reader.cursor(info)
                var docs: [UInt32] = []
                var freqs: [UInt32] = []
                var positions: [UInt32] = []
                var doc = cursor.doc
                while doc != PostingCursor.end {
                    docs.append(doc)
                    freqs.append(cursor.freq)
                    positions.append(contentsOf: try cursor.positions())
                    doc = try cursor.next()
                }
                add(field: ordinal, term: term, docs: docs, freqs: freqs, positions: positions)
            }
        }
    }
}
