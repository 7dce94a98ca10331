import Testing
@testable import CorpusIndex

@Suite struct AnalyzerTests {
    @Test func splitsOnPunctuationAndLowercases() {
        #expect(Analyzer.tokens(of: "TAGS: KCRM, PHUM (TIP) REPORT.") == ["tags", "kcrm", "phum", "tip", "report"])
    }

    @Test func keepsDigitsAndUTF8Whole() {
        #expect(Analyzer.tokens(of: "07PRISTINA150 Ça-va café\u{2019}s") == ["07pristina150", "Ça", "va", "café\u{2019}s"])
    }

    @Test func escapesSeparateLikeQuotes() {
        // Backslash escapes of the CSV form separate tokens exactly as the unescaped quotes do.
        #expect(Analyzer.tokens(of: #"OF \"PREFERENTIAL JURISDICTION\" don\'t"#) == Analyzer.tokens(of: #"OF "PREFERENTIAL JURISDICTION" don't"#))
    }

    @Test func positionsAndRanges() {
        var scratch = TokenScratch(capacity: 1)
        let text = Array("  a long-token" .utf8) + Array(repeating: UInt8(ascii: "x"), count: 1000)
        var seen: [(String, Range<Int>, Int)] = []
        _ = text.withUnsafeBytes { raw in
            Analyzer.forEachToken(in: raw, scratch: &scratch) { token, range, position in
                seen.append((String(decoding: token, as: UTF8.self), range, position))
            }
        }
        #expect(seen.count == 3)
        #expect(seen[0].0 == "a" && seen[0].1 == 2..<3 && seen[0].2 == 0)
        #expect(seen[1].0 == "long" && seen[1].2 == 1)
        #expect(seen[2].0.count == 5 + 1000 && seen[2].1 == 9..<text.count && seen[2].2 == 2)
    }

    @Test func emptyAndSeparatorsOnly() {
        #expect(Analyzer.tokens(of: "").isEmpty)
        #expect(Analyzer.tokens(of: " ,.;\n\t-").isEmpty)
    }
}
