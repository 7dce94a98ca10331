// query-latency: warm, in-process query latency of corpus-index, for scripts/bench and scripts/compare.
//
//     query-latency INDEX WORKLOAD.json [--repeat N] [--budget SECONDS] [--mode engine|session] [--clock wall|cpu]
//
// `--clock cpu` times each run by the thread's CPU time (CLOCK_THREAD_CPUTIME_ID) instead of the wall clock: on a
// machine shared with other work it leaves out the time the thread waited for a core (not cache effects).
//
// Modes: `engine` (default) runs the query engine and reads the top hits' reference ids from the index's reference
// id column — what the peer engines in scripts/compare do (ranked ids); `session` runs `IndexSession.search`, the CLI's path,
// which also decodes each hit's metadata and cuts a highlighted snippet from its body.
//
// WORKLOAD.json is a JSON array of {"class", "index", "ours" (the query), "top" (10, or 0 for count-only)}, as
// scripts/bench_lib writes it. The index is opened once; each query runs once untimed (its match count and top
// reference ids are reported), then is timed warm: at least 5 and at most N runs within the budget. Prints one
// JSON object: {"queries": [{class, index, count, top, latency: {runs, p50_us, p99_us, min_us, mean_us}}],
// "open": {...}}. "open" is the "open an index and answer a first query" figure, in-process with the page
// cache warm: before anything else, 7 times over, a fresh `IndexReader` + `IndexQuerySource` and the workload's
// first top-k query on it (open_us: opening alone; first_query_us: open + that query; p50 and max of each).
// A query that fails reports {"error": ...} and the others go on.
import CorpusIndex
import Foundation

struct WorkloadQuery: Decodable {
    var `class`: String
    var index: Int
    var ours: String
    var top: Int
}

struct Latency: Encodable {
    var runs: Int
    var p50_us: Double
    var p99_us: Double
    var min_us: Double
    var mean_us: Double

    init(nanoseconds: [Int64]) {
        let sorted = nanoseconds.sorted()
        func percentile(_ p: Double) -> Double {
            let i = min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count - 1)).rounded())))
            return Double(sorted[i]) / 1000
        }
        runs = sorted.count
        p50_us = percentile(50)
        p99_us = percentile(99)
        min_us = Double(sorted.first ?? 0) / 1000
        mean_us = Double(sorted.reduce(0, +)) / Double(max(1, sorted.count)) / 1000
    }
}

struct Report: Encodable {
    var queries: [Entry]
    var open: OpenLatency?
}

