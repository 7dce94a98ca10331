import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-work-unit buffers shared with `concurrentPerform`. Discipline (why `@unchecked Sendable` is sound): during a
/// round, iteration `t` touches only the units `k ≡ t (mod threads)`; the serial writer reads a set only after the
/// round that filled it has returned, and the next round that refills it waits for the writer (`DispatchGroup`).
private final class UnitBuffers: @unchecked Sendable {
    let scratch: [ByteBuffer]
    let output: [ByteBuffer]
    /// The unit's gzip member (when writing gzip).
    let compressed: [ByteBuffer]
    var errors: [CorpusIndexError?]

    init(count: Int, compressing: Bool = false) {
        scratch = (0..<count).map { _ in ByteBuffer(capacity: 1 << 16) }
        output = (0..<count).map { _ in ByteBuffer(capacity: 1 << 20) }
        compressed = (0..<count).map { _ in ByteBuffer(capacity: compressing ? 1 << 20 : 64) }
        errors = Array(repeating: nil, count: count)
    }
}

extension DumpGenerator {
    /// CSV / SQL / text: rounds of `4 × threads` units rendered in parallel into per-unit buffers, written in order by a
    /// serial writer that overlaps with the next round's rendering (double buffering). For gzip each worker
    /// compresses its own unit into a gzip member (parallel compression; the members' boundaries depend on the unit
    /// size only, so the bytes do not depend on the thread count); LZ4 is fast enough to stream from the writer.
    func writeStream(
        format: DumpFormat, compression: DumpCompression, to path: String, threads: Int
    ) throws -> GeneratedDumpSize {
        let members = compression == .gzip
        let sink = try DumpSink(path: path, compression: members ? .none : compression)
        var rendered = 0
        if format == .sql {
            var preamble = DumpRenderers.sqlPreamble(cables: cables, seed: seed)
            try preamble.withUTF8 { utf8 in
                rendered += utf8.count
                if members {
                    let member = ByteBuffer()
                    try DumpSink.appendGzipMember(UnsafeRawBufferPointer(utf8), to: member)
                    try sink.write(member.written)
                } else {
                    try sink.write(UnsafeRawBufferPointer(utf8))
                }
            }
        }
        let unitsPerRound = threads * 4
        let sets = [
            UnitBuffers(count: unitsPerRound, compressing: members), UnitBuffers(count: unitsPerRound, compressing: members),
        ]
        let writerQueue = DispatchQueue(label: "corpus-index.generate.writer")
        let writing = DispatchGroup()
        let writeError = DisjointSlots<CorpusIndexError>(count: 1)
        let totalUnits = (cables + unitSize - 1) / unitSize
        var firstUnit = 0
        var round = 0
        while firstUnit < totalUnits {
            let set = sets[round & 1]
            let units = min(unitsPerRound, totalUnits - firstUnit)
            let base = firstUnit
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                var k = t
                while k < units {
                    let out = set.output[k]
                    out.removeAll()
                    let start = (base + k) * unitSize
                    for index in start..<min(start + unitSize, cables) {
                        render(index, format: format, scratch: set.scratch[k], to: out)
                    }
                    if members {
                        set.compressed[k].removeAll()
                        do {
                            try DumpSink.appendGzipMember(out.written, to: set.compressed[k])
                        } catch {
                            set.errors[k] = error as? CorpusIndexError ?? .internalError("\(error)")
                        }
                    }
                    k += threads
                }
            }
            writing.wait()
            if let error = writeError[0] { throw error }
            if let error = set.errors.prefix(units).compactMap({ $0 }).first { throw error }
            for k in 0..<units { rendered += set.output[k].count }
            writerQueue.async(group: writing) {
                guard writeError[0] == nil else { return }
                do {
                    for k in 0..<units { try sink.write((members ? set.compressed[k] : set.output[k]).written) }
                } catch let error as CorpusIndexError {
                    writeError[0] = error
                } catch {
                    writeError[0] = .internalError("\(error)")
                }
            }
            firstUnit += units
            round += 1
        }
        writing.wait()
        if let error = writeError[0] { throw error }
        try sink.finish()
        return GeneratedDumpSize(renderedBytes: rendered, writtenBytes: sink.bytesOut, files: 1)
    }

    /// HTML pages: workers render and write their own pages (`cable/YYYY/MM/REFID.html`).
    func writeHTMLPages(to directory: String, threads: Int) throws -> GeneratedDumpSize {
        try makeDirectory(directory)
        let ext = "html"
        let buffers = UnitBuffers(count: threads)
        let bytes = DisjointSlots<Int>(count: threads)
        let units = (cables + unitSize - 1) / unitSize
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let scratch = buffers.scratch[t]
            let page = buffers.output[t]
            var written = 0
            defer { bytes[t] = written }
            var unit = t
            while unit < units && buffers.errors[t] == nil {
                let start = unit * unitSize
                for index in start..<min(start + unitSize, cables) {
                    scratch.removeAll()
                    page.removeAll()
                    let draft = composer.compose(index, into: scratch)
                    let origins = composer.resources.origins
                    DumpRenderers.html(draft, source: scratch, origins: origins, total: cables, to: page)
                    do {
                        try writePage(page, relativePath: DumpRenderers.pagePath(draft, ext: ext), under: directory)
                        written += page.count
                    } catch let error as CorpusIndexError {
                        buffers.errors[t] = error
                        break
                    } catch {
                        buffers.errors[t] = .internalError("\(error)")
                        break
                    }
                }
                unit += threads
            }
        }
        if let error = buffers.errors.compactMap({ $0 }).first { throw error }
        let total = bytes.takeAll().reduce(0, +)
        return GeneratedDumpSize(renderedBytes: total, writtenBytes: total, files: cables)
    }

    private func writePage(_ page: ByteBuffer, relativePath: String, under directory: String) throws {
        let path = directory + "/" + relativePath
        var fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd < 0 && errno == ENOENT {
            // Create cable/YYYY/MM on first use (mkdir is atomic; EEXIST from a racing worker is fine).
            var prefix = directory
            for part in relativePath.split(separator: "/").dropLast() {
                prefix += "/" + part
                try makeDirectory(prefix)
            }
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        guard fd >= 0 else { throw CorpusIndexError.io(path: path, errno: errno, operation: "open for writing") }
        defer { close(fd) }
        var offset = 0
        while offset < page.count {
            let n = posixWrite(fd, page.base + offset, page.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw CorpusIndexError.io(path: path, errno: errno, operation: "write")
            }
            offset += n
        }
    }

    private func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw CorpusIndexError.io(path: path, errno: errno, operation: "mkdir")
        }
    }
}
