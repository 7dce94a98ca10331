import Testing

@testable import CorpusIndex

/// The body text has the real text's local structure: adjacent words are mostly real bigrams of the Dec-2010
/// paragraphs, common phrases occur at rates near the real ones, and the model samples and parses as specified.
@Suite("Generator Markov text")
struct GeneratorMarkovTests {
    /// The lowercase words of each sentence of `body` (sentences end at `.`; numbers and other tokens are kept
    /// as breaks, spelt `#`).
    static func sentences(_ body: [UInt8]) -> [[String]] {
        let text = String(decoding: body, as: UTF8.self).lowercased()
        return text.split(separator: ".").map { sentence in
            sentence.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," || $0 == "\"" }).map { token in
                token.allSatisfy({ $0.isLetter || $0 == "'" || $0 == "\\" }) ? String(token) : "#"
            }
        }
    }

    @Test func adjacentWordsAreMostlyRealBigrams() throws {
        let resources = try GeneratorResources.shared()
        let words = resources.words.map { $0.lowercased() }
        var real = Set<String>()
        let counts = resources.markov
        for (c, context) in counts.contexts.enumerated() where context.first == MarkovCounts.none && context.second >= 0 {
            for s in Int(counts.successorStart[c])..<Int(counts.successorStart[c + 1]) {
                real.insert(words[Int(context.second)] + " " + words[Int(counts.successorWords[s])])
            }
        }
        let vocabulary = Set(words)
        let generator = try DumpGenerator(cables: 150, seed: 5)
        var pairs = 0
        var realPairs = 0
        for index in 0..<150 {
            for sentence in Self.sentences(generator.record(at: index).body) {
                for (a, b) in zip(sentence, sentence.dropFirst()) where vocabulary.contains(a) && vocabulary.contains(b) {
                    pairs += 1
                    if real.contains(a + " " + b) { realPairs += 1 }
                }
            }
        }
        let share = Double(realPairs) / Double(pairs)
        // The chain continues 90% of the time; a unigram salad over the same vocabulary scores about 0.3.
        #expect(pairs > 50_000)
        #expect(share > 0.75 && share < 0.99, "\(realPairs) of \(pairs) adjacent vocabulary pairs are real bigrams")
    }

    @Test func commonPhrasesOccurAtRealisticRates() throws {
        let generator = try DumpGenerator(cables: 300, seed: 9)
        var words = 0
        var found: [String: Int] = ["human rights": 0, "prime minister": 0, "of the": 0, "the ambassador": 0]
        for index in 0..<300 {
            for sentence in Self.sentences(generator.record(at: index).body) {
                words += sentence.count
                for (a, b) in zip(sentence, sentence.dropFirst()) {
                    let pair = a + " " + b
                    if let n = found[pair] { found[pair] = n + 1 }
                }
            }
        }
        func perMillion(_ phrase: String) -> Double { Double(found[phrase]!) * 1e6 / Double(words) }
        // Real Dec-2010 rates per million words: human rights 275, prime minister 350, of the 6,070.
        #expect(perMillion("human rights") > 60 && perMillion("human rights") < 1_000, "\(found)")
        #expect(perMillion("prime minister") > 80 && perMillion("prime minister") < 1_200, "\(found)")
        #expect(perMillion("of the") > 2_500 && perMillion("of the") < 12_000, "\(found)")
    }

    @Test func trigramContextTakesPrecedenceOverBigram() throws {
        // Vocabulary 0 = trafficking, 1 = in, 2 = persons, 3 = the.
        let counts = try MarkovCounts(
            lines: ["1\t3:50 2:1", "0 1\t2:9", "S\t0:4"], vocabularySize: 4)
        let model = MarkovModel(counts: counts, headID: [0, 1, 2, 3], headCount: 4)
        var random = GeneratorRandom(seed: 1, stream: 2)
        var afterTrigram = [0, 0, 0, 0]
        var afterBigram = [0, 0, 0, 0]
        for _ in 0..<2_000 {
            afterTrigram[Int(model.next(after: 0, 1, &random)!)] += 1
            afterBigram[Int(model.next(after: -1, 1, &random)!)] += 1
        }
        #expect(afterTrigram == [0, 0, 2_000, 0])
        #expect(afterBigram[3] > 1_880 && afterBigram[2] > 5 && afterBigram[0] == 0 && afterBigram[1] == 0)
        #expect(model.next(after: -1, model.sentenceStart, &random) == 0)
        #expect(model.next(after: -1, 3, &random) == nil)
        // A word the sampler left out drops its contexts and its appearances as a successor.
        let pruned = MarkovModel(counts: counts, headID: [0, 1, -1, 2], headCount: 3)
        for _ in 0..<200 { #expect(pruned.next(after: 0, 1, &random) == 2) }
    }

    @Test(arguments: ["1 3:50", "1\t3:x", "1\t9:2", "1 2 3\t0:1", "1\t", "S\tS:3"])
    func malformedModelLinesThrow(line: String) {
        #expect(throws: CorpusIndexError.self) { try MarkovCounts(lines: [line], vocabularySize: 4) }
    }
}