struct Entry: Encodable {
    var `class`: String
    var index: Int
    var count: Int?
    var top: [String]?
    var latency: Latency?
    var error: String?
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("query-latency: \(message)\n".utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var repeatLimit = 200
var budget = 2.0
var mode = "engine"
var cpuClock = false
var positional: [String] = []
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    switch argument {
    case "--repeat":
        guard let value = arguments.first.flatMap(Int.init), value > 0 else { fail("--repeat needs a positive integer") }
        repeatLimit = value
        arguments.removeFirst()
    case "--budget":
        guard let value = arguments.first.flatMap(Double.init), value > 0 else { fail("--budget needs seconds") }
        budget = value
        arguments.removeFirst()
    case "--mode":
        guard let value = arguments.first, ["engine", "session"].contains(value) else { fail("--mode engine|session") }
        mode = value
        arguments.removeFirst()
    case "--clock":
        guard let value = arguments.first, ["wall", "cpu"].contains(value) else { fail("--clock wall|cpu") }
        cpuClock = value == "cpu"
        arguments.removeFirst()
    case "-h", "--help":
        print("usage: query-latency INDEX WORKLOAD.json [--repeat N] [--budget SECONDS] [--mode engine|session] [--clock wall|cpu]")
        exit(0)
    default:
        positional.append(argument)
    }
}
guard positional.count == 2 else { fail("usage: query-latency INDEX WORKLOAD.json [--repeat N] [--budget SECONDS]") }

let workload: [WorkloadQuery]
do {
    let data = try Data(contentsOf: URL(fileURLWithPath: positional[1]))
    workload = try JSONDecoder().decode([WorkloadQuery].self, from: data)
} catch {
    fail("cannot read the workload \(positional[1]): \(error)")
}

/// The two ways of running a query: top reference ids, and the count.
struct Runner {
    var top: (String, Int) throws -> [String]
    var count: (String) throws -> Int
}

/// Opening the index and answering a first query, timed before anything else runs (page cache warm: the caller
/// has read the index before; process state cold).
struct OpenLatency: Encodable {
    var runs: Int
    var query: String
    var open_p50_us: Double
    var open_max_us: Double
    var first_query_p50_us: Double
    var first_query_max_us: Double
}

func measureOpen(path: String, query: WorkloadQuery?) -> OpenLatency? {
    guard let query else { return nil }
    var opens: [Double] = []
    var firsts: [Double] = []
    for _ in 0..<7 {
        let start = ContinuousClock.now
        guard let reader = try? IndexReader(path: path) else { return nil }
        let source = IndexQuerySource(reader: reader)
        let opened = ContinuousClock.now
        let view = source.beginQuery()
        _ = try? QueryEngine(source: view).search(query.ours, top: query.top).hits.map { try view.referenceID($0.doc) }
        try? view.endQuery()
        let done = ContinuousClock.now
        func us(_ d: Duration) -> Double { Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12 }
        opens.append(us(opened - start))
        firsts.append(us(done - start))
    }
    opens.sort()
    firsts.sort()
    return OpenLatency(
        runs: opens.count, query: query.ours, open_p50_us: opens[opens.count / 2], open_max_us: opens.last!,
        first_query_p50_us: firsts[firsts.count / 2], first_query_max_us: firsts.last!)
}

let openLatency = measureOpen(path: positional[0], query: workload.first { $0.top > 0 })

let runner: Runner
do {
    let reader = try IndexReader(path: positional[0])
    let source = IndexQuerySource(reader: reader)
    if mode == "session" {
        let session = IndexSession(source: source)
        runner = Runner(
            top: { query, k in try session.search(query, top: k).map(\.referenceID) },
            count: { query in try session.count(query) })
    } else {
        let parser = QueryParser()
        runner = Runner(
            top: { query, k in
                let view = source.beginQuery()
                let engine = QueryEngine(source: view, parser: parser)
                let ids = try engine.search(query, top: k).hits.map { try view.referenceID($0.doc) }
                try view.endQuery()
                return ids
            },
            count: { query in
                let view = source.beginQuery()
                let n = try QueryEngine(source: view, parser: parser).count(query)
                try view.endQuery()
                return n
            })
    }
} catch {
    fail("cannot open the index \(positional[0]): \(error)")
}

/// The calling thread's CPU time in nanoseconds.
func threadCPUNanoseconds() -> Int64 {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec)
}

/// Elapsed nanoseconds (wall, or the thread's CPU time with `--clock cpu`) of one run of `body`.
@inline(__always)
func time(cpu: Bool, _ body: () throws -> Void) rethrows -> Int64 {
    if cpu {
        let start = threadCPUNanoseconds()
        try body()
        return threadCPUNanoseconds() - start
    }
    let start = ContinuousClock.now
    try body()
    let (seconds, attoseconds) = (ContinuousClock.now - start).components
    return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
}

var entries: [Entry] = []
for query in workload {
    var entry = Entry(class: query.class, index: query.index)
    do {
        entry.count = try runner.count(query.ours)
        entry.top = query.top > 0 ? try runner.top(query.ours, query.top) : []
        let run: () throws -> Void = query.top > 0
            ? { _ = try runner.top(query.ours, query.top) }
            : { _ = try runner.count(query.ours) }
        var samples: [Int64] = []
        samples.reserveCapacity(repeatLimit)
        let deadline = ContinuousClock.now + .milliseconds(Int64(budget * 1000))
        while samples.count < repeatLimit && (samples.count < 5 || ContinuousClock.now < deadline) {
            samples.append(try time(cpu: cpuClock, run))
        }
        entry.latency = Latency(nanoseconds: samples)
    } catch {
        entry.error = "\(error)"
    }
    entries.append(entry)
}

let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys]
do {
    let data = try encoder.encode(Report(queries: entries, open: openLatency))
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
} catch {
    fail("cannot encode the results: \(error)")
}
