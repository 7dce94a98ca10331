import Foundation
import Testing

@testable import CorpusIndex

/// Posting lists with dense doc blocks (docs/FORMAT.md, "Dense doc block") through the real writers and
/// `PostingCursor`, against brute force: lists dense in one part and sparse in another, starting at doc 0, of
/// exactly 128 docs, with dense partial last blocks and 1–3-doc tails. Each block's form is read from the bytes
/// and must be the one the format's rule picks (the bitmap when no larger than the patched deltas). `next`,
/// `advance(to:)`, `probeFrequency` (its bit-test path), positions and `verify` agree with the model; damaged
/// dense blocks are reported as corrupt by verify and never crash a cursor.
@Suite("Dense postings")
struct DensePostingsTests {
    static let documentCount = 5000

    /// One list of the model: increasing docs and their frequencies.
    struct List {
        var term: String
        var docs: [UInt32]
        var freqs: [UInt32] = []
    }

    /// Docs of `range` each kept with probability `p`.
    static func sample(_ range: Range<Int>, _ p: Double, _ rng: inout SplitMix64) -> [UInt32] {
        range.filter { _ in Double(rng.next() % 1_000_000) < p * 1_000_000 }.map(UInt32.init)
    }

    /// `count` docs from `start` with gaps drawn from `gaps`.
    static func run(from start: UInt32, count: Int, gaps: ClosedRange<UInt32>, _ rng: inout SplitMix64) -> [UInt32] {
        var doc = start
        return (0..<count).map { i in
            if i > 0 { doc += gaps.lowerBound + UInt32(rng.next() % UInt64(gaps.count)) }
            return doc
        }
    }

    /// The model's lists (in term order, the order of the postings file), each shaped for one case.
    static func modelLists() -> [List] {
        var rng = SplitMix64(seed: 2026)
        var lists: [List] = []
        // Dense first (about 4 in 5 ids), sparse after (one in 16): dense blocks then patched ones.
        lists.append(List(term: "alphahalf", docs: sample(0..<900, 0.8, &rng) + sample(900..<5000, 0.06, &rng)))
        // Starts at doc 0: the first block's bit 0.
        lists.append(List(term: "bravozero", docs: [0] + sample(1..<500, 0.5, &rng)))
        // Exactly 128 docs, one block without a skip table: all of 0..<128 (bitmap and deltas both 18 bytes:
        // the tie goes to the bitmap), and 128 of 3..<220.
        lists.append(List(term: "charliefull", docs: Array(0..<128)))
        var some = Set<UInt32>()
        while some.count < 128 { some.insert(3 + UInt32(rng.next() % 217)) }
        lists.append(List(term: "charliesome", docs: some.sorted()))
        // Dense partial last blocks of 4, 5, 77 and 127 docs after two full dense blocks.
        for r in [4, 5, 77, 127] {
            lists.append(List(term: "delta\(r)", docs: run(from: UInt32(r / 8), count: 256 + r, gaps: 1...2, &rng)))
        }
        // 1–3-doc tails (VarInt pairs) after dense blocks; the first tail gap is 255, so the tail's first byte is
        // 0xFF like a dense block's marker.
        for t in 1...3 {
            let dense = run(from: 0, count: 256, gaps: 1...3, &rng)
            let tail = run(from: dense.last! + 255, count: t, gaps: 1...40, &rng)
            lists.append(List(term: "echo\(t)", docs: dense + tail))
        }
        // Every document: full-density blocks throughout.
        lists.append(List(term: "filler", docs: Array(0..<UInt32(documentCount))))
        // Blocks dense or sparse at random.
        var mixed: [UInt32] = []
        var next: UInt32 = 0
        var modes: [Bool] = [true, false, true, true, false]
        while next < UInt32(documentCount) {
            let dense = modes.isEmpty ? rng.next() % 2 == 0 : modes.removeFirst()
            let block = run(from: next, count: 128, gaps: dense ? 1...2 : 5...30, &rng).filter { $0 < documentCount }
            mixed += block
            next = (block.last ?? next) + (dense ? 1 : 7)
        }
        lists.append(List(term: "foxtrotmix", docs: mixed))
        // Sparse: one patched block.
        lists.append(List(term: "golfrare", docs: sample(0..<5000, 0.01, &rng)))
        // Dense runs of a block each, 40 ids apart: a bitmap whose first bytes are 0 (it starts after the previous
        // block's last doc).
        var runs: [UInt32] = []
        for _ in 0..<5 { runs += run(from: runs.last.map { $0 + 41 } ?? 0, count: 128, gaps: 1...2, &rng) }
        lists.append(List(term: "hotelruns", docs: runs))
        // The section's last list: one dense block.
        lists.append(List(term: "zulu", docs: sample(0..<170, 0.75, &rng)))
        for i in lists.indices {
            // Mostly 1, some 2–5, a few up to 60 and rare ones in the hundreds (patched exceptions).
            lists[i].freqs = lists[i].docs.map { _ in
                let r = rng.next() % 1000
                return r < 750 ? 1 : r < 950 ? UInt32(rng.next() % 4) + 2 : r < 995 ? UInt32(rng.next() % 55) + 6
                    : UInt32(rng.next() % 200) + 200
            }
            if lists[i].term == "filler" { lists[i].freqs = lists[i].docs.map { _ in 1 } }
        }
        return lists.sorted { $0.term.utf8.lexicographicallyPrecedes($1.term.utf8) }
    }

