import Testing

@testable import CorpusIndex

@Suite("Word table")
struct WordTableTests {
    static let text = Array(
        """
        THE AMBASSADOR MET THE MINISTER ON THE ISSUE OF SECURITY. THE MINISTER SAID THAT THE GOVERNMENT WOULD \
        CONSIDER THE PROPOSAL; the embassy Embassy EMBASSY reported élection 東京 results. Pristina Pristina \
        PRISTINA xy xy z 12345 R 071200Z FM AMEMBASSY PRISTINA TO SECSTATE WASHDC
        """.utf8)

    func roundTrip(_ table: WordTable, _ input: [UInt8]) -> [UInt8]? {
        var encoded = [UInt8](repeating: 0, count: WordTable.encodedBound(input.count))
        let n = input.withUnsafeBytes { i in encoded.withUnsafeMutableBytes { table.encode(i, into: $0) } }
        var out: [UInt8] = []
        guard Array(encoded[0..<n]).withUnsafeBytes({ table.decode($0, into: &out, maxOutput: 1 << 24) }) else { return nil }
        return out
    }

    @Test func buildIsDeterministicAndShrinksText() throws {
        let sample = Array(repeating: Self.text, count: 20).flatMap { $0 }
        let a = sample.withUnsafeBytes { WordTable.build(sample: $0) }
        let b = sample.withUnsafeBytes { WordTable.build(sample: $0) }
        #expect(a == b && a.count > 10)
        // Words keep their following space; frequent ones get one-byte codes, a word never seen bare has no entry.
        let oneByte = (0..<min(a.count, WordTable.oneByteCodes)).map { Array(a.word($0)) }
        #expect(oneByte.contains(Array("THE ".utf8)) && oneByte.contains(Array("MINISTER ".utf8)))
        #expect(!(0..<a.count).contains { a.word($0) == ArraySlice("MINISTER".utf8) })
        var encoded = [UInt8](repeating: 0, count: WordTable.encodedBound(sample.count))
        let n = sample.withUnsafeBytes { i in encoded.withUnsafeMutableBytes { a.encode(i, into: $0) } }
        #expect(n < sample.count * 2 / 3)
        #expect(roundTrip(a, sample) == sample)
    }

