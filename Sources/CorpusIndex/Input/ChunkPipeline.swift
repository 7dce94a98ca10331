import Foundation

/// The continuous in-order pipeline behind `DumpReader.processInParallel`: worker threads cut the next chunk as
/// soon as they are free, work it, and post the result; the collecting thread takes the results in chunk order.
///
/// Order and memory: chunks are cut one at a time (the `ChunkProducer` is used by one worker at a time, so indices
/// follow input order) and at most `depth` chunks are cut but not yet collected: a worker that would go beyond
/// waits for the collector. A chunk in flight therefore has an index in `collected ..< collected + depth`, and the
/// result slot (and the reader's summary slot) `index % depth` belongs to it alone.
///
/// Errors: a read error while cutting chunk `n` ends the cutting; the collector meets it after collecting chunks
/// `0 ..< n`. A failed `work` stops further cutting; the chunks cut before it are still worked and posted, so the
/// collector meets the first failure in chunk order. `stop()` (the collector gave up) makes the workers quit after
/// their current chunk.
///
/// Thread safety: every field below is guarded by `condition`; the producer is touched only by the worker that set
/// `cutting`, between two critical sections (the lock orders its uses). Hence `@unchecked Sendable`.
final class ChunkPipeline<Value: Sendable>: @unchecked Sendable {
    /// What the collector gets next.
    enum Next {
        /// Chunk `collected`'s result and input bytes.
        case chunk(Result<Value, Error>, byteCount: Int)
        /// Every chunk was collected.
        case end
        /// Cutting the next chunk failed.
        case readFailed(Error)
    }

    /// Chunks cut but not yet collected, at most.
    let depth: Int
    private let producer: ChunkProducer
    private let condition = NSCondition()
    private var results: [(Result<Value, Error>, byteCount: Int)?]
    private var cut = 0
    private var collected = 0
    /// A worker is cutting a chunk (outside the lock).
    private var cutting = false
    /// The number of chunks, once the producer is exhausted or failed.
    private var chunkCount: Int?
    private var readError: Error?
    /// A `work` failed: cut no more chunks.
    private var workFailed = false
    /// The collector gave up: workers quit.
    private var stopped = false

    init(producer: ChunkProducer, depth: Int) {
        precondition(depth > 0)
        self.producer = producer
        self.depth = depth
        results = Array(repeating: nil, count: depth)
    }

    /// The next chunk to work (a worker), or `nil` when there is none left or the read stopped. Blocks while
    /// `depth` chunks are uncollected or another worker is cutting.
    func nextChunk() -> DumpChunk? {
        condition.lock()
        while !stopped && !workFailed && chunkCount == nil && (cutting || cut >= collected + depth) {
            condition.wait()
        }
        guard !stopped && !workFailed && chunkCount == nil else {
            condition.unlock()
            return nil
        }
        cutting = true
        condition.unlock()
        var chunk: DumpChunk? = nil
        var failure: Error? = nil
        do { chunk = try producer.nextChunk() } catch { failure = error }
        condition.lock()
        cutting = false
        if chunk != nil {
            cut += 1
        } else {
            chunkCount = cut
            readError = failure
        }
        condition.broadcast()
        condition.unlock()
        return chunk
    }

    /// Posts chunk `index`'s result (a worker).
    func post(_ result: Result<Value, Error>, index: Int, byteCount: Int) {
        condition.lock()
        results[index % depth] = (result, byteCount)
        if case .failure = result { workFailed = true }
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for the next chunk in order (the collector). Call `markCollected()` once done with a `.chunk`.
    func next() -> Next {
        condition.lock()
        defer { condition.unlock() }
        while true {
            let slot = collected % depth
            if let (result, byteCount) = results[slot] {
                results[slot] = nil
                return .chunk(result, byteCount: byteCount)
            }
            if let chunkCount, collected >= chunkCount {
                return readError.map { .readFailed($0) } ?? .end
            }
            condition.wait()
        }
    }

    /// Frees the collected chunk's slots for the workers (call after reading its summary slot).
    func markCollected() {
        condition.lock()
        collected += 1
        condition.broadcast()
        condition.unlock()
    }

    /// Makes the workers quit after their current chunk (the collector stops early).
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
