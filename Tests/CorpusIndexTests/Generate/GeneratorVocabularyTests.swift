import Testing

@testable import CorpusIndex

/// The vocabulary grows the way the real corpus's does (FORMATS.md §6: Heaps' law with β ≈ 0.54, about 58k
/// distinct tokens at 2M tokens, about 0.8M at the full 261M), and cables have the real mean length.
@Suite("Generator vocabulary")
struct GeneratorVocabularyTests {
    @Test func distinctTokensGrowLikeTheRealCorpus() throws {
        let generator = try DumpGenerator(cables: 1_000, seed: 17)
        let small = generator.measureVocabulary(limit: 125, threads: 2)
        let large = generator.measureVocabulary(limit: 1_000, threads: 2)
        #expect(large == generator.measureVocabulary(limit: 1_000, threads: 1))
        let tokensPerCable = Double(large.tokens) / Double(large.cables)
        #expect(tokensPerCable > 850 && tokensPerCable < 1_300, "\(tokensPerCable) tokens per cable")
        let beta = log(Double(large.distinct) / Double(small.distinct)) / log(Double(large.tokens) / Double(small.tokens))
        #expect(beta > 0.4 && beta < 0.75, "Heaps beta \(beta)")
        // Heaps' law through the real sample's point (58k types at 2.04M tokens, beta 0.54).
        let heaps = 57_900 * pow(Double(large.tokens) / 2_040_000, 0.54)
        #expect(Double(large.distinct) > heaps * 0.75 && Double(large.distinct) < heaps * 1.3,
            "\(large.distinct) distinct at \(large.tokens) tokens; Heaps predicts \(Int(heaps))")
    }

    @Test func tailWordsAreDistinctPerRank() throws {
        let sampler = WordSampler(words: ["alpha", "beta"], counts: [2, 1])
        let buffer = ByteBuffer()
        var seen = Set<String>()
        for rank in (0..<20_000).map(UInt64.init) + [1 << 20, 1 << 40, 999_999_999_999] {
            buffer.removeAll()
            let length = sampler.appendTailWord(rank: rank, to: buffer, uppercase: false)
            #expect(length == sampler.length(of: .init(isTail: true, value: rank)))
            let word = String(decoding: buffer.bytes(0..<buffer.count), as: UTF8.self)
            #expect(Analyzer.tokens(of: word) == [word])
            #expect(seen.insert(word).inserted, "rank \(rank) repeats \(word)")
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
