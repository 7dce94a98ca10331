import Dispatch
import Foundation

/// The final merge split by key range and run on several threads (tantivy's and Lucene's per-segment writers,
/// applied to the key space instead): the (field, first term byte) buckets of the runs (`RunFile`) are cut into
/// segments of about equal run bytes, never across a field; `threads` workers take the segments in key order and
/// merge and encode each into its own `FieldIndexPart` (postings, positions and a term log in temporary files),
/// while the calling thread appends the finished parts to the field writers in key order, their offsets rebased
/// (`FieldIndexWriter.append(part:)`).
///
/// A segment is a range of whole terms and every term is encoded from the same postings whatever the segment,
/// so the index is byte-identical to the one-thread merge for any thread or segment count.
///
/// Memory: each worker has its own readers over every run (`readerBuffer` each), its own merger and its part
/// writer's encoder (one term's doc blocks, positions up to 1 MiB); the parts wait on disk, not in memory. Disk: the parts total about the size of the text
/// fields' files, deleted as they are appended (and with the run directory on any error).
enum PartitionedMerge {
    /// A range of buckets of one field and the run bytes it holds.
    struct Segment: Equatable {
        var field: Int
        var buckets: Range<Int>
        var bytes: Int
    }

    /// Cuts each field's buckets into consecutive segments (a bucket is never split, at least one segment per
    /// non-empty field) of about `total / count` run bytes, smaller toward the end: a segment's target is
    /// `segmentTarget(remaining:)` of the bytes from its start on. The workers take segments in key order, so the
    /// last ones taken are small and the workers finish close together (guided self-scheduling) instead of one
    /// merging a big last segment while the others idle. `bucketBytes[b]` is the bytes of bucket `b` over all runs.
    static func segments(bucketBytes: [Int], count: Int, threads: Int = 1) -> [Segment] {
        let total = max(bucketBytes.reduce(0, +), 1)
        var remaining = total
        var segments: [Segment] = []
        for field in 0..<RunFile.fieldCount {
            let first = field * 256
            var start = first
            var bytes = 0
            var target = segmentTarget(remaining: remaining, total: total, count: count, threads: threads)
            for bucket in first..<(first + 256) {
                bytes += bucketBytes[bucket]
                if bytes >= target || bucket == first + 255 {
                    if bytes > 0 { segments.append(Segment(field: field, buckets: start..<(bucket + 1), bytes: bytes)) }
                    remaining -= bytes
                    target = segmentTarget(remaining: remaining, total: total, count: count, threads: threads)
                    start = bucket + 1
                    bytes = 0
                }
            }
        }
        return segments
    }

    /// The run bytes a segment starting with `remaining` bytes left (itself included) aims at: `total / count`,
    /// but at most the share of one of `2 × threads` takers of what is left, and at least a quarter of
    /// `total / count` (segments have a fixed cost: a part's files, every reader repositioned).
    static func segmentTarget(remaining: Int, total: Int, count: Int, threads: Int) -> Int {
        let base = max(total / max(count, 1), 1)
        return max(min(base, remaining / (2 * max(threads, 1))), max(base / 4, 1))
    }

