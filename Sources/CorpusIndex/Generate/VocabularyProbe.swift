import Dispatch
import Foundation

/// How many tokens, and how many distinct tokens, the generated cable bodies hold under the project's `Analyzer`
/// (lowercase alphanumeric runs): the measure the generator's Zipf tail is calibrated against (FORMATS.md §6:
/// about 58k distinct at 2M tokens, about 0.8M at the real 261M).
public struct GeneratedVocabulary: Sendable, Equatable {
    /// Cables measured.
    public var cables: Int
    /// Body tokens in all.
    public var tokens: Int
    /// Distinct body tokens (counted by 64-bit hash; collisions are negligible below billions of types).
    public var distinct: Int
}

extension DumpGenerator {
    /// Measures the vocabulary of the first `limit` cables (all by default), composing them in parallel.
    /// Deterministic: the figures do not depend on `threads`.
    public func measureVocabulary(
        limit: Int? = nil, threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) -> GeneratedVocabulary {
        let count = min(limit ?? cables, cables)
        let threads = max(1, threads)
        let sets = DisjointSlots<(tokens: Int, hashes: Set<UInt64>)>(count: threads)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            var hashes = Set<UInt64>()
            var tokens = 0
            var scratch = TokenScratch()
            let buffer = ByteBuffer()
            var index = t
            while index < count {
                buffer.removeAll()
                let draft = composer.compose(index, into: buffer)
                let body = UnsafeRawBufferPointer(start: buffer.base + draft.body.lowerBound, count: draft.body.count)
                tokens += Analyzer.forEachToken(in: body, scratch: &scratch) { token, _, _ in
                    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
                    for byte in token { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
                    hashes.insert(hash)
                }
                index += threads
            }
            sets[t] = (tokens, hashes)
        }
        var all = Set<UInt64>()
        var tokens = 0
        for part in sets.takeAll() {
            tokens += part.tokens
            all.formUnion(part.hashes)
        }
        return GeneratedVocabulary(cables: count, tokens: tokens, distinct: all.count)
    }
}
