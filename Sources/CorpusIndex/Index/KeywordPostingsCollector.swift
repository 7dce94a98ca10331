#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Collects the documents of every keyword value (tags, origins, ..., reference ids) under a memory bound: values
/// and their doc lists accumulate in hash tables until their estimated size reaches `memoryBudget`, then go to a
/// sorted run file in `directory` (`KeywordRunFile`); `write` merges the runs and streams each field's values in
/// byte order, with their complete doc lists, to a sink (the field's `FieldIndexWriter`). Since documents arrive
/// in doc-id order and a spill happens only between documents, each run covers a contiguous doc range and the
/// lists of one value concatenate in run order: the output does not depend on the budget (spilled or not).
///
/// Values are compared and kept as their exact UTF-8 bytes (not by `String`'s canonical equivalence).
/// Memory: about the budget, plus one 64 KiB buffer per run merged at once (at most `fanIn`; more runs are first
/// joined in intermediate passes). Not thread-safe.
final class KeywordPostingsCollector {
    static let fieldCount = KeywordField.allCases.count
    /// The most runs merged at once.
    static let fanIn = 64

    let directory: String
    let memoryBudget: Int
    /// Per field, its values and their docs.
    private var tables: [FieldPostings]
    private var estimatedBytes = 0
    private var runs: [KeywordRun] = []
    private var nextRunNumber = 0
    private var sealed = false
    /// Runs written by spills (before any intermediate pass).
    private(set) var spillCount = 0

    /// - Parameters:
    ///   - directory: an existing directory for the run files.
    ///   - memoryBudget: the estimated bytes of values and doc lists held before a spill.
    init(directory: String, memoryBudget: Int) {
        self.directory = directory
        self.memoryBudget = max(memoryBudget, 1)
        tables = Array(repeating: FieldPostings(), count: Self.fieldCount)
    }

    /// Notes that `doc` has `value` in `field`. Docs come in increasing order (a value listed twice by one
    /// document counts once).
    func add(_ field: KeywordField, _ value: String, doc: UInt32) {
        precondition(!sealed, "KeywordPostingsCollector.add after write")
        if tables[field.ordinal].add(value, doc: doc) {
            // (The estimate of a dictionary of `String` keys and doc arrays, kept so that spills happen where
            // they did: table slot, array header and first element, heap string bytes.)
            estimatedBytes += 96 + (value.utf8.count > 15 ? value.utf8.count + 16 : 0)
        } else {
            estimatedBytes += 4
        }
    }

    /// Ends a document: spills if the tables are over budget.
    func endDocument() throws {
        if estimatedBytes >= memoryBudget { try spill() }
    }

    /// Writes the tables to a new run and empties them.
    private func spill() throws {
        nextRunNumber += 1
        let writer = try KeywordRunWriter(path: "\(directory)/keywords-\(nextRunNumber).run")
        for f in 0..<Self.fieldCount {
            try writeTable(f, to: writer)
            writer.endField()
        }
        runs.append(try writer.finish())
        spillCount += 1
        tables = Array(repeating: FieldPostings(), count: Self.fieldCount)
        estimatedBytes = 0
    }

    private func writeTable(_ f: Int, to sink: KeywordPostingsSink, onValue: (UnsafeRawBufferPointer) -> Void = { _ in }) throws {
        try tables[f].forEachValueInByteOrder { bytes, docs in
            onValue(bytes)
            try sink.beginValue(bytes)
            try sink.appendDocs(docs)
            try sink.endValue()
        }
    }

    /// Streams `field`'s values in byte order with their doc lists to `sink`, calling `onValue` with each value
    /// first (its ordinal is the number of calls before). Call once per field, in `KeywordField` order; no `add`
    /// afterwards.
    func write(_ field: KeywordField, to sink: KeywordPostingsSink, onValue: (UnsafeRawBufferPointer) -> Void) throws {
        if !sealed {
            sealed = true
            if !runs.isEmpty {
                // Something was spilled: spill the rest too and merge files only (one code path for the lists).
                if !tables.allSatisfy(\.isEmpty) { try spill() }
                try reduceRuns()
            }
        }
        let f = field.ordinal
        if runs.isEmpty {
            try writeTable(f, to: sink, onValue: onValue)
            tables[f] = FieldPostings()
            return
        }
        let cursors = try runs.enumerated().map { rank, run in
            try KeywordRunCursor(path: run.path, range: run.fields[f], rank: rank)
        }
        try Self.merge(cursors, into: sink, onValue: onValue)
    }

    /// Merges runs of one field: values in byte order, each value's lists in rank order (ascending docs).
    private static func merge(
        _ cursors: [KeywordRunCursor], into sink: KeywordPostingsSink, onValue: (UnsafeRawBufferPointer) -> Void
    ) throws {
        var heap = CursorHeap(cursors.filter { !$0.exhausted })
        var current: [UInt8] = []
        while let top = heap.top {
            current.removeAll(keepingCapacity: true)
            current.append(contentsOf: top.value)
            try current.withUnsafeBytes { bytes in
                onValue(bytes)
                try sink.beginValue(bytes)
            }
            while let next = heap.top, next.value == current {
                try next.readDocs { try sink.appendDocs($0) }
                try next.advance()
                heap.replaceTop(dropping: next.exhausted)
            }
            try sink.endValue()
        }
    }

