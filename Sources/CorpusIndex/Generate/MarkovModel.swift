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
/// Word ids here are the `WordSampler`'s head ids; `sentenceStart` (= the head count) is the pseudo-word before a
/// sentence's first word. Sampling is allocation-free: a hash probe for the trigram context, an array index for
/// the bigram context, and one binary search over the context's cumulative counts.
/// Immutable and `Sendable`; share one instance between workers.
struct MarkovModel: Sendable {
    /// The pseudo-word id standing for the start of a sentence.
    let sentenceStart: Int32
    /// Bigram context `w` (or `sentenceStart`) owns `successors[bigramStart[w]..<bigramStart[w + 1]]`.
    private let bigramStart: [UInt32]
    /// Open-addressing table of trigram contexts: key `(first + 1) << 32 | second` (0 = empty slot), value
    /// `start << 32 | end` into `successors`.
    private let trigramKeys: [UInt64]
    private let trigramRanges: [UInt64]
    private let trigramMask: Int
    /// Successor word ids and, in parallel, the cumulative counts within their context.
    private let successors: [Int32]
    private let cumulative: [UInt32]

    /// The number of trigram contexts kept.
    let trigramContexts: Int

    /// Maps `counts` (over `words.tsv` ids) onto head ids: `headID[i]` is the head id of `words.tsv` word `i`, or -1
    /// when the sampler left it out (its contexts and its appearances as a successor are dropped).
    init(counts: MarkovCounts, headID: [Int32], headCount: Int) {
        sentenceStart = Int32(headCount)
        func map(_ word: Int32) -> Int32 {
            word == MarkovCounts.start ? Int32(headCount) : word == MarkovCounts.none ? -1 : headID[Int(word)]
        }
        var successors: [Int32] = []
        var cumulative: [UInt32] = []
        var bigramRanges = [(UInt32, UInt32)](repeating: (0, 0), count: headCount + 1)
        var trigrams: [(key: UInt64, range: UInt64)] = []
        for (c, context) in counts.contexts.enumerated() {
            let second = map(context.second)
            let first = map(context.first)
            if second < 0 || (context.first != MarkovCounts.none && first < 0) { continue }
            let begin = successors.count
            var total: UInt32 = 0
            for s in Int(counts.successorStart[c])..<Int(counts.successorStart[c + 1]) {
                let word = map(counts.successorWords[s])
                if word < 0 { continue }
                total &+= counts.successorCounts[s]
                successors.append(word)
                cumulative.append(total)
            }
            if successors.count == begin { continue }
            if context.first == MarkovCounts.none {
                bigramRanges[Int(second)] = (UInt32(begin), UInt32(successors.count))
            } else {
                trigrams.append((UInt64(first + 1) << 32 | UInt64(second), UInt64(begin) << 32 | UInt64(successors.count)))
            }
        }
        // Bigram ranges as one offsets array (contexts without successors get an empty range).
        var starts: [UInt32] = []
        starts.reserveCapacity(2 * (headCount + 1))
        for range in bigramRanges { starts += [range.0, range.1] }
        bigramStart = starts
        var capacity = 16
        while capacity < 2 * trigrams.count { capacity *= 2 }
        var keys = [UInt64](repeating: 0, count: capacity)
        var ranges = [UInt64](repeating: 0, count: capacity)
        for trigram in trigrams {
            var slot = MarkovModel.slot(of: trigram.key, mask: capacity - 1)
            while keys[slot] != 0 && keys[slot] != trigram.key { slot = (slot + 1) & (capacity - 1) }
            keys[slot] = trigram.key
            ranges[slot] = trigram.range
        }
        trigramKeys = keys
        trigramRanges = ranges
        trigramMask = capacity - 1
        trigramContexts = trigrams.count
        self.successors = successors
        self.cumulative = cumulative
    }

    @inline(__always)
    private static func slot(of key: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    /// The next word after `previous` (a head id or `sentenceStart`), preceded by `beforePrevious` (a head id,
    /// `sentenceStart`, or -1 when unknown); `nil` when the model has no context for `previous`.
    @inline(__always)
    func next(after beforePrevious: Int32, _ previous: Int32, _ random: inout GeneratorRandom) -> Int32? {
        var begin = 0
        var end = 0
        if beforePrevious >= 0 {
            let key = UInt64(beforePrevious + 1) << 32 | UInt64(previous)
            trigramKeys.withUnsafeBufferPointer { keys in
                var slot = MarkovModel.slot(of: key, mask: trigramMask)
                while keys[slot] != 0 {
                    if keys[slot] == key {
                        let range = trigramRanges.withUnsafeBufferPointer { $0[slot] }
                        begin = Int(truncatingIfNeeded: range >> 32)
                        end = Int(truncatingIfNeeded: range & 0xFFFF_FFFF)
                        break
                    }
                    slot = (slot + 1) & trigramMask
                }
            }
        }
        if begin == end {
            bigramStart.withUnsafeBufferPointer { starts in
                begin = Int(starts[2 * Int(previous)])
                end = Int(starts[2 * Int(previous) + 1])
            }
            if begin == end { return nil }
        }
        return cumulative.withUnsafeBufferPointer { cumulative in
            let total = UInt64(cumulative[end - 1])
            let target = UInt32(truncatingIfNeeded: ((random.next() >> 32) &* total) >> 32)  // 0..<total
            // The first successor whose cumulative count exceeds `target`.
            var lo = begin
            var hi = end - 1
            while lo < hi {
                let mid = (lo + hi) >> 1
                if cumulative[mid] > target { hi = mid } else { lo = mid + 1 }
            }
            return successors.withUnsafeBufferPointer { $0[lo] }
        }
    }
}
