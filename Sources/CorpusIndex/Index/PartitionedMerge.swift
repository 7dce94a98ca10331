import Dispatch
import Foundation

/// The final merge split by key range and run on several threads (tantivy's and Lucene's per-segment writers,
/// applied to the key space instead): the (field, first term byte) buckets of the runs (`RunFile`) are cut into
/// segments of about equal run bytes, never across a field; workers merge and encode whole segments concurrently,
/// each into its own `FieldIndexPart` (postings, positions and a term log in temporary files); then the parts are
/// appended to the field writers in key order, their offsets rebased (`FieldIndexWriter.append(part:)`).
///
/// A segment is a range of whole terms and every term is encoded from the same postings whatever the segment,
/// so the index is byte-identical to the one-thread merge for any thread or segment count.
///
/// Memory: each worker has its own readers over every run (`readerBuffer` each) and its own merger (slices of
/// `slicePositions`); the parts wait on disk, not in memory. Disk: the parts total about the size of the text
/// fields' files, deleted as they are appended (and with the run directory on any error).
enum PartitionedMerge {
    /// A range of buckets of one field and the run bytes it holds.
    struct Segment: Equatable {
        var field: Int
        var buckets: Range<Int>
        var bytes: Int
    }

    /// Cuts each field's buckets into consecutive segments of about `total / count` run bytes (at least one per
    /// non-empty field; a bucket is never split). `bucketBytes[b]` is the bytes of bucket `b` over all runs.
    static func segments(bucketBytes: [Int], count: Int) -> [Segment] {
        let total = max(bucketBytes.reduce(0, +), 1)
        let target = max(total / max(count, 1), 1)
        var segments: [Segment] = []
        for field in 0..<RunFile.fieldCount {
            let first = field * 256
            var start = first
            var bytes = 0
            for bucket in first..<(first + 256) {
                bytes += bucketBytes[bucket]
                if bytes >= target || bucket == first + 255 {
                    if bytes > 0 { segments.append(Segment(field: field, buckets: start..<(bucket + 1), bytes: bytes)) }
                    start = bucket + 1
                    bytes = 0
                }
            }
        }
        return segments
    }

    /// Merges `runs` into `writers` (one per text field, in field order) with `threads` workers.
    static func run(
        runs: [(path: String, documentBase: UInt32, documentCount: UInt32)], into writers: [FieldIndexWriter],
        partDirectory: String, threads: Int, segmentsPerThread: Int, readerBuffer: Int, slicePositions: Int
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
        let plan = segments(bucketBytes: bucketBytes, count: threads * segmentsPerThread)
        // Largest segments first, so the last ones to finish are small (longest-processing-time scheduling).
        let order = plan.indices.sorted { plan[$0].bytes != plan[$1].bytes ? plan[$0].bytes > plan[$1].bytes : $0 < $1 }
        var clock = BuildPhaseClock()
        let shared = SharedMergeState(writers: writers, workers: workers, order: order, plan: plan)
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            let merger = RunMerger(readers: shared.workers[worker], slicePositions: slicePositions)
            let started = BuildPhaseClock.threadCPUSeconds()
            defer { shared.workerCPU[worker] = BuildPhaseClock.threadCPUSeconds() - started }
            while let index = shared.nextSegment() {
                let segment = shared.plan[index]
                do {
                    let part = try FieldIndexPart(
                        of: shared.writers[segment.field], prefix: "\(partDirectory)/part-\(index)")
                    shared.parts[index] = part
                    let writer = part.writer!
                    try merger.merge(buckets: segment.buckets) { key, postings, slice in
                        try writer.add(
                            term: UnsafeRawBufferPointer(rebasing: key[1...]), docs: postings.docsBuffer,
                            freqs: postings.freqsBuffer, positions: postings.positionsBuffer, slice: slice)
                    }
                    try part.finish()
                } catch {
                    shared.fail(error)
                }
            }
        }
        let parts = plan.indices.map { shared.parts[$0] }
        let busiest = (0..<threads).map { shared.workerCPU[$0] ?? 0 }.max() ?? 0
        clock.mark("merge \(plan.count) segments (busiest worker \(Int(busiest * 1000)) ms CPU)")
        if let failure = shared.failure {
            for part in parts { part?.remove() }
            throw failure
        }
        for (segment, part) in zip(plan, parts) {
            guard let part else { preconditionFailure("segment not merged") }
            try writers[segment.field].append(part: part)
        }
        clock.mark("append parts")
    }
}

/// What the merge workers share. `@unchecked Sendable`: the writers are only read (their immutable settings,
/// to create part writers) while the workers run; worker `i` alone uses `workers[i]`; segment `j`'s part slot is
/// written only by the worker that took `j`; the counter and the failure are guarded by `lock`. The calling
/// thread reads the slots only after `concurrentPerform` returns.
private final class SharedMergeState: @unchecked Sendable {
    let writers: [FieldIndexWriter]
    let workers: [[RunReader]]
    let plan: [PartitionedMerge.Segment]
    let parts: DisjointSlots<FieldIndexPart>
    /// CPU seconds each worker spent (slot `i` written by worker `i`).
    let workerCPU: DisjointSlots<Double>
    private let order: [Int]
    private let lock = NSLock()
    private var next = 0
    private(set) var failure: Error?

    init(writers: [FieldIndexWriter], workers: [[RunReader]], order: [Int], plan: [PartitionedMerge.Segment]) {
        self.writers = writers
        self.workers = workers
        self.order = order
        self.plan = plan
        parts = DisjointSlots(count: plan.count)
        workerCPU = DisjointSlots(count: workers.count)
    }

    /// The next segment to merge, `nil` when all are taken or a worker failed.
    func nextSegment() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard failure == nil, next < order.count else { return nil }
        next += 1
        return order[next - 1]
    }

    func fail(_ error: Error) {
        lock.lock()
        if failure == nil { failure = error }
        lock.unlock()
    }
}
