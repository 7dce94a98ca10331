import Foundation

/// Runs the final merge of all runs and hands every term, in order, to a consumer (the field writers).
///
/// With one thread the merge calls the consumer directly. With two or more, the k-way merge and run decoding run
/// on a producer thread that fills `TermBatch`es of about `batchBytes`, while the calling thread consumes them
/// (block encoding, dictionary, I/O): a two-stage pipeline with at most two batches in flight, so its memory is
/// about `3 × batchBytes` plus the run readers' buffers. The consumer sees exactly the same sequence either way,
/// so the index does not depend on the thread count.
enum MergePipeline {
    /// Receives one term or one slice of a large term (see `RunMerger`): its key (field ordinal byte, then the
    /// term bytes), documents, frequencies, positions, and which slice it is.
    typealias Consumer = (
        _ key: UnsafeRawBufferPointer, _ docs: UnsafeBufferPointer<UInt32>, _ freqs: UnsafeBufferPointer<UInt32>,
        _ positions: UnsafeBufferPointer<UInt32>, _ slice: TermSlice
    ) throws -> Void

    static func run(merger: RunMerger, buckets: Range<Int>, threads: Int, batchBytes: Int, consume: Consumer) throws {
        if threads <= 1 {
            try merger.merge(buckets: buckets) { key, postings, slice in
                try consume(key, postings.docsBuffer, postings.freqsBuffer, postings.positionsBuffer, slice)
            }
            return
        }
        let channel = BatchChannel()
        let handover = MergerHandover(merger: merger)
        let producer = Thread { [channel, handover] in
            let merger = handover.merger
            channel.produce { emit in
                var batch = channel.emptyBatch()
                try merger.merge(buckets: buckets) { key, postings, slice in
                    if batch.count > 0 && 4 * postings.positionCount >= batchBytes {
                        // A very large term travels alone, so no batch keeps its memory for long.
                        try emit(batch)
                        batch = channel.emptyBatch()
                    }
                    batch.append(key: key, postings: postings, slice: slice)
                    if batch.byteCount >= batchBytes {
                        try emit(batch)
                        batch = channel.emptyBatch()
                    }
                }
                if batch.count > 0 { try emit(batch) }
            }
        }
        producer.stackSize = 1 << 20
        producer.start()
        defer { channel.waitForProducer() }
        do {
            while let batch = try channel.next() {
                try batch.forEach(consume)
                channel.recycle(batch, limit: batchBytes)
            }
        } catch {
            channel.cancel()
            throw error
        }
    }
}

/// Moves the merger to the producer thread. `@unchecked Sendable` because the calling thread does not touch the
/// merger from `Thread.start()` until `waitForProducer()` returns (ownership moves, it is never shared).
private struct MergerHandover: @unchecked Sendable {
    let merger: RunMerger
}

/// The hand-over between the merge thread and the writing thread: a queue of at most two full batches and a pool
/// of empty ones, guarded by one `NSCondition`. The producer's error, if any, is rethrown to the consumer; the
/// consumer's failure cancels the producer. `@unchecked Sendable`: every mutable field is read and written only
/// under `condition`, and a batch is touched by one side at a time (ownership moves through the queue).
private final class BatchChannel: @unchecked Sendable {
    private let condition = NSCondition()
    private var full: [TermBatch] = []
    private var empty: [TermBatch] = []
    private var finished = false
    private var producerDone = false
    private var cancelled = false
    private var failure: Error?
    private static let depth = 2

    struct Cancelled: Error {}

    func emptyBatch() -> TermBatch {
        condition.lock()
        defer { condition.unlock() }
        if let batch = empty.popLast() { return batch }
        return TermBatch()
    }

    func produce(_ body: (_ emit: (TermBatch) throws -> Void) throws -> Void) {
        do {
            try body { batch in
                condition.lock()
                defer { condition.unlock() }
                while full.count >= BatchChannel.depth && !cancelled { condition.wait() }
                if cancelled { throw Cancelled() }
                full.append(batch)
                condition.broadcast()
            }
        } catch is Cancelled {
        } catch {
            condition.lock()
            failure = error
            condition.unlock()
        }
        condition.lock()
        finished = true
        producerDone = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next full batch in order, `nil` at the end; rethrows the producer's error.
    func next() throws -> TermBatch? {
        condition.lock()
        defer { condition.unlock() }
        while full.isEmpty && !finished { condition.wait() }
        if !full.isEmpty {
            let batch = full.removeFirst()
            condition.broadcast()
            return batch
        }
        if let failure { throw failure }
        return nil
    }

    func recycle(_ batch: TermBatch, limit: Int) {
        batch.removeAll(limit: limit)
        condition.lock()
        empty.append(batch)
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    func waitForProducer() {
        condition.lock()
        while !producerDone { condition.wait() }
        condition.unlock()
    }
}
