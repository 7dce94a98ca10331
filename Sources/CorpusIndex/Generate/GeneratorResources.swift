import CZlib
import Foundation

/// The real-data tables the generator draws from, loaded once from the library's bundled resources
/// (`Resources/*.gz`, rebuilt by `scripts/make-resources` from the real samples).
///
/// Immutable after loading, so one instance is shared by all workers (`GeneratorResources.shared`).
/// Loading fails with a `CorpusIndexError` naming the resource when a file is missing or malformed.
final class GeneratorResources: Sendable {
    /// The 251,287 real reference ids in `cables.csv` row order, in one arena.
    let refidBytes: [UInt8]
    let refidStarts: [Int32]
    /// The real rows of each station (as spelt in the ids), ascending: where a cable's references come from.
    let rowsByStation: [String: [Int32]]
    /// Per creation month, chronological: (year, month, first real row, cable count).
    let months: [(year: Int, month: Int, firstRow: Int, count: Int)]
    /// The 275 origin strings.
    let origins: [String]
    /// Station spelling (as in the ids) -> what the generator knows about it.
    let stations: [String: Station]
    /// Origins weighted by how many real cables each accounts for (for stations with no known origin).
    let originPicker: AliasTable
    /// Routing indicators with their plain names (ACP-127 addressees).
    let routes: [(ri: String, name: String)]
    let subjectTags: [String]
    let programTags: [String]
    let organizationTags: [String]
    let siteTags: [String]
    /// The base vocabulary (lowercase), most frequent first, with its counts in the Dec-2010 bodies.
    let words: [String]
    let wordCounts: [Int]
    /// Surnames for signers and officials.
    let names: [String]
    /// The word-level Markov model of the real paragraphs, over `words` indices.
    let markov: MarkovCounts

    struct Station: Sendable {
        var originIndex: Int?
        var routingIndicator: String
        var plainName: String
        /// The 2-letter country tag of the station's cables, when known.
        var countryTag: String? = nil
    }

    /// The number of real cables (rows of the real `cables.csv`).
    var realCount: Int { refidStarts.count - 1 }