    /// The model and the bodies that give it: per document its tokens, shuffled; a term's positions are the
    /// indexes of its tokens.
    struct Model {
        let lists: [List]
        let tokens: [[Int]]  // per doc, list indexes

        init() {
            lists = DensePostingsTests.modelLists()
            var tokens = [[Int]](repeating: [], count: DensePostingsTests.documentCount)
            for (t, list) in lists.enumerated() {
                for (d, f) in zip(list.docs, list.freqs) { tokens[Int(d)] += [Int](repeating: t, count: Int(f)) }
            }
            var rng = SplitMix64(seed: 7)
            for d in tokens.indices { tokens[d].shuffle(using: &rng) }
            self.tokens = tokens
        }

        func positions(_ t: Int, _ doc: UInt32) -> [UInt32] {
            tokens[Int(doc)].indices.filter { tokens[Int(doc)][$0] == t }.map(UInt32.init)
        }

        var records: [CableRecord] {
            tokens.enumerated().map { d, tokens in
                CableRecord(
                    rowID: d + 1, referenceID: "09DENSE\(100_000 + d)",
                    created: CableDate(minutesSinceEpoch: 20_000_000 + Int64(d) * 61),
                    classification: Classification.knownValues[d % 6], origin: "Embassy Pristina",
                    header: Array("R 0\(d)1200Z FM AMEMBASSY PRISTINA".utf8),
                    body: Array(tokens.map { lists[$0].term }.joined(separator: " ").utf8), tags: ["KV"],
                    subject: "SUBJECT \(d % 13)")
            }
        }
    }

    /// The model written as an index (the whole index: text fields, store, keyword fields, manifest).
    struct Built {
        let directory = TestDirectory("dense")
        let model = Model()

        init() throws { try TestIndexBuilder.build(model.records, directory: directory.path) }