    /// Merges `runs` into `writers` (one per text field, in field order) with `threads` workers.
    static func run(
        runs: [(path: String, documentBase: UInt32, documentCount: UInt32)], into writers: [FieldIndexWriter],
        partDirectory: String, threads: Int, segmentsPerThread: Int, readerBuffer: Int
    ) throws {
        let workers = try (0..<threads).map { _ in
            try runs.enumerated().map { rank, run in
                try RunReader(path: run.path, rank: rank, documentBase: run.documentBase, bufferSize: readerBuffer)
            }
        }
        var bucketBytes = [Int](repeating: 0, count: RunFile.bucketCount)
        for reader in workers[0] {
            for b in 0..<RunFile.bucketCount {
                bucketBytes[b] += Int(reader.bucketStarts[b + 1] - reader.bucketStarts[b])
            }
        }
        let plan = segments(bucketBytes: bucketBytes, count: threads * segmentsPerThread, threads: threads)
        var clock = BuildPhaseClock()
        let shared = SharedMergeState(writers: writers, workers: workers, plan: plan)
        // The workers take segments in key order; this thread appends each finished part as soon as the parts
        // before it are in, so appending overlaps merging and only the last part's append is left at the end.
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            DispatchQueue.concurrentPerform(iterations: threads) { worker in
                let merger = RunMerger(readers: shared.workers[worker])
                let started = BuildPhaseClock.threadCPUSeconds()
                defer { shared.finishWorker(worker, cpu: BuildPhaseClock.threadCPUSeconds() - started) }
                while let index = shared.nextSegment() {
                    let segment = shared.plan[index]
                    do {
                        let part = try FieldIndexPart(
                            of: shared.writers[segment.field], prefix: "\(partDirectory)/part-\(index)")
                        shared.started(part, index)
                        let writer = part.writer!
                        try merger.forEachKey(buckets: segment.buckets) { key, group in
                            try writer.addMerged(term: UnsafeRawBufferPointer(rebasing: key[1...]), from: group)
                        }
                        try part.finish()
                        shared.finished(index)
                    } catch {
                        shared.fail(error)
                    }
                }
            }
        }
        var appendCPU = 0.0
        var appended = 0
        do {
            for (index, segment) in plan.enumerated() {
                guard let part = shared.waitForPart(index) else { break }
                appended += 1
                let started = BuildPhaseClock.threadCPUSeconds()
                try writers[segment.field].append(part: part)
                appendCPU += BuildPhaseClock.threadCPUSeconds() - started
            }
        } catch {
            shared.fail(error)
        }
        group.wait()
        if let failure = shared.failure {
            shared.removeParts()
            throw failure
        }
        precondition(appended == plan.count, "a segment was neither merged nor failed")
        clock.mark(
            "merge \(plan.count) segments (workers \(shared.workerCPU.map { String(Int($0 * 1000)) }.joined(separator: "+")) "
                + "ms CPU, appending \(Int(appendCPU * 1000)) ms)")
    }
}

/// What the merge workers and the appending thread share, guarded by `condition`: the next segment to take,
/// the parts (created, finished), the first failure. `@unchecked Sendable`: besides the guarded state, the
/// writers are only read by the workers (their immutable settings, to create part writers) while the appending
/// thread appends to them, and worker `i` alone uses `workers[i]`.
private final class SharedMergeState: @unchecked Sendable {
    let writers: [FieldIndexWriter]
    let workers: [[RunReader]]
    let plan: [PartitionedMerge.Segment]
    private let condition = NSCondition()
    private var parts: [FieldIndexPart?]
    private var done: [Bool]
    private var next = 0
    private var workersLeft: Int
    private var workerCPUSeconds: [Double]
    private(set) var failure: Error?

    init(writers: [FieldIndexWriter], workers: [[RunReader]], plan: [PartitionedMerge.Segment]) {
        self.writers = writers
        self.workers = workers
        self.plan = plan
        parts = Array(repeating: nil, count: plan.count)
        done = Array(repeating: false, count: plan.count)
        workersLeft = workers.count
        workerCPUSeconds = Array(repeating: 0, count: workers.count)
    }

    /// The next segment to merge, `nil` when all are taken or something failed.
    func nextSegment() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        guard failure == nil, next < plan.count else { return nil }
        next += 1
        return next - 1
    }

    func started(_ part: FieldIndexPart, _ index: Int) {
        condition.lock()
        parts[index] = part
        condition.unlock()
    }

    func finished(_ index: Int) {
        condition.lock()
        done[index] = true
        condition.broadcast()
        condition.unlock()
    }

    func finishWorker(_ worker: Int, cpu: Double) {
        condition.lock()
        workerCPUSeconds[worker] = cpu
        workersLeft -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until part `index` is finished; `nil` if the merge failed (or every worker quit without it).
    func waitForPart(_ index: Int) -> FieldIndexPart? {
        condition.lock()
        defer { condition.unlock() }
        while !done[index] && failure == nil && workersLeft > 0 { condition.wait() }
        return done[index] && failure == nil ? parts[index] : nil
    }

    func fail(_ error: Error) {
        condition.lock()
        if failure == nil { failure = error }
        condition.broadcast()
        condition.unlock()
    }

    /// Each worker's CPU seconds (after the workers stopped).
    var workerCPU: [Double] {
        condition.lock()
        defer { condition.unlock() }
        return workerCPUSeconds
    }

    /// Deletes every part's files (after the workers stopped).
    func removeParts() {
        condition.lock()
        defer { condition.unlock() }
        for part in parts { part?.remove() }
    }
}