    /// The real reference id of row `row` (0-based).
    func refid(_ row: Int) -> String {
        let start = Int(refidStarts[row])
        let end = Int(refidStarts[row + 1])
        return refidBytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self)
        }
    }

    /// The month index (into `months`) of real row `row`.
    func monthIndex(ofRow row: Int) -> Int {
        var lo = 0
        var hi = months.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if months[mid].firstRow <= row { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    nonisolated(unsafe) private static var cached: GeneratorResources?
    private static let lock = NSLock()

    /// The shared, lazily loaded instance.
    static func shared() throws -> GeneratorResources {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let loaded = try GeneratorResources()
        cached = loaded
        return loaded
    }

    private init() throws {
        let refids = try Self.lines("refids.txt")
        var arena: [UInt8] = []
        arena.reserveCapacity(refids.count * 13)
        var starts: [Int32] = [0]
        starts.reserveCapacity(refids.count + 1)
        for id in refids {
            arena.append(contentsOf: id.utf8)
            starts.append(Int32(arena.count))
        }
        refidBytes = arena
        refidStarts = starts
        var byStation: [String: [Int32]] = [:]
        for (row, id) in refids.enumerated() where CablePlanner.isWellFormed(id) {
            byStation[CablePlanner.parse(id).station, default: []].append(Int32(row))
        }
        rowsByStation = byStation

        var months: [(year: Int, month: Int, firstRow: Int, count: Int)] = []
        var row = 0
        for line in try Self.lines("months.tsv") {
            let f = line.split(separator: "\t")
            guard f.count == 3, let y = Int(f[0]), let m = Int(f[1]), let c = Int(f[2]) else {
                throw CorpusIndexError.corrupt(file: "months.tsv.gz", section: "resource", reason: "bad line '\(line)'")
            }
            months.append((y, m, row, c))
            row += c
        }
        guard row == refids.count, !months.isEmpty else {
            throw CorpusIndexError.corrupt(
                file: "months.tsv.gz", section: "resource", reason: "month counts sum to \(row), ids \(refids.count)")
        }
        self.months = months

        origins = try Self.lines("origins.txt")
        var stations: [String: Station] = [:]
        var originWeights = [Double](repeating: 0, count: origins.count)
        for line in try Self.lines("stations.tsv") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 5 || f.count == 6, let n = Int(f[1]), let oi = Int(f[2]), oi < origins.count else {
                throw CorpusIndexError.corrupt(file: "stations.tsv.gz", section: "resource", reason: "bad line '\(line)'")
            }
            let station = String(f[0])
            var ri = String(f[3])
            if ri.isEmpty { ri = "RUEH" + String(station.prefix(3)) }
            let country = f.count == 6 && !f[5].isEmpty ? String(f[5]) : nil
            stations[station] = Station(
                originIndex: oi >= 0 ? oi : nil, routingIndicator: ri, plainName: String(f[4]), countryTag: country)
            if oi >= 0 { originWeights[oi] += Double(n) }
        }
        self.stations = stations
        originPicker = AliasTable(weights: originWeights.map { $0 + 1 })

        routes = try Self.lines("routes.tsv").compactMap { line in
            let f = line.split(separator: "\t")
            return f.count == 2 ? (String(f[0]), String(f[1])) : nil
        }
        var sections: [String: [String]] = [:]
        var current = ""
        for line in try Self.lines("tags.txt") {
            if line.hasPrefix("#") { current = String(line.dropFirst()) } else { sections[current, default: []].append(line) }
        }
        subjectTags = sections["subject"] ?? []
        programTags = sections["program"] ?? []
        organizationTags = sections["organization"] ?? []
        siteTags = sections["site"] ?? []

        var words: [String] = []
        var counts: [Int] = []
        for line in try Self.lines("words.tsv") {
            let f = line.split(separator: "\t")
            guard f.count == 2, let c = Int(f[1]) else { continue }
            words.append(String(f[0]))
            counts.append(c)
        }
        self.words = words
        wordCounts = counts
        names = try Self.lines("names.txt")
        markov = try MarkovCounts(lines: try Self.lines("markov.tsv"), vocabularySize: words.count)
        guard !origins.isEmpty, !routes.isEmpty, !subjectTags.isEmpty, !programTags.isEmpty, words.count > 100,
            !names.isEmpty, !markov.contexts.isEmpty
        else {
            throw CorpusIndexError.corrupt(file: "Resources", section: "resource", reason: "a generator table is empty")
        }
    }

    /// The non-empty lines of the bundled resource `name.gz`.
    private static func lines(_ name: String) throws -> [String] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "gz", subdirectory: "Resources")
            ?? Bundle.module.url(forResource: name, withExtension: "gz")
        else {
            throw CorpusIndexError.io(path: "Resources/\(name).gz", errno: 2, operation: "find bundled resource")
        }
        let compressed: Data
        do { compressed = try Data(contentsOf: url) } catch {
            throw CorpusIndexError.io(path: url.path, errno: 5, operation: "read")
        }
        let text = try gunzip(Array(compressed), name: url.path)
        return String(decoding: text, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Inflates a gzip (or zlib) stream; concatenated gzip members are inflated one after another.
    static func gunzip(_ input: [UInt8], name: String) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw CorpusIndexError.internalError("inflateInit2 failed for \(name)")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var status: Int32 = Z_OK
        try input.withUnsafeBufferPointer { inBuf in
            stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.avail_in = UInt32(inBuf.count)
            repeat {
                try chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    guard status == Z_OK || status == Z_STREAM_END else {
                        throw CorpusIndexError.corrupt(
                            file: name, section: "gzip", reason: "inflate error \(status) at byte \(stream.total_in)")
                    }
                    output.append(contentsOf: out[0..<(out.count - Int(stream.avail_out))])
                }
                if status == Z_OK && stream.avail_in == 0 && stream.avail_out != 0 {
                    throw CorpusIndexError.corrupt(file: name, section: "gzip", reason: "truncated stream")
                }
                if status == Z_STREAM_END && stream.avail_in > 0 {
                    // Another gzip member follows.
                    inflateReset(&stream)
                    status = Z_OK
                }
            } while status != Z_STREAM_END
        }
        return output
    }
}