    @Test("round trip of any bytes", arguments: [0, 1, 2, 3, 100, 5000])
    func anyBytes(length: Int) throws {
        var rng = SplitMix64(seed: UInt64(length) + 1)
        let table = Self.text.withUnsafeBytes { WordTable.build(sample: $0) }
        let alphabet = Array("THE MINISTER AMBASSADOR zq".utf8) + [0, 0x7F, 0x80, 0xBF, 0xC0, 0xFE, 0xFF]
        for _ in 0..<20 {
            let input = (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            #expect(roundTrip(table, input) == input)
            let random = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            #expect(roundTrip(table, random) == random)
        }
        #expect(roundTrip(WordTable(words: []), Self.text) == Self.text)
    }

    @Test func fullTableUsesTwoByteCodes() throws {
        // 16,192 distinct words: every code, one- and two-byte, round-trips.
        var words: [[UInt8]] = []
        for i in 0..<WordTable.maxWords {
            var w: [UInt8] = [UInt8(ascii: "a") + UInt8(i % 26), UInt8(ascii: "A") + UInt8((i / 26) % 26)]
            w.append(UInt8(ascii: "a") + UInt8(i / 676))
            words.append(w)
        }
        let table = WordTable(words: words)
        let text = words.joined(separator: [UInt8(ascii: " ")]).map { $0 }
        #expect(roundTrip(table, text) == text)
        let parsed = try table.serialized().withUnsafeBytes { try WordTable.parse($0, file: "f") }
        #expect(parsed == table)
        #expect(words[16_191].withUnsafeBytes { table.code(of: $0) } == 16_191)
    }

    @Test func malformedTransformIsRejected() throws {
        let table = WordTable(words: [Array("ab".utf8), Array("cd".utf8)])
        var out: [UInt8] = []
        for bad: [UInt8] in [[0x82], [0xC0], [0xC0, 0x00], [0xFF], [0xFF, 0x41], [0x41, 0xFE, 0xFF]] {
            #expect(!bad.withUnsafeBytes { table.decode($0, into: &out, maxOutput: 100) })
        }
        out = []
        #expect(([0x80, 0x81] as [UInt8]).withUnsafeBytes { table.decode($0, into: &out, maxOutput: 100) } && out == Array("abcd".utf8))
        out = []
        #expect(!([0x80, 0x81] as [UInt8]).withUnsafeBytes { table.decode($0, into: &out, maxOutput: 3) })
    }

    /// A word may carry its following space; the encoder prefers that entry and falls back to the bare word.
    @Test func wordsWithTheirSpace() throws {
        let table = WordTable(words: [Array("the ".utf8), Array("cat".utf8), Array("cat ".utf8), Array("sat".utf8)])
        let text = Array("the cat sat the  cat.thecat the".utf8)
        var encoded = [UInt8](repeating: 0, count: WordTable.encodedBound(text.count))
        let n = text.withUnsafeBytes { i in encoded.withUnsafeMutableBytes { table.encode(i, into: $0) } }
        #expect(Array(encoded[0..<n]) == [0x80, 0x82, 0x83, 0x20, 0x80, 0x20, 0x81, 0x2E] + Array("thecat the".utf8))
        #expect(roundTrip(table, text) == text)
        let parsed = try table.serialized().withUnsafeBytes { try WordTable.parse($0, file: "f") }
        #expect(parsed == table)
    }

    @Test func malformedSectionIsCorrupt() throws {
        for bad: [UInt8] in [[1, 0, 0], [1, 0, 0, 0, 2, 0x41], [1, 0, 0, 0, 1, 0x41], [1, 0, 0, 0, 2, 0x41, 0x31],
                             [1, 0, 0, 0, 2, 0x41, 0x20], [1, 0, 0, 0, 3, 0x41, 0x20, 0x41], [1, 0, 0, 0, 4, 0x41, 0x41, 0x20, 0x20],
                             [0xFF, 0xFF, 0, 0], [0, 0, 0, 0, 9]] {
            #expect(throws: CorpusIndexError.self) { try bad.withUnsafeBytes { try WordTable.parse($0, file: "f") } }
        }
    }
}

/// The fast encoder (`WordEncoder`: 8-byte scans, one probe per letter run, a zero-padded tail) against a
/// byte-at-a-time encoder written straight from docs/FORMAT.md's rule.
@Suite("Word encoder matches the format's rule")
struct WordEncoderReferenceTests {
    /// Replaces each maximal run of ASCII letters by the code of the run with its following space, if there is
    /// one and it is in the table, else by the bare run's code, if in the table; escapes bytes >= 0x80.
    static func reference(_ words: [[UInt8]], _ input: [UInt8]) -> [UInt8] {
        var codes: [[UInt8]: Int] = [:]
        for (c, w) in words.enumerated() where codes[w] == nil { codes[w] = c }
        func emit(_ c: Int, _ out: inout [UInt8]) {
            if c < 64 { out.append(UInt8(0x80 + c)) } else { out += [UInt8(0xC0 + (c - 64) / 256), UInt8((c - 64) % 256)] }
        }
        var out: [UInt8] = []
        var i = 0
        while i < input.count {
            let b = input[i]
            if b >= 0x80 { out += [0xFF, b]; i += 1; continue }
            guard isASCIILetter(b) else { out.append(b); i += 1; continue }
            var j = i
            while j < input.count && isASCIILetter(input[j]) { j += 1 }
            let run = Array(input[i..<j])
            if (2...32).contains(run.count) {
                if j < input.count && input[j] == 0x20, let c = codes[run + [0x20]] { emit(c, &out); i = j + 1; continue }
                if let c = codes[run] { emit(c, &out); i = j; continue }
            }
            out += run
            i = j
        }
        return out
    }

