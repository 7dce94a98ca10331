/// Draws body words from a Zipf-like distribution with a long tail, and renders them straight into a `ByteBuffer`.
///
/// The head is the base vocabulary (a few thousand real words, weighted by their real frequencies; drawn with an
/// alias table). With probability `tailShare` a word comes from the tail instead: a rank `r` drawn from the discrete
/// power law `P(r) ∝ (r + q)^-a` by inverting its continuous CDF (one uniform, one `pow`), rendered as a pronounceable
/// pseudo-word that is a bijective function of `r` (so distinct ranks are distinct tokens). The tail exponent sets
/// Heaps' growth: types grow like tokens^(1/a); `a = 1.85`, `q = 3000`, a 10% tail give about 58k types at 2M tokens
/// and 0.8M at 261M tokens (the real corpus size), as FORMATS.md §6 estimates.
///
/// Head words have ids (`0..<headCount`, in vocabulary order) that the `MarkovModel` uses as contexts; the body
/// composer calls `draw` only when the Markov chain does not continue, so `tailShare` is calibrated with the chain
/// (the share of all body words that are tail words stays near 10%).
///
/// Rendering a word is allocation-free: the head lives in two pre-rendered arenas (natural spelling and upper case).
/// Immutable and `Sendable`; share one instance between workers.
struct WordSampler: Sendable {
    static let defaultTailShare = 0.10
    static let tailExponent = 1.85
    static let tailOffset = 3000.0

    /// The words as usually spelt in mixed-case cables (`the`, `Iraq`, `NATO`), and all upper-case.
    private let natural: [UInt8]
    private let upper: [UInt8]
    private let starts: [Int32]
    /// Per head id: length << 24 | offset in the arenas.
    private let spans: [UInt64]
    /// Per `words` index given to `init`: its head id, or -1 when the word was left out.
    let headID: [Int32]
    private let head: AliasTable
    /// The head's alias table, two `UInt64`s per slot so that a draw touches one cache line: `[2s]` = keep
    /// threshold << 32 | slot `s`'s head id, `[2s+1]` = its alias's head id.
    private let packedHead: [UInt64]
    private let tailThreshold: UInt64
    private let tailPower: Double

    /// Words that would read as handling markings or structure if they began a line; left out of the vocabulary.
    static let excluded: Set<String> = [
        "sipdis", "noforn", "nodis", "exdis", "limdis", "orcon", "tags", "subject", "subj", "ref", "refs", "reftel",
        "classified", "unclas", "section", "summary", "comment", "end", "declassified",
    ]

    /// Prefixes readers take for a keyword at a line start (`REFERENCE`, `REFS`, `SUMMARY`...): a subject or
    /// heading line starting with such a word would end the SUBJECT early.
    static let excludedPrefixes = ["reference", "refs", "reftel", "retel", "summar", "tags", "subj"]

    init(words: [String], counts: [Int], tailShare: Double = WordSampler.defaultTailShare) {
        var spelt: [UInt8] = []
        var starts: [Int32] = [0]
        var weights: [Double] = []
        var headID = [Int32](repeating: -1, count: words.count)
        for (index, (word, count)) in zip(words, counts).enumerated()
        where !word.isEmpty && !WordSampler.excluded.contains(word.lowercased())
            && !WordSampler.excludedPrefixes.contains(where: { word.lowercased().hasPrefix($0) })
            && !word.lowercased().allSatisfy({ $0 == "x" })  // redaction marks (cables.csv is unredacted)
        {
            headID[index] = Int32(weights.count)
            spelt.append(contentsOf: word.utf8)
            starts.append(Int32(spelt.count))
            weights.append(Double(count))
        }
        spelt += [UInt8](repeating: 0, count: 16)  // padding for the 16-byte copies
        natural = spelt
        upper = spelt.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
        self.starts = starts
        self.headID = headID
        spans = (0..<weights.count).map { UInt64(starts[$0 + 1] - starts[$0]) << 24 | UInt64(starts[$0]) }
        head = AliasTable(weights: weights)
        var packed: [UInt64] = []
        packed.reserveCapacity(2 * weights.count)
        for slot in 0..<head.count {
            let keepAlways = head.threshold[slot] == UInt32.max
            packed.append(UInt64(head.threshold[slot]) << 32 | UInt64(slot))
            packed.append(UInt64(keepAlways ? slot : Int(head.alias[slot])))
        }
        packedHead = packed
        precondition(spelt.count < 1 << 24, "head arena exceeds 16 MB")
        tailThreshold = UInt64(min(max(tailShare, 0), 0.999) * 0x1.0p64)
        tailPower = -1 / (WordSampler.tailExponent - 1)
    }

    /// The number of head words.
    var headCount: Int { starts.count - 1 }

