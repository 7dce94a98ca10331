/// The word-level Markov model of the real Dec-2010 paragraphs (`Resources/markov.tsv.gz`) as parsed from the
/// resource: contexts over `words.tsv` line numbers with their pruned successor counts.
///
/// A context is a bigram context (one previous word) or a trigram context (two previous words); `start` stands for
/// the start of a sentence. Immutable value; `Sendable`.
struct MarkovCounts: Sendable {
    /// The sentence-start pseudo-word.
    static let start: Int32 = -1
    /// The "no word" marker of `first` in a bigram context.
    static let none: Int32 = -2

    /// Per context: the word before the previous one (`none` for a bigram context) and the previous word.
    var contexts: [(first: Int32, second: Int32)] = []
    /// Context `c`'s successors are `successorWords[successorStart[c]..<successorStart[c + 1]]`.
    var successorStart: [Int32] = [0]
    var successorWords: [Int32] = []
    var successorCounts: [UInt32] = []

    init() {}

    /// Parses the resource's lines (`A\tB:N B:N ...` or `A B\tC:N ...`, `S` = sentence start); every id must be
    /// below `vocabularySize`. Throws `CorpusIndexError.corrupt` naming the line otherwise.
    init(lines: [String], vocabularySize: Int, file: String = "markov.tsv.gz") throws {
        func bad(_ number: Int, _ why: String) -> CorpusIndexError {
            .corrupt(file: file, section: "line \(number + 1)", reason: why)
        }
        func id(_ text: Substring, _ number: Int) throws -> Int32 {
            if text == "S" { return MarkovCounts.start }
            guard let value = Int32(text), value >= 0, value < vocabularySize else {
                throw bad(number, "word id '\(text)' outside 0..<\(vocabularySize)")
            }
            return value
        }
        for (number, line) in lines.enumerated() {
            let halves = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard halves.count == 2 else { throw bad(number, "expected CONTEXT<TAB>SUCCESSORS") }
            let context = halves[0].split(separator: " ")
            switch context.count {
            case 1: contexts.append((MarkovCounts.none, try id(context[0], number)))
            case 2: contexts.append((try id(context[0], number), try id(context[1], number)))
            default: throw bad(number, "a context has one or two words")
            }
            for pair in halves[1].split(separator: " ") {
                let parts = pair.split(separator: ":")
                guard parts.count == 2, let count = UInt32(parts[1]), count > 0 else {
                    throw bad(number, "successor '\(pair)' is not WORD:COUNT")
                }
                let word = try id(parts[0], number)
                guard word >= 0 else { throw bad(number, "a sentence start cannot follow a word") }
                successorWords.append(word)
                successorCounts.append(count)
            }
            guard successorWords.count > successorStart.last! else { throw bad(number, "no successors") }
            successorStart.append(Int32(successorWords.count))
        }
    }
}

/// Draws the next body word from the Markov model, given the one or two words before it: the trigram context
/// when the model has it (the frequent two-word contexts: `trafficking in` → `persons`), else the bigram context.
///
/// Word ids here are the `WordSampler`'s head ids (below 2^16); `sentenceStart` (= the head count) is the
/// pseudo-word before a sentence's first word. Sampling is allocation-free and touches few cache lines (the model
/// is several MB, so memory latency, not arithmetic, is the cost): a 64 KB bit filter that rules out most absent
/// trigram contexts, one probe of the trigram table (key and range side by side), and one slot of the context's
/// own alias table (keep threshold, word and alias word packed in one `UInt64`).
/// Immutable and `Sendable`; share one instance between workers.
struct MarkovModel: Sendable {
    /// The pseudo-word id standing for the start of a sentence.
    let sentenceStart: Int32
    /// Bigram context `w` (or `sentenceStart`) owns `slots[bigramRange[2w]..<bigramRange[2w + 1]]`.
    private let bigramRange: [UInt32]
    /// Open-addressing table of trigram contexts, two `UInt64`s per slot: `[2s]` = key
    /// `(first + 1) << 32 | second` (0 = empty), `[2s + 1]` = `begin << 32 | end` into `slots`.
    private let trigramTable: [UInt64]
    private let trigramMask: Int
    /// One bit per hash of a trigram key (2^19 bits): clear means the context is certainly absent.
    private let trigramFilter: [UInt64]
    /// Per context, its alias table: keep threshold << 32 | word << 16 | alias word.
    private let slots: [UInt64]

    /// The number of trigram contexts kept.
    let trigramContexts: Int