    /// Joins groups of `fanIn` consecutive runs until at most `fanIn` remain.
    private func reduceRuns() throws {
        while runs.count > Self.fanIn {
            var joined: [KeywordRun] = []
            for start in stride(from: 0, to: runs.count, by: Self.fanIn) {
                let group = Array(runs[start..<min(start + Self.fanIn, runs.count)])
                if group.count == 1 {
                    joined.append(group[0])
                    continue
                }
                nextRunNumber += 1
                let writer = try KeywordRunWriter(path: "\(directory)/keywords-\(nextRunNumber).run")
                for f in 0..<Self.fieldCount {
                    let cursors = try group.enumerated().map { rank, run in
                        try KeywordRunCursor(path: run.path, range: run.fields[f], rank: rank)
                    }
                    try Self.merge(cursors, into: writer, onValue: { _ in })
                    writer.endField()
                }
                joined.append(try writer.finish())
                for run in group { unlink(run.path) }
            }
            runs = joined
        }
    }

    /// Deletes the run files and frees the tables.
    func removeRuns() {
        for run in runs { unlink(run.path) }
        runs = []
        tables = Array(repeating: FieldPostings(), count: Self.fieldCount)
    }
}

extension KeywordField {
    /// The position in `allCases` (the order of the keyword files and of the manifest).
    var ordinal: Int {
        switch self {
        case .tag: 0
        case .origin: 1
        case .classification: 2
        case .month: 3
        case .reference: 4
        case .refid: 5
        }
    }
}

/// A binary min-heap of run cursors ordered by (value bytes, rank).
private struct CursorHeap {
    private var items: [KeywordRunCursor]

    init(_ cursors: [KeywordRunCursor]) {
        items = cursors
        for i in stride(from: items.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
    }

    var top: KeywordRunCursor? { items.first }

    private static func less(_ a: KeywordRunCursor, _ b: KeywordRunCursor) -> Bool {
        let c = a.value.withUnsafeBytes { x in b.value.withUnsafeBytes { y in compareBytes(x, y) } }
        return c < 0 || (c == 0 && a.rank < b.rank)
    }

    /// Restores the order after the top cursor advanced, or removes it.
    mutating func replaceTop(dropping: Bool) {
        if dropping {
            let last = items.removeLast()
            if items.isEmpty { return }
            items[0] = last
        }
        siftDown(0)
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count && Self.less(items[l], items[m]) { m = l }
            if r < items.count && Self.less(items[r], items[m]) { m = r }
            if m == i { return }
            items.swapAt(i, m)
            i = m
        }
    }
}

/// One keyword field's values (`ByteStringTable` ids in first-seen order) and their docs, without an array per
/// value: each (value, doc) pair is appended to one list in arrival order (ascending docs), and grouped by value
/// only when written (a counting sort on the value ids, stable, so each value's docs stay ascending).
private struct FieldPostings {
    private var values = ByteStringTable()
    /// Per value id, its last doc and its doc count.
    private var lastDocs: [UInt32] = []
    private var docCounts: [Int] = []
    /// `id << 32 | doc` per pair, in arrival order.
    private var pairs: [UInt64] = []

    var isEmpty: Bool { values.isEmpty }

    /// Notes `doc` (not below any doc noted before) for `value`; a value listed twice by one doc counts once.
    /// - Returns: whether `value` is new.
    mutating func add(_ value: String, doc: UInt32) -> Bool {
        let (id, added) = values.insert(value)
        if added {
            lastDocs.append(doc)
            docCounts.append(1)
        } else if lastDocs[id] != doc {
            lastDocs[id] = doc
            docCounts[id] += 1
        } else {
            return false
        }
        pairs.append(UInt64(id) << 32 | UInt64(doc))
        return added
    }

    /// Calls `body` with each value's bytes and its docs (ascending), values in byte order.
    func forEachValueInByteOrder(_ body: (UnsafeRawBufferPointer, UnsafeBufferPointer<UInt32>) throws -> Void) rethrows {
        var starts = [Int](repeating: 0, count: docCounts.count + 1)
        for id in docCounts.indices { starts[id + 1] = starts[id] + docCounts[id] }
        var next = starts
        var grouped = [UInt32](repeating: 0, count: pairs.count)
        for pair in pairs {
            let id = Int(truncatingIfNeeded: pair >> 32)
            grouped[next[id]] = UInt32(truncatingIfNeeded: pair)
            next[id] += 1
        }
        try grouped.withUnsafeBufferPointer { grouped in
            for id in values.idsInByteOrder() {
                try values.withBytes(id) { try body($0, UnsafeBufferPointer(rebasing: grouped[starts[id]..<starts[id + 1]])) }
            }
        }
    }
}