        /// A copy of the index files, to damage.
        func copy() throws -> TestDirectory {
            let copy = TestDirectory("dense-damage")
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
                try FileManager.default.copyItem(atPath: "\(directory.path)/\(name)", toPath: "\(copy.path)/\(name)")
            }
            return copy
        }
    }

    // MARK: - Reading the blocks' forms from the bytes

    /// Where one block of a list lies in the `DOCS` section and how its doc ids are stored.
    struct BlockLayout {
        enum Form { case dense, patched, pairs }
        var form: Form
        var start: Int
        /// The end of its doc ids (the start of its frequencies); `end` for VarInt pairs.
        var docsEnd: Int
        var end: Int
        /// The smallest doc id the block may hold, and its docs.
        var first: UInt32
        var docs: ArraySlice<UInt32>
    }

    /// The blocks of `docs`' list at `offset` of `section`, found from the format's layout (top-scoring
    /// documents, packed skip table, blocks) and the model's doc ids: a dense block's size follows from its
    /// first and last doc, a patched block's from its header.
    static func layout(of docs: [UInt32], at offset: Int, in section: [UInt8], topScoring: Bool) throws -> [BlockLayout] {
        try section.withUnsafeBytes { raw in
            var at = offset
            if topScoring {
                let (length, after) = try #require(VarInt.decode(raw, at: at))
                at = after + Int(length)
            }
            let blockCount = (docs.count + 127) / 128
            if blockCount > 1 {
                let widths = try #require(PackedSkipTable.widths(raw, at: at))
                at += PackedSkipTable.byteCount(entryCount: blockCount, entryBits: widths.entryBits)
            }
            var blocks: [BlockLayout] = []
            for b in 0..<blockCount {
                let slice = docs[(b * 128)..<min(docs.count, b * 128 + 128)]
                let first = b == 0 ? 0 : docs[b * 128 - 1] + 1
                let start = at
                let form: BlockLayout.Form
                let docsEnd: Int
                if slice.count < PatchedBlock.smallestPartialBlock {
                    for _ in 0..<(2 * slice.count) { at = try #require(VarInt.decode(raw, at: at)).1 }
                    (form, docsEnd) = (.pairs, at)
                } else {
                    if raw[at] == 0xFF {
                        (form, docsEnd) = (.dense, at + 2 + Int(slice.last! - first) / 8)
                    } else {
                        (form, docsEnd) = (.patched, at + (try #require(PatchedBlock.encodedSize(raw, at: at, count: slice.count))))
                    }
                    at = docsEnd + (try #require(PatchedBlock.encodedSize(raw, at: docsEnd, count: slice.count)))
                }
                blocks.append(BlockLayout(form: form, start: start, docsEnd: docsEnd, end: at, first: first, docs: slice))
            }
            return blocks
        }
    }

    /// The model's lists with their term infos and block layouts, in term order.
    static func layouts(_ field: FieldIndexReader, _ model: Model, section: [UInt8]) throws -> [(List, TermInfo, [BlockLayout])] {
        try model.lists.map { list in
            let info = try #require(try field.lookup(list.term))
            let blocks = try layout(
                of: list.docs, at: Int(info.postingsOffset), in: section, topScoring: field.topScoring.applies(to: list.docs.count))
            return (list, info, blocks)
        }
    }

    static func docsSection(_ dir: String) throws -> [UInt8] {
        let file = try ContainerFile(path: "\(dir)/\(IndexFiles.postings("body"))", kind: FileKind.postings)
        return [UInt8](try file.section(FieldIndexWriter.docsSection))
    }

    /// Every block of 4 or more docs is dense exactly when the format's rule says so (the bitmap, 2 + (last -
    /// first) / 8 bytes, no larger than the patched deltas), a dense block's bytes are the model's bitmap, the
    /// lists tile the section, and each case the model was shaped for occurs.
    @Test func denseBlocksAreWrittenWhereTheyPay() throws {
        let built = try Built()
        let field = try IndexReader(path: built.directory.path).field(.body)
        let section = try Self.docsSection(built.directory.path)
        var forms: [String: [BlockLayout.Form]] = [:]
        var ends: [Int] = []
        var infos: [TermInfo] = []
        let layouts = try Self.layouts(field, built.model, section: section)
        for (list, info, blocks) in layouts {
            infos.append(info)
            ends.append(blocks.last!.end)
            forms[list.term] = blocks.map(\.form)
            for (b, block) in blocks.enumerated() where block.form != .pairs {
                let base = b == 0 ? 0 : block.first - 1
                let deltas = zip(block.docs, [base] + block.docs.dropLast()).map { $0 - $1 }
                var patched: [UInt8] = []
                deltas.withUnsafeBufferPointer { PatchedBlock.encode($0.baseAddress!, count: deltas.count, into: &patched) }
                let bitmapSize = 2 + Int(block.docs.last! - block.first) / 8
                #expect((block.form == .dense) == (bitmapSize <= patched.count), "\(list.term) block \(b)")
                if block.form == .dense {
                    var bitmap = [UInt8](repeating: 0, count: bitmapSize)
                    bitmap[0] = 0xFF
                    for d in block.docs { bitmap[1 + Int(d - block.first) / 8] |= 1 << ((d - block.first) % 8) }
                    #expect(Array(section[block.start..<block.docsEnd]) == bitmap, "\(list.term) block \(b)")
                } else {
                    #expect(Array(section[block.start..<block.docsEnd]) == patched, "\(list.term) block \(b)")
                }
            }
        }
        // Each list ends where the next begins; the last ends the section.
        #expect(Array(ends.dropLast()) == infos.dropFirst().map { Int($0.postingsOffset) })
        #expect(ends.last == section.count)
        // The shapes the lists were made for.
        let dense = BlockLayout.Form.dense
        #expect(forms["alphahalf"]!.prefix(5).allSatisfy { $0 == dense })
        #expect(forms["alphahalf"]!.suffix(2).allSatisfy { $0 == .patched })
        #expect(forms["bravozero"]!.prefix(2) == [dense, dense])
        #expect(forms["charliefull"] == [dense])
        #expect(forms["charliesome"] == [dense])
        for r in [4, 5, 77, 127] { #expect(forms["delta\(r)"] == [dense, dense, dense], "delta\(r)") }
        for t in 1...3 { #expect(forms["echo\(t)"] == [dense, dense, .pairs], "echo\(t)") }
        #expect(section[try #require(layouts.first { $0.0.term == "echo1" }).2[2].start] == 0xFF)
        #expect(forms["filler"]!.allSatisfy { $0 == dense })
        #expect(Array(forms["foxtrotmix"]!.prefix(5)) == [dense, .patched, dense, dense, .patched])
        #expect(forms["golfrare"] == [.patched])
        #expect(forms["hotelruns"] == [dense, dense, dense, dense, dense])
        #expect(forms["zulu"] == [dense])
        // Both with and without top-scoring documents, with and without a skip table.
        #expect(layouts.contains { field.topScoring.applies(to: $0.0.docs.count) })
        #expect(layouts.contains { !field.topScoring.applies(to: $0.0.docs.count) && $0.2.count > 1 })
    }

    @Test func indexVerifies() throws {
        let built = try Built()
        let report = try IndexReader(path: built.directory.path).verify()
        let postings = built.model.lists.reduce(0) { $0 + $1.docs.count }
        #expect(report.postingsChecked >= UInt64(postings))
        let field = try IndexReader(path: built.directory.path).field(.body)
        for list in built.model.lists {
            let info = try #require(try field.lookup(list.term))
            let checked = try field.cursor(info).verifyList(lengths: field.lengths)
            #expect(checked.postings == UInt64(list.docs.count))
            #expect(checked.positions == list.freqs.reduce(0) { $0 + UInt64($1) })
        }
    }

    /// `next()` with frequencies and positions, block by block.
    @Test func nextAgreesWithTheModel() throws {
        let built = try Built()
        let field = try IndexReader(path: built.directory.path).field(.body)
        for (t, list) in built.model.lists.enumerated() {
            let cursor = try field.cursor(try #require(try field.lookup(list.term)))
            var i = 0
            while cursor.doc != PostingCursor.end {
                guard i < list.docs.count, cursor.doc == list.docs[i], cursor.freq == list.freqs[i] else {
                    Issue.record("\(list.term): posting \(i) is (\(cursor.doc), \(cursor.freq))")
                    break
                }
                #expect(Array(try cursor.positions()) == built.model.positions(t, cursor.doc), "\(list.term) doc \(cursor.doc)")
                try cursor.next()
                i += 1
            }
            #expect(i == list.docs.count, "\(list.term)")
        }
    }

    /// `advance(to:)` to every target 0...documentCount from a fresh cursor, and to every target in order on
    /// one cursor; the frequency and positions where it stops.
    @Test func advanceToEveryTarget() throws {
        let built = try Built()
        let field = try IndexReader(path: built.directory.path).field(.body)
        for (t, list) in built.model.lists.enumerated() {
            let info = try #require(try field.lookup(list.term))
            let walker = try field.cursor(info)
            var i = 0
            var wrong: [UInt32] = []
            for target in 0...UInt32(Self.documentCount) {
                while i < list.docs.count && list.docs[i] < target { i += 1 }
                let expected = i < list.docs.count ? list.docs[i] : PostingCursor.end
                let fresh = try field.cursor(info)
                if try fresh.advance(to: target) != expected || (expected != PostingCursor.end && fresh.freq != list.freqs[i]) {
                    wrong.append(target)
                }
                if try walker.advance(to: target) != expected || (expected != PostingCursor.end && walker.freq != list.freqs[i]) {
                    wrong.append(target)
                }
                if expected != PostingCursor.end && target % 7 == 0 {
                    #expect(Array(try fresh.positions()) == built.model.positions(t, expected))
                }
            }
            #expect(wrong.isEmpty, "\(list.term): advance(to:) wrong at \(wrong.prefix(10))")
        }
    }

    /// `probeFrequency` of every doc id in random order on one cursor (dense blocks answered by a bit test and a
    /// rank, others decoded), and on fresh cursors; the answers equal the model's frequency or 0.
    @Test func probeEveryDocument() throws {
        let built = try Built()
        let field = try IndexReader(path: built.directory.path).field(.body)
        var rng = SplitMix64(seed: 77)
        for list in built.model.lists {
            let info = try #require(try field.lookup(list.term))
            let expected = Dictionary(uniqueKeysWithValues: zip(list.docs, list.freqs))
            let cursor = try field.cursor(info)
            var wrong: [UInt32] = []
            for target in (0..<UInt32(Self.documentCount + 3)).shuffled(using: &rng) {
                if try cursor.probeFrequency(target) != expected[target] ?? 0 { wrong.append(target) }
            }
            for target in stride(from: UInt32(0), to: UInt32(Self.documentCount), by: 13) {
                if try field.cursor(info).probeFrequency(target) != expected[target] ?? 0 { wrong.append(target) }
            }
            // Ascending on one cursor, in steps of 1 to 400 ids (the next probe in the same block, the next one
            // or two blocks, or further: every way the block search starts from the last probe's block).
            let ascending = try field.cursor(info)
            var target: UInt32 = 0
            while target < UInt32(Self.documentCount + 3) {
                if try ascending.probeFrequency(target) != expected[target] ?? 0 { wrong.append(target) }
                target += UInt32(rng.next() % 400) + 1
            }
            #expect(wrong.isEmpty, "\(list.term): probeFrequency wrong at \(wrong.prefix(10))")
            // `probeFrequencies`: an ascending pass (steps of 0 to 400 ids, repeats included), then every id in
            // random order, each on a fresh cursor; equal to the model.
            var pass: [UInt32] = []
            var next: UInt32 = 0
            while next < UInt32(Self.documentCount + 3) {
                pass.append(next)
                next += UInt32(rng.next() % 401)
            }
            for targets in [pass, (0..<UInt32(Self.documentCount + 3)).shuffled(using: &rng)] {
                var answers = [UInt32](repeating: 7, count: targets.count)
                try targets.withUnsafeBufferPointer { t in
                    try answers.withUnsafeMutableBufferPointer { a in
                        try field.cursor(info).probeFrequencies(t.baseAddress!, count: t.count, into: a.baseAddress!)
                    }
                }
                let batchWrong = zip(targets, answers).filter { $1 != expected[$0] ?? 0 }.map(\.0)
                #expect(batchWrong.isEmpty, "\(list.term): probeFrequencies wrong at \(batchWrong.prefix(10))")
            }
        }
    }

    // MARK: - Damage

    /// Every single-bit flip at or below a dense block's last doc (and the marker, and the block cut short by
    /// clearing its last byte), in every list of more than one block: the list's verification throws `.corrupt`
    /// naming the postings file's `DOCS`; probes, `advance` and `next` over the damaged list return or throw
    /// `.corrupt`, never crash.
    @Test func damagedDenseBlocksAreCaught() throws {
        let damaged = try DamagedCopies()
        var rng = SplitMix64(seed: 5)
        var trials = 0
        for (list, info, blocks) in damaged.layouts where blocks.count > 1 {
            for (b, block) in blocks.enumerated() where block.form == .dense {
                let lastBit = Int(block.docs.last! - block.first)
                var damages: [(String, (inout [UInt8]) -> Void)] = [
                    ("marker 0x20", { $0[block.start] = 0x20 }),
                    ("marker 0x00", { $0[block.start] = 0x00 }),
                    ("last byte cleared", { $0[block.docsEnd - 1] = 0 }),
                ]
                for bit in Set([0, lastBit, lastBit / 2, Int(rng.next() % UInt64(lastBit + 1))]) {
                    damages.append(("bit \(bit)", { $0[block.start + 1 + bit / 8] ^= 1 << UInt8(bit % 8) }))
                }
                for (name, damage) in damages {
                    trials += 1
                    try damaged.withCursors(info, damage) { cursor in
                        #expect {
                            _ = try cursor().verifyList(lengths: damaged.field.lengths)
                        } throws: { error in
                            guard case .corrupt(let file, let section, _) = error as? CorpusIndexError else { return false }
                            return file == IndexFiles.postings("body") && section == "DOCS"
                        }
                        try Self.expectNoCrash("\(list.term) block \(b) \(name)", block: block, cursor, &rng)
                    }
                }
            }
        }
        #expect(trials > 100)
    }

    /// A bit set above a dense block's last doc, in the bitmap's last byte (the format says those bits are 0 and
    /// the block holds exactly its count of set bits): decoding the block, as verify does, reports it (no query
    /// result would change, but a writer bug of this kind must not go unnoticed).
    @Test
    func strayBitPastTheLastDocIsReported() throws {
        let damaged = try DamagedCopies()
        for (list, info, blocks) in damaged.layouts {
            for (b, block) in blocks.enumerated() where block.form == .dense && (block.docs.last! - block.first) % 8 != 7 {
                try damaged.withCursors(info, { $0[block.docsEnd - 1] |= 0x80 }) { cursor in
                    #expect(throws: CorpusIndexError.self, "\(list.term) block \(b)") {
                        _ = try cursor().verifyList(lengths: damaged.field.lengths)
                    }
                }
            }
        }
    }

    /// The built index's body field and `DOCS` section, for cursors over damaged in-memory copies of the section
    /// (with the field's own positions and lengths).
    struct DamagedCopies {
        let built: Built
        let field: FieldIndexReader
        let section: [UInt8]
        let layouts: [(List, TermInfo, [BlockLayout])]
        private let positions: ContainerFile

        init() throws {
            built = try Built()
            field = try IndexReader(path: built.directory.path).field(.body)
            section = try DensePostingsTests.docsSection(built.directory.path)
            layouts = try DensePostingsTests.layouts(field, built.model, section: section)
            positions = try ContainerFile(
                path: "\(built.directory.path)/\(IndexFiles.positions("body"))", kind: FileKind.positions)
        }

        /// Calls `body` with a maker of fresh cursors over the list of `info` in the section changed by `damage`.
        func withCursors(
            _ info: TermInfo, _ damage: (inout [UInt8]) -> Void, _ body: (() throws -> PostingCursor) throws -> Void
        ) throws {
            var bytes = section
            damage(&bytes)
            let positionBytes = try positions.section(FieldIndexWriter.positionsSection)
            try bytes.withUnsafeBytes { raw in
                try body { try PostingCursor(owner: field, termInfo: info, data: raw, positions: positionBytes) }
            }
        }
    }

    /// Probes of the damaged block's ids and others, `advance(to:)` and `next()` walks: each returns or throws
    /// `.corrupt` (a cursor that threw is not used again).
    static func expectNoCrash(
        _ what: String, block: BlockLayout, _ cursor: () throws -> PostingCursor, _ rng: inout SplitMix64
    ) throws {
        func survive(_ body: () throws -> Void) {
            do { try body() } catch let error as CorpusIndexError {
                if case .corrupt = error { return }
                Issue.record("\(what): \(error)")
            } catch { Issue.record("\(what): \(error)") }
        }
        let low = block.first, high = block.docs.last!
        var targets = Array(low...high) + (0..<40).map { _ in UInt32(rng.next() % UInt64(documentCount)) }
        targets.shuffle(using: &rng)
        survive {
            let c = try cursor()
            for t in targets { _ = try c.probeFrequency(t) }
        }
        for batch in [targets, targets.sorted()] {
            survive {
                var answers = [UInt32](repeating: 0, count: batch.count)
                try batch.withUnsafeBufferPointer { t in
                    try answers.withUnsafeMutableBufferPointer { a in
                        try cursor().probeFrequencies(t.baseAddress!, count: t.count, into: a.baseAddress!)
                    }
                }
            }
        }
        survive {
            let c = try cursor()
            var target: UInt32 = 0
            while c.doc != PostingCursor.end {
                target = max(target, c.doc) + UInt32(rng.next() % 90)
                try c.advance(to: target)
                if c.doc != PostingCursor.end { _ = try c.positions() }
            }
        }
        survive {
            let c = try cursor()
            while try c.next() != PostingCursor.end {}
        }
    }

    /// Damage through the whole index's verify, with every checksum recomputed (only the structural checks can
    /// see it) and without (the file's CRC-32 names it).
    @Test func verifyNamesThePostingsFile() throws {
        let built = try Built()
        let section = try Self.docsSection(built.directory.path)
        let field = try IndexReader(path: built.directory.path).field(.body)
        let layouts = try Self.layouts(field, built.model, section: section)
        let (_, _, alpha) = try #require(layouts.first { $0.0.term == "alphahalf" })
        let (_, _, delta) = try #require(layouts.first { $0.0.term == "delta77" })
        let block = alpha[2], tail = delta[2]
        #expect(block.form == .dense && tail.form == .dense)
        let lastBit = Int(block.docs.last! - block.first)
        // Offsets in the DOCS section, with the damage.
        let damages: [(Int, (UInt8) -> UInt8)] = [
            (block.start + 1 + lastBit / 8, { $0 ^ 1 << UInt8(lastBit % 8) }),  // the last doc's bit
            (block.start + 1, { $0 ^ 0x01 }),  // the first id's bit
            (tail.start, { _ in 0x08 }),  // the marker of a partial last block
            (tail.docsEnd - 1, { _ in 0 }),  // the end of a partial last block's bitmap
        ]
        for (offset, damage) in damages {
            let dir = try built.copy()
            try StructuralCorruptionTests.rewrite(dir.path, IndexFiles.postings("body")) { bytes, layout in
                let docs = layout.sections.first { $0.name == FieldIndexWriter.docsSection }!.range
                bytes[docs.lowerBound + offset] = damage(bytes[docs.lowerBound + offset])
            }
            StructuralCorruptionTests.expectCorrupt(dir.path, file: IndexFiles.postings("body"), section: "DOCS")
        }
        // Without recomputing the checksum.
        let dir = try built.copy()
        let path = "\(dir.path)/\(IndexFiles.postings("body"))"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let docs = try ContainerFile(path: path, kind: FileKind.postings).sections.first { $0.name == FieldIndexWriter.docsSection }!.range
        bytes[docs.lowerBound + block.start + 1] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        StructuralCorruptionTests.expectCorrupt(dir.path, file: IndexFiles.postings("body"), section: "checksum")
    }

    /// The section cut inside its last list, a single dense block without a skip table: every cut through its
    /// bitmap or frequencies is reported by verify (checksums recomputed), and its cursor throws.
    @Test func cutLastDenseBlock() throws {
        let built = try Built()
        let section = try Self.docsSection(built.directory.path)
        let field = try IndexReader(path: built.directory.path).field(.body)
        let (_, info, zulu) = try #require(try Self.layouts(field, built.model, section: section).last)
        #expect(zulu.count == 1 && zulu[0].form == .dense && zulu[0].end == section.count)
        #expect(zulu[0].docsEnd - zulu[0].start > 8)
        let block = zulu[0]
        for cut in [block.start, block.start + 1, (block.start + block.docsEnd) / 2, block.docsEnd - 1, block.docsEnd, block.end - 1] {
            let dir = try built.copy()
            try Self.replaceDocsSection(in: dir.path) { Array($0[0..<cut]) }
            StructuralCorruptionTests.expectCorrupt(dir.path, file: IndexFiles.postings("body"), section: "DOCS")
            let cutField = try FieldIndexReader(directory: dir.path, field: "body", documentCount: Self.documentCount)
            #expect(throws: CorpusIndexError.self) { _ = try cutField.cursor(info) }
        }
    }

    /// The section's last list (one dense block, no skip table) rewritten so that its last doc is the document
    /// count, the bitmap grown to reach it: verify and the cursor report the postings file, not a crash or the
    /// positions.
    @Test func denseBlockPastTheDocumentCount() throws {
        let built = try Built()
        let section = try Self.docsSection(built.directory.path)
        let field = try IndexReader(path: built.directory.path).field(.body)
        let (_, info, zulu) = try #require(try Self.layouts(field, built.model, section: section).last)
        let block = zulu[0]
        for last in [UInt32(Self.documentCount), UInt32(Self.documentCount + 9)] {
            let docs = block.docs.dropLast() + [last]
            var bitmap = [UInt8](repeating: 0, count: 2 + Int(last) / 8)
            bitmap[0] = 0xFF
            for d in docs { bitmap[1 + Int(d) / 8] |= 1 << (d % 8) }
            let dir = try built.copy()
            try Self.replaceDocsSection(in: dir.path) { Array($0[0..<block.start]) + bitmap + Array($0[block.docsEnd..<block.end]) }
            StructuralCorruptionTests.expectCorrupt(dir.path, file: IndexFiles.postings("body"), section: "DOCS")
            let damaged = try FieldIndexReader(directory: dir.path, field: "body", documentCount: Self.documentCount)
            #expect(throws: CorpusIndexError.self) { _ = try damaged.cursor(info) }
        }
    }

    /// Rewrites the body postings file with its `DOCS` section transformed (the other sections as they were) and
    /// the manifest's entry updated: a consistent container whose section is shorter or longer.
    static func replaceDocsSection(in dir: String, _ transform: ([UInt8]) -> [UInt8]) throws {
        let name = IndexFiles.postings("body")
        let path = "\(dir)/\(name)"
        let sections = try {
            let file = try ContainerFile(path: path, kind: FileKind.postings)
            return try file.sections.map { ($0.name, [UInt8](try file.section($0.name))) }
        }()
        let writer = try ContainerWriter(path: path, kind: FileKind.postings)
        for (section, bytes) in sections {
            try writer.writeSection(section, section == FieldIndexWriter.docsSection ? transform(bytes) : bytes)
        }
        let written = try writer.finish()
        var manifest = try Manifest.read(directory: dir)
        let i = try #require(manifest.files.firstIndex { $0.name == name })
        manifest.files[i] = written
        try manifest.write(toDirectory: dir)
    }
}