    /// Maps `counts` (over `words.tsv` ids) onto head ids: `headID[i]` is the head id of `words.tsv` word `i`, or -1
    /// when the sampler left it out (its contexts and its appearances as a successor are dropped).
    init(counts: MarkovCounts, headID: [Int32], headCount: Int) {
        precondition(headCount < 0xFFFF, "Markov word ids must fit 16 bits")
        sentenceStart = Int32(headCount)
        func map(_ word: Int32) -> Int32 {
            word == MarkovCounts.start ? Int32(headCount) : word == MarkovCounts.none ? -1 : headID[Int(word)]
        }
        var slots: [UInt64] = []
        var bigramRange = [UInt32](repeating: 0, count: 2 * (headCount + 1))
        var trigrams: [(key: UInt64, range: UInt64)] = []
        var words: [Int32] = []
        var weights: [Double] = []
        for (c, context) in counts.contexts.enumerated() {
            let second = map(context.second)
            let first = map(context.first)
            if second < 0 || (context.first != MarkovCounts.none && first < 0) { continue }
            words.removeAll(keepingCapacity: true)
            weights.removeAll(keepingCapacity: true)
            for s in Int(counts.successorStart[c])..<Int(counts.successorStart[c + 1]) {
                let word = map(counts.successorWords[s])
                if word < 0 { continue }
                words.append(word)
                weights.append(Double(counts.successorCounts[s]))
            }
            if words.isEmpty { continue }
            let begin = UInt64(slots.count)
            let table = AliasTable(weights: weights)
            for slot in 0..<table.count {
                let alias = table.threshold[slot] == UInt32.max ? words[slot] : words[Int(table.alias[slot])]
                slots.append(UInt64(table.threshold[slot]) << 32 | UInt64(words[slot]) << 16 | UInt64(alias))
            }
            let end = UInt64(slots.count)
            if context.first == MarkovCounts.none {
                bigramRange[2 * Int(second)] = UInt32(begin)
                bigramRange[2 * Int(second) + 1] = UInt32(end)
            } else {
                trigrams.append((UInt64(first + 1) << 32 | UInt64(second), begin << 32 | end))
            }
        }
        self.bigramRange = bigramRange
        var capacity = 16
        while capacity < 2 * trigrams.count { capacity *= 2 }
        var table = [UInt64](repeating: 0, count: 2 * capacity)
        var filter = [UInt64](repeating: 0, count: 1 << 13)
        for trigram in trigrams {
            let hash = MarkovModel.hash(trigram.key)
            filter[Int(hash >> 51)] |= 1 << ((hash >> 45) & 63)
            var slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
            while table[2 * slot] != 0 && table[2 * slot] != trigram.key { slot = (slot + 1) & (capacity - 1) }
            table[2 * slot] = trigram.key
            table[2 * slot + 1] = trigram.range
        }
        trigramTable = table
        trigramFilter = filter
        trigramMask = capacity - 1
        trigramContexts = trigrams.count
        self.slots = slots
    }

    @inline(__always)
    private static func hash(_ key: UInt64) -> UInt64 {
        GeneratorRandom.mix(key)
    }

    /// The next word after `previous` (a head id or `sentenceStart`), preceded by `beforePrevious` (a head id,
    /// `sentenceStart`, or -1 when unknown); `nil` when the model has no context for `previous`.
    @inline(__always)
    func next(after beforePrevious: Int32, _ previous: Int32, _ random: inout GeneratorRandom) -> Int32? {
        var begin = 0
        var end = 0
        if beforePrevious >= 0 {
            let key = UInt64(beforePrevious + 1) << 32 | UInt64(previous)
            let hash = MarkovModel.hash(key)
            let maybe = trigramFilter.withUnsafeBufferPointer { $0[Int(hash >> 51)] >> ((hash >> 45) & 63) & 1 != 0 }
            if maybe {
                trigramTable.withUnsafeBufferPointer { table in
                    var slot = Int(truncatingIfNeeded: hash) & trigramMask
                    while table[2 * slot] != 0 {
                        if table[2 * slot] == key {
                            begin = Int(truncatingIfNeeded: table[2 * slot + 1] >> 32)
                            end = Int(truncatingIfNeeded: table[2 * slot + 1] & 0xFFFF_FFFF)
                            break
                        }
                        slot = (slot + 1) & trigramMask
                    }
                }
            }
        }
        if begin == end {
            bigramRange.withUnsafeBufferPointer { range in
                begin = Int(range[2 * Int(previous)])
                end = Int(range[2 * Int(previous) + 1])
            }
            if begin == end { return nil }
        }
        let bits = random.next()
        let slot = begin + Int(truncatingIfNeeded: ((bits >> 32) &* UInt64(end - begin)) >> 32)
        let entry = slots.withUnsafeBufferPointer { $0[slot] }
        let kept = UInt32(truncatingIfNeeded: bits) < UInt32(truncatingIfNeeded: entry >> 32)
        return Int32(truncatingIfNeeded: (kept ? entry >> 16 : entry) & 0xFFFF)
    }
}