    @Test("random text, every length near the tail", arguments: [1, 2, 7, 8, 9, 47, 48, 49, 95, 200, 4000])
    func matchesReference(length: Int) throws {
        var rng = SplitMix64(seed: UInt64(length) * 7 + 3)
        // Words of 1...40 letters (long runs too), some listed with a space, some bare, some both, duplicates.
        var vocabulary: [[UInt8]] = []
        for k in 0..<300 {
            let n = 1 + Int(rng.next() % (k < 250 ? 14 : 40))
            vocabulary.append((0..<n).map { _ in (rng.next() % 2 == 0 ? 0x41 : 0x61) + UInt8(rng.next() % 3) })
        }
        var tableWords: [[UInt8]] = []
        for w in vocabulary where (2...32).contains(w.count) {
            switch rng.next() % 4 {
            case 0: tableWords.append(w)
            case 1: tableWords.append(w + [0x20])
            case 2: tableWords += [w + [0x20], w, w + [0x20]]
            default: break
            }
        }
        tableWords = Array(tableWords.prefix(WordTable.maxWords))
        let table = WordTable(words: tableWords)
        let separators: [[UInt8]] = [[0x20], [0x20, 0x20], [0x2E, 0x20], [0x0A], [0xC3, 0xA9], [0x31, 0x32], [0xFF], [0]]
        for _ in 0..<30 {
            var input: [UInt8] = []
            while input.count < length {
                input += vocabulary[Int(rng.next() % UInt64(vocabulary.count))]
                if rng.next() % 5 != 0 { input += separators[Int(rng.next() % UInt64(separators.count))] }
            }
            input = Array(input.prefix(length))
            var encoded = [UInt8](repeating: 0, count: WordTable.encodedBound(input.count))
            let n = input.withUnsafeBytes { i in encoded.withUnsafeMutableBytes { table.encode(i, into: $0) } }
            #expect(Array(encoded[0..<n]) == Self.reference(tableWords, input))
            var decoded: [UInt8] = []
            #expect(encoded[0..<n].withUnsafeBytes { table.decode($0, into: &decoded, maxOutput: 1 << 20) } && decoded == input)
        }
    }

    /// The encoder's slots match a run of up to 16 letters on its first 8 and last 8 letters and its length,
    /// and a longer one also on the letters between: runs that share both ends (or one end and the length)
    /// but differ anywhere else must not be taken for each other.
    @Test("runs sharing their first and last 8 letters")
    func sharedEnds() throws {
        let head = Array("Abcdefgh".utf8), tail = Array("stuvwxyZ".utf8)
        var vocabulary: [[UInt8]] = []
        for middle in ["", "m", "n", "mm", "mn", "nm", "mnmnmnmn", "mnmnmnmm", "mmmmmmmmmmmmmmmm", "mmmmmmmmmmmmmmmn"] {
            vocabulary.append(head + Array(middle.utf8) + tail)  // 16...32 letters
        }
        for k in 1...8 {
            vocabulary.append(Array(head.prefix(k)) + Array(tail.suffix(k)))  // 2...16 letters, shared ends
            vocabulary.append(head + Array(tail.suffix(k)))  // 9...16 letters: the same first 8
            vocabulary.append(Array(head.prefix(k)) + tail)  // 9...16 letters: the same last 8
            vocabulary.append(Array(head.prefix(k + 1)))  // 2...9 letters: prefixes of each other
        }
        vocabulary.append(head + Array("mmmmmmmmmmmmmmmmm".utf8) + tail)  // 33 letters: never a word
        for listed in vocabulary.indices {
            // Every other run in the table, alternately bare and with its space; the run `listed` in both forms.
            var tableWords: [[UInt8]] = []
            for (k, w) in vocabulary.enumerated() where w.count <= 32 && (k % 2 == listed % 2 || k == listed) {
                tableWords.append(k % 3 == 0 ? w + [0x20] : w)
                if k == listed { tableWords.append(k % 3 == 0 ? w : w + [0x20]) }
            }
            let table = WordTable(words: tableWords)
            var input: [UInt8] = []
            for (k, w) in vocabulary.enumerated() { input += w + (k % 4 == 0 ? [0x2E] : [0x20]) }
            input += input.reversed()
            var encoded = [UInt8](repeating: 0, count: WordTable.encodedBound(input.count))
            let n = input.withUnsafeBytes { i in encoded.withUnsafeMutableBytes { table.encode(i, into: $0) } }
            #expect(Array(encoded[0..<n]) == Self.reference(tableWords, input))
            for w in tableWords {
                #expect(w.withUnsafeBytes { table.code(of: $0) } == tableWords.firstIndex(of: w))
            }
        }
    }

