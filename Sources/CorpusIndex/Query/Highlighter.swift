/// Decides which tokens of a text a query matched, and renders a snippet around the best cluster of them with
/// each matched word marked `[word]`.
///
/// The words are the query's positive text terms, phrase words and prefixes (any field: a subject term found in
/// the body is marked too). Built once per query; looking a token up allocates nothing (terms are bucketed by
/// length and first byte, then compared byte for byte), so `snippet` allocates only for its result, the one
/// document's token list and one key per distinct word a prefix matched. Value type, `Sendable`.
public struct Highlighter: Sendable {
    /// The distinct query words; a word's index here is its id in a snippet's window count.
    var terms: [[UInt8]] = []
    /// Indexes into `terms`, keyed by `bucketKey(length, first byte)`.
    var buckets: [Int: [Int]] = [:]
    var prefixes: [[UInt8]] = []

    public init(_ node: QueryNode) {
        collect(node)
    }

    private mutating func collect(_ node: QueryNode) {
        switch node {
        case let .term(_, t): addTerm(t)
        case let .phrase(_, ts): for t in ts { addTerm(t) }
        case let .prefix(_, p): prefixes.append(Array(p.utf8))
        case let .and(children), let .or(children): for c in children { collect(c) }
        case .not, .metadata, .referenceID, .created: break
        }
    }

    private mutating func addTerm(_ term: String) {
        let bytes = Array(term.utf8)
        guard let first = bytes.first, !terms.contains(bytes) else { return }
        buckets[Self.bucketKey(bytes.count, first), default: []].append(terms.count)
        terms.append(bytes)
    }

    @inline(__always)
    private static func bucketKey(_ length: Int, _ first: UInt8) -> Int { length << 8 | Int(first) }

    /// The index in `terms` of the query word equal to `token`, if any.
    func termIndex(_ token: UnsafeRawBufferPointer) -> Int? {
        guard let first = token.first, let candidates = buckets[Self.bucketKey(token.count, first)] else {
            return nil
        }
        for i in candidates where terms[i].withUnsafeBytes({ $0.elementsEqual(token) }) { return i }
        return nil
    }

    /// Whether `token` starts with one of the query's prefixes.
    func matchesPrefix(_ token: UnsafeRawBufferPointer) -> Bool {
        for p in prefixes where token.count >= p.count {
            if p.withUnsafeBytes({ $0.elementsEqual(UnsafeRawBufferPointer(rebasing: token.prefix(p.count))) }) {
                return true
            }
        }
        return false
    }

    /// Whether the analysed token matches a query word or prefix.
    public func matches(_ token: UnsafeRawBufferPointer) -> Bool {
        termIndex(token) != nil || matchesPrefix(token)
    }

    /// A one-line excerpt of `text` of about `width` tokens around the window holding the most distinct matched
    /// words (earliest on ties), whitespace collapsed, matched words in brackets, `...` where text was cut.
    public func snippet(of text: [UInt8], width: Int = 24) -> String {
        var ranges: [Range<Int>] = []
        var matchedIDs: [Int] = []  // per token: -1 or an id of the matched word
        var prefixWordIDs: [[UInt8]: Int] = [:]  // words matched by a prefix get ids after the terms'
        var scratch = TokenScratch()
        _ = text.withUnsafeBytes { raw in
            Analyzer.forEachToken(in: raw, scratch: &scratch) { token, range, _ in
                ranges.append(range)
                if let i = termIndex(token) {
                    matchedIDs.append(i)
                } else if matchesPrefix(token) {
                    let key = Array(token)
                    let id = prefixWordIDs[key] ?? terms.count + prefixWordIDs.count
                    prefixWordIDs[key] = id
                    matchedIDs.append(id)
                } else {
                    matchedIDs.append(-1)
                }
            }
        }
        if ranges.isEmpty { return "" }
        let w = max(1, min(width, ranges.count))
        // Slide a window of w tokens; score = distinct matched words, then matched tokens.
        var counts: [Int: Int] = [:]
        var distinct = 0, total = 0
        func add(_ i: Int, _ delta: Int) {
            let id = matchedIDs[i]
            guard id >= 0 else { return }
            let before = counts[id, default: 0]
            counts[id] = before + delta
            total += delta
            if before == 0 && delta > 0 { distinct += 1 }
            if before + delta == 0 { distinct -= 1 }
        }
        for i in 0..<w { add(i, 1) }
        var best = (start: 0, distinct: distinct, total: total)
        var start = 0
        while start + w < ranges.count {
            add(start, -1)
            add(start + w, 1)
            start += 1
            if (distinct, total) > (best.distinct, best.total) { best = (start, distinct, total) }
        }
        // Start the window a few tokens before its first match, for context, keeping its last match.
        var first = best.start
        let window = best.start..<(best.start + w)
        if let m = window.first(where: { matchedIDs[$0] >= 0 }), let l = window.last(where: { matchedIDs[$0] >= 0 }) {
            first = max(0, min(max(m - 4, l - w + 1), ranges.count - w))
        }
        let last = first + w - 1
        var out: [UInt8] = []
        if first > 0 { out += Array("...".utf8) }
        var cursor = ranges[first].lowerBound
        var pendingSpace = false
        func emit(_ bytes: ArraySlice<UInt8>) {
            for b in bytes {
                if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 {
                    pendingSpace = true
                } else {
                    if pendingSpace && !out.isEmpty { out.append(0x20) }
                    pendingSpace = false
                    out.append(b)
                }
            }
        }
        for i in first...last {
            let r = ranges[i]
            emit(text[cursor..<r.lowerBound])
            if matchedIDs[i] >= 0 {
                if pendingSpace && !out.isEmpty { out.append(0x20) }
                pendingSpace = false
                out.append(UInt8(ascii: "["))
                out += text[r]
                out.append(UInt8(ascii: "]"))
            } else {
                emit(text[r])
            }
            cursor = r.upperBound
        }
        if last < ranges.count - 1 { out += Array(" ...".utf8) } else { emit(text[cursor...]) }
        return String(decoding: out, as: UTF8.self)
    }
}