    /// A drawn word: a head id or a tail rank.
    struct Word {
        var isTail: Bool
        var value: UInt64

        /// The head id, or -1 for a tail word (which the Markov model has no context for).
        @inline(__always)
        var headID: Int32 { isTail ? -1 : Int32(truncatingIfNeeded: value) }
    }

    /// The head word with id `id`.
    @inline(__always)
    func head(_ id: Int32) -> Word { Word(isTail: false, value: UInt64(UInt32(bitPattern: id))) }

    /// Draws a word.
    @inline(__always)
    func draw(_ random: inout GeneratorRandom) -> Word {
        if random.next() < tailThreshold { return Word(isTail: true, value: tailRank(&random)) }
        let bits = random.next()
        let slot = Int(truncatingIfNeeded: ((bits >> 32) &* UInt64(head.count)) >> 32)
        return packedHead.withUnsafeBufferPointer { table in
            let keep = table[2 * slot]
            let chosen = UInt32(truncatingIfNeeded: bits) < UInt32(truncatingIfNeeded: keep >> 32) ? keep : table[2 * slot + 1]
            return Word(isTail: false, value: chosen & 0xFFFF_FFFF)
        }
    }

    /// The byte length `word` renders to.
    @inline(__always)
    func length(of word: Word) -> Int {
        if word.isTail {
            var n = word.value &+ 85
            var length = 0
            while n > 0 && length < 24 {
                n /= 85
                length += 2
            }
            return length
        }
        return spans.withUnsafeBufferPointer { Int(truncatingIfNeeded: $0[Int(word.value)] >> 24) }
    }

    /// Appends a drawn word.
    @inline(__always)
    func append(_ word: Word, to out: ByteBuffer, uppercase: Bool) {
        if word.isTail {
            appendTailWord(rank: word.value, to: out, uppercase: uppercase)
        } else {
            appendHeadSpan(spans.withUnsafeBufferPointer { $0[Int(word.value)] }, to: out, uppercase: uppercase)
        }
    }

    /// Appends the head word at `span` (length << 24 | arena offset), upper-case or in its natural spelling.
    @inline(__always)
    @discardableResult
    func appendHeadSpan(_ span: UInt64, to out: ByteBuffer, uppercase: Bool) -> Int {
        let start = Int(truncatingIfNeeded: span & 0xFF_FFFF)
        let length = Int(truncatingIfNeeded: span >> 24)
        // Most words fit 16 bytes: copy two unaligned words (the arenas are padded) instead of calling memmove.
        out.reserve(length + 16)
        (uppercase ? upper : natural).withUnsafeBytes { arena in
            let source = arena.baseAddress! + start
            let target = UnsafeMutableRawPointer(out.base + out.count)
            if length <= 16 {
                target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
                target.storeBytes(of: source.loadUnaligned(fromByteOffset: 8, as: UInt64.self), toByteOffset: 8, as: UInt64.self)
            } else {
                target.copyMemory(from: source, byteCount: length)
            }
        }
        out.count += length
        return length
    }

    /// A head word drawn by frequency, as a `String` (for subjects and headings, not the hot path).
    func headWord(_ random: inout GeneratorRandom) -> String {
        let index = head.sample(&random)
        return String(decoding: natural[Int(starts[index])..<Int(starts[index + 1])], as: UTF8.self)
    }

    /// A tail rank from the power law.
    @inline(__always)
    func tailRank(_ random: inout GeneratorRandom) -> UInt64 {
        let u = 1 - random.unit()  // (0, 1]
        let x = WordSampler.tailOffset * (pow(u, tailPower) - 1)
        return x < 1e15 ? UInt64(x) : 1_000_000_000_000_000
    }

    private static let consonants: [UInt8] = Array("bcdfghjklmnprstvz".utf8)
    private static let vowels: [UInt8] = Array("aeiou".utf8)

    /// Appends the pseudo-word of tail rank `rank`: consonant–vowel syllables spelling `rank + 85` in base 85, so
    /// every rank has its own spelling of at least two syllables.
    @inline(__always)
    @discardableResult
    func appendTailWord(rank: UInt64, to out: ByteBuffer, uppercase: Bool) -> Int {
        var n = rank &+ 85
        let caseBit: UInt8 = uppercase ? 0x20 : 0
        var length = 0
        out.reserve(24)
        WordSampler.consonants.withUnsafeBufferPointer { c in
            WordSampler.vowels.withUnsafeBufferPointer { v in
                while n > 0 && length < 24 {
                    let digit = Int(n % 85)
                    n /= 85
                    out.base[out.count] = c[digit / 5] ^ caseBit
                    out.base[out.count + 1] = v[digit % 5] ^ caseBit
                    out.count += 2
                    length += 2
                }
            }
        }
        return length
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
