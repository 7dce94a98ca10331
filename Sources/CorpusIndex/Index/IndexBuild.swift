import Dispatch
import Foundation

/// A whole build with atomic publishing: stale staging directories of `output` are cleaned, a fresh staging
/// directory `output.tmp-<pid>` receives the index, and only a complete index is swapped into `output` (see
/// `IndexPublisher`). If anything throws, the staging directory is removed and `output` is left as it was.
public enum IndexBuild {
    /// Runs `body` with a builder writing into the staging directory, finishes the build and publishes it.
    /// `body` feeds every chunk (`process` + `collect`); it must not call `finish`.
    public static func publish(
        to output: String, options: BuildOptions, _ body: (IndexBuilder) throws -> Void
    ) throws -> IndexBuilder.Result {
        IndexPublisher.removeStaleSiblings(of: output)
        try IndexPublisher.checkReplaceable(output, manifestName: IndexFiles.manifest)
        let staging = IndexPublisher.stagingPath(for: output)
        try? FileManager.default.removeItem(atPath: staging)
        do {
            let builder = try IndexBuilder(directory: staging, options: options)
            try body(builder)
            let result = try builder.finish()
            var clock = BuildPhaseClock()
            try IndexPublisher.publish(staging: staging, to: output)
            clock.mark("publish (fsync, rename)")
            return result
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
    }

    /// Builds `output` from in-memory chunks of cables (tests, generated corpora).
    public static func build(chunks: [[CableRecord]], to output: String, options: BuildOptions) throws -> IndexBuilder.Result {
        try publish(to: output, options: options) { try $0.feed(chunks: chunks) }
    }
}

extension IndexBuild {
    /// What a build from dump files did.
    public struct Report: Sendable {
        public var result: IndexBuilder.Result
        public var read: ReadSummary
        public var seconds: Double
    }

    /// Builds `output` from the dumps `reader` reads: the reader's pipeline workers parse each chunk and
    /// `IndexBuilder.process` inverts it on the same worker; chunks are collected in order on this thread.
    public static func build(
        reader: DumpReader, to output: String, options: BuildOptions, progress: BuildProgress? = nil
    ) throws -> Report {
        var read = ReadSummary()
        var bytes = 0
        let started = DispatchTime.now().uptimeNanoseconds
        let result = try publish(to: output, options: options) { builder in
            read = try reader.processInParallel(
                threads: options.threads, chunkBytes: options.chunkBytes,
                work: { chunk in
                    defer { chunk.releaseInputPages() }
                    return try builder.process { add in _ = try chunk.forEachRecord(add) }
                },
                collect: { processed, summary, _ in
                    try builder.collect(processed)
                    bytes += summary.bytes
                    progress?.update(bytes: bytes, cables: builder.documentCount)
                })
            progress?.phase("merging \(builder.documentCount) cables into the index...")
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return Report(result: result, read: read, seconds: seconds)
    }
}
