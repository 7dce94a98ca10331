/// The running text of a cable: numbered paragraphs of sentences drawn from the `WordSampler`, with portion
/// markings, SUMMARY / COMMENT blocks, occasional headings, numbers, quoted phrases (`"` in the text, escaped `\"` in
/// CSV), apostrophes from the vocabulary (`\'`), and now and then a backslash (`\\`).
///
/// Words follow the real text's local structure: with probability `markovShare` a word continues the Markov chain
/// from the one or two words before it (`MarkovModel`: real bigrams and the frequent real trigrams, so phrases like
/// `human rights` or `trafficking in persons` occur at realistic rates); otherwise, and whenever the model has no
/// context (after a number or a tail word), it is drawn from the Zipf `WordSampler`, whose long tail keeps the
/// vocabulary growing like the real corpus's. Each sentence starts from the model's sentence-start context.
/// Per-word work is allocation-free: words and numbers are written straight into the buffer.
extension CableComposer {
    /// The share of words that continue the Markov chain when it has a context.
    static let markovShare = 0.90
    /// The Zipf sampler's tail share among the words it draws: calibrated with `markovShare` so that the body
    /// vocabulary still reaches about 0.8M distinct tokens at the full 251,287 cables.
    static let tailShare = 0.45
    private static let markovThreshold = UInt64(markovShare * 0x1.0p64)

    private static let portionMarkings: [[StaticString]] = [
        ["(C)", "(C)", "(C)", "(C)", "(C)", "(C)", "(C)", "(C)", "(SBU)", "(U)"],
        ["(C/NF)", "(C//NF)", "(C)", "(C/NF)"],
        ["(S)", "(S)", "(S)", "(C)", "(U)"],
        ["(S/NF)", "(S/NF)", "(S//NF)", "(S)"],
        ["(U)", "(U)", "(SBU)"],
        ["(SBU)", "(SBU)", "(SBU)", "(U)"],
    ]

    func writeParagraphs(
        _ draft: inout CableDraft, targetWords: Int, uppercase: Bool, old: Bool, _ random: inout GeneratorRandom,
        _ writer: inout BodyTextWriter
    ) {
        let paragraphCount = max(1, Int((Double(targetWords) / 85).rounded()))
        let marked = !old && !(draft.classification == 4 && random.chance(0.4))
        let markings = CableComposer.portionMarkings[draft.classification]
        let summary = paragraphCount >= 3 && random.chance(0.4)
        let comment = paragraphCount >= 4 && random.chance(0.3)
        let backslashParagraph = random.chance(0.003) ? random.below(paragraphCount) + 1 : 0
        var remaining = targetWords
        let out = writer.out
        for k in 1...paragraphCount {
            let left = paragraphCount - k
            var n = remaining
            if left > 0 {
                let share = Double(remaining) / Double(left + 1) * random.logNormal(median: 1, sigma: 0.5)
                n = max(6, min(remaining - 6 * left, Int(share)))
            }
            remaining -= n
            if k > 1 && random.chance(0.05) {
                var heading = ""
                for i in 0..<(2 + random.below(4)) {
                    let word = words.headWord(&random)
                    heading += i == 0 ? "" : " "
                    heading += uppercase ? word.uppercased() : (i == 0 ? word.prefix(1).uppercased() + word.dropFirst() : word)
                }
                writer.line(heading)
                writer.blank()
            }
            draft.paragraphAnchors.append((writer.offset, k))
            let digits = k < 10 ? 1 : k < 100 ? 2 : 3
            writer.begin(length: digits + 1 + (marked ? 0 : 1))
            out.appendDecimal(k)
            out.append(marked ? "." : ". ")
            writer.end()
            if marked {
                let m = markings[random.below(markings.count)]
                writer.begin(length: m.utf8CodeUnitCount)
                out.append(m)
                writer.end()
            }
            if k == 1 && summary { token(uppercase ? "SUMMARY:" : "Summary:", &writer) }
            if k == paragraphCount && comment { token(uppercase ? "COMMENT:" : "Comment:", &writer) }
            writeSentences(n, uppercase: uppercase, backslash: k == backslashParagraph, &random, &writer)
            if k == 1 && summary { token(uppercase ? "END SUMMARY." : "End Summary.", &writer) }
            if k == paragraphCount && comment { token(uppercase ? "END COMMENT." : "End Comment.", &writer) }
            writer.endParagraph()
        }
    }

    private func token(_ text: StaticString, _ writer: inout BodyTextWriter) {
        writer.begin(length: text.utf8CodeUnitCount)
        writer.out.append(text)
        writer.end()
    }

    private func writeSentences(
        _ count: Int, uppercase: Bool, backslash: Bool, _ random: inout GeneratorRandom,
        _ writer: inout BodyTextWriter
    ) {
        let out = writer.out
        var left = count
        var backslashPending = backslash
        let start = markov.sentenceStart
        while left > 0 {
            // The chain's context: the two words before the next one (-1: none the model knows).
            var beforePrevious = start
            var previous = start
            let length = min(left, 6 + random.below(22))
            left -= length
            var quoteStart = -1
            var quoteEnd = -1
            if length > 6 && random.chance(0.06) {
                quoteStart = 1 + random.below(length - 5)
                quoteEnd = quoteStart + 1 + random.below(3)
            }
            for j in 0..<length {
                let bits = random.next()
                let last = j == length - 1
                let comma = !last && bits & 0xFF < 15
                let open = j == quoteStart
                let close = j == quoteEnd
                let suffix = (close ? 1 : 0) + (last || comma ? 1 : 0)
                if backslashPending && j == 1 {
                    backslashPending = false
                    writer.begin(length: 6)
                    out.append(uppercase ? "AND\\OR" : "and\\or")
                    writer.end()
                    beforePrevious = -1
                    previous = -1
                    continue
                }
                let kind = (bits >> 8) & 0x3FF
                if kind < 22 {
                    // A number: a year, a small count, or a larger figure.
                    let value: Int
                    if kind < 9 {
                        value = 1990 + random.below(21)
                    } else if kind < 19 {
                        value = 1 + random.below(99)
                    } else {
                        value = Int(pow(10, 2 + 3 * random.unit()))
                    }
                    let digits = value < 10 ? 1 : value < 100 ? 2 : value < 1000 ? 3 : value < 10_000 ? 4 : 5
                    writer.begin(length: digits + suffix + (open ? 1 : 0))
                    if open { out.append(0x22) }
                    out.appendDecimal(value)
                    beforePrevious = -1
                    previous = -1
                } else {
                    var word: WordSampler.Word
                    if previous >= 0 && random.next() < CableComposer.markovThreshold,
                        let id = markov.next(after: beforePrevious, previous, &random)
                    {
                        word = words.head(id)
                    } else {
                        word = words.draw(&random)
                    }
                    beforePrevious = previous
                    previous = word.headID
                    writer.begin(length: words.length(of: word) + suffix + (open ? 1 : 0))
                    if open { out.append(0x22) }
                    let start = out.count
                    words.append(word, to: out, uppercase: uppercase)
                    if j == 0 && !uppercase {
                        let b = out.base[start]
                        if b >= 0x61 && b <= 0x7A { out.base[start] = b - 0x20 }
                    }
                }
                if close { out.append(0x22) }
                if last { out.append(0x2E) } else if comma { out.append(0x2C) }
                writer.end()
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