    /// `WordTable.build` as specified, the slow obvious way: count every maximal run of 2...32 ASCII letters
    /// (with its following space if any) in a dictionary, sort all of them by each score.
    static func referenceBuild(_ sample: [UInt8]) -> WordTable {
        var counts: [[UInt8]: Int] = [:]
        var i = 0
        while i < sample.count {
            guard isASCIILetter(sample[i]) else {
                i += 1
                continue
            }
            var j = i
            while j < sample.count && isASCIILetter(sample[j]) { j += 1 }
            if WordTable.wordLengths.contains(j - i) {
                if j < sample.count && sample[j] == 0x20 { j += 1 }
                counts[Array(sample[i..<j]), default: 0] += 1
            }
            i = j
        }
        let first = counts.map { ($0.key, $0.value, $0.value * ($0.key.count - 1)) }
            .sorted { $0.2 != $1.2 ? $0.2 > $1.2 : $0.0.lexicographicallyPrecedes($1.0) }
        let one = first.prefix(WordTable.oneByteCodes).map(\.0)
        let rest = first.dropFirst(WordTable.oneByteCodes).filter { $0.1 >= 2 && $0.0.count >= 3 }
            .map { ($0.0, $0.1 * ($0.0.count - 2)) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.lexicographicallyPrecedes($1.0) }
            .prefix(WordTable.maxWords - WordTable.oneByteCodes).map(\.0)
        return WordTable(words: one + rest)
    }

    @Test("build chooses exactly the specified words", arguments: [0, 1, 3, 200, 30_000, 1_000_000])
    func buildMatchesReference(length: Int) throws {
        var rng = SplitMix64(seed: UInt64(length) &* 31 &+ 5)
        // Many short words (ties), long runs (> 32 letters: not words), words at the very end, UTF-8 and 0x00.
        var vocabulary: [[UInt8]] = []
        for k in 0..<25_000 {
            let n = 1 + Int(rng.next() % (k < 100 ? 40 : 9))
            vocabulary.append((0..<n).map { _ in (rng.next() % 2 == 0 ? 0x41 : 0x61) + UInt8(rng.next() % 26) })
        }
        let separators: [[UInt8]] = [[0x20], [0x20], [0x20], [0x2E, 0x20], [0x0A], [0xC3, 0xA9], [0x31], [0xFF], [0]]
        var sample: [UInt8] = []
        while sample.count < length {
            // Skewed: low indices are frequent.
            let r = Int(rng.next() % UInt64(vocabulary.count))
            sample += vocabulary[rng.next() % 3 == 0 ? r % 300 : r]
            sample += separators[Int(rng.next() % UInt64(separators.count))]
        }
        sample = Array(sample.prefix(length))
        let built = sample.withUnsafeBytes { WordTable.build(sample: $0) }
        let expected = Self.referenceBuild(sample)
        #expect(built == expected)
        if length >= 1_000_000 { #expect(built.count == WordTable.maxWords) }
    }
}

/// `WordCounter.top`'s selection (quickselect, then a sort of the keys that can be chosen) against sorting
/// everything.
@Suite("Word counter selection")
struct WordCounterSelectionTests {
    @Test("k-th largest equals the sorted order's, every k", arguments: [1, 2, 3, 10, 257])
    func kthLargest(count: Int) {
        var rng = SplitMix64(seed: UInt64(count))
        let keys = Set((0..<count).map { _ in rng.next() % UInt64(4 * count) }).sorted().shuffled(using: &rng)
        let sorted = keys.sorted(by: >)
        for k in 1...keys.count {
            var work = keys
            #expect(WordCounter.kthLargest(&work, k) == sorted[k - 1])
            #expect(work.sorted() == keys.sorted())
        }
    }

    @Test("top k of words with many tied scores", arguments: [1, 5, 64, 300, 2000])
    func topMatchesFullSort(k: Int) {
        var rng = SplitMix64(seed: UInt64(k) &* 31)
        // 1,000 distinct words of 2...6 letters from a 3-letter alphabet, scores from few values (many ties).
        var seen = Set<[UInt8]>()
        var bytes: [UInt8] = []
        var words: [WordCounter.Word] = []
        while words.count < 1_000 {
            let w = (0..<(2 + Int(rng.next() % 5))).map { _ in UInt8(0x61 + rng.next() % 3) }
            guard seen.insert(w).inserted else { continue }
            let count = UInt64(1 + rng.next() % 4)
            words.append(WordCounter.Word(packed: UInt64(bytes.count + 1) | UInt64(w.count) << 32 | count << 40))
            bytes += w
        }
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress!
            func text(_ w: WordCounter.Word) -> [UInt8] { Array(bytes[w.offset..<(w.offset + w.length)]) }
            let score = { (w: WordCounter.Word) in w.count * (w.length - 1) }
            let expected = words.sorted { a, b in
                score(a) != score(b) ? score(a) > score(b) : text(a).lexicographicallyPrecedes(text(b))
            }.prefix(k)
            #expect(WordCounter.top(k, of: words, base: base, score: score) == Array(expected))
        }
    }
}
