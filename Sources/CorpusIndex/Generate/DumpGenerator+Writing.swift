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
    var errors: [CorpusIndexError?]

    init(count: Int) {
        scratch = (0..<count).map { _ in ByteBuffer(capacity: 1 << 16) }
        output = (0..<count).map { _ in ByteBuffer(capacity: 1 << 20) }
        errors = Array(repeating: nil, count: count)
    }
}

extension DumpGenerator {
    /// CSV / SQL: rounds of `4 × threads` units rendered in parallel into per-unit buffers, written in order by a
    /// serial writer that overlaps with the next round's rendering (double buffering).
    func writeStream(format: DumpFormat, compression: DumpCompression, to path: String, threads: Int) throws {
        let sink = try DumpSink(path: path, compression: compression)
        if format == .sql {
            var preamble = DumpRenderers.sqlPreamble(cables: cables, seed: seed)
            try preamble.withUTF8 { try sink.write(UnsafeRawBufferPointer($0)) }
        }
        let unitsPerRound = threads * 4
        let sets = [UnitBuffers(count: unitsPerRound), UnitBuffers(count: unitsPerRound)]
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
                    k += threads
                }
            }
            writing.wait()
            if let error = writeError[0] { throw error }
            writerQueue.async(group: writing) {
                guard writeError[0] == nil else { return }
                do {
                    for k in 0..<units { try sink.write(set.output[k].written) }
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
    }

    /// HTML / text pages: workers render and write their own pages (`cable/YYYY/MM/REFID.ext`).
    func writePages(format: DumpFormat, to directory: String, threads: Int) throws {
        try makeDirectory(directory)
        let ext = format == .html ? "html" : "txt"
        let buffers = UnitBuffers(count: threads)
        let units = (cables + unitSize - 1) / unitSize
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let scratch = buffers.scratch[t]
            let page = buffers.output[t]
            var unit = t
            while unit < units && buffers.errors[t] == nil {
                let start = unit * unitSize
                for index in start..<min(start + unitSize, cables) {
                    scratch.removeAll()
                    page.removeAll()
                    let draft = composer.compose(index, into: scratch)
                    let origins = composer.resources.origins
                    if format == .html {
                        DumpRenderers.html(draft, source: scratch, origins: origins, total: cables, to: page)
                    } else {
                        DumpRenderers.text(draft, source: scratch, origins: origins, to: page)
                    }
                    do {
                        try writePage(page, relativePath: DumpRenderers.pagePath(draft, ext: ext), under: directory)
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
            let n = Glibc.write(fd, page.base + offset, page.count - offset)
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
