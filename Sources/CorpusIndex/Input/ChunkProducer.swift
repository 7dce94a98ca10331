/// Cuts the inputs of a read into chunks, one after another, on the calling thread.
///
/// A chunk ends at the first record boundary at or after `chunkBytes` past its start (so boundaries depend only on
/// the input and `chunkBytes`, never on the thread count or on how a stream delivers its bytes). Mapped plain files
/// give views; streams (compressed, piped, standard input) are read into a buffer holding about one chunk beyond
/// the chunks already handed out; HTML trees give lists of pages of about `chunkBytes` in total. Not thread-safe.
final class ChunkProducer {
    private var inputs: [DumpInput]
    private var next = 0
    private let options: ReaderOptions
    private let chunkBytes: Int
    private let slots: DisjointSlots<ChunkSummary>?
    private var chunkIndex = 0
    private var current: Cursor?

    private enum Cursor {
        case mapped(MappedFile, DumpFormat, position: Int)
        case stream(StreamChunker)
        case pages([(String, Int)], position: Int)
    }

    init(inputs: [DumpInput], options: ReaderOptions, chunkBytes: Int, slots: DisjointSlots<ChunkSummary>?) {
        self.inputs = inputs
        self.options = options
        self.chunkBytes = max(chunkBytes, 1)
        self.slots = slots
    }

    /// The next chunk, or `nil` when every input is done.
    func nextChunk() throws -> DumpChunk? {
        while true {
            if current == nil {
                guard next < inputs.count else { return nil }
                current = try open(inputs[next])
                next += 1
            }
            if let chunk = try take() { return chunk }
            current = nil
        }
    }

    private func open(_ input: DumpInput) throws -> Cursor {
        switch input {
        case let .file(path):
            let mapped = try MappedFile(path: path)
            let prefix = UnsafeRawBufferPointer(rebasing: mapped.bytes.prefix(4096))
            let compression = options.compression ?? DumpCompression.detect(prefix)
            if compression == .none {
                mapped.adviseSequential()
                let format = options.format ?? DumpFormat.detect(prefix)
                let bom = prefix.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
                return .mapped(mapped, format, position: bom)
            }
            return .stream(try StreamChunker(source: MemorySource(file: mapped), compression: compression, options: options))
        case let .stream(path):
            let source: ByteSource =
                path == "-" ? FileDescriptorSource(fd: 0, name: "<stdin>", owns: false) : try FileDescriptorSource(path: path)
            return .stream(try StreamChunker(source: source, compression: options.compression, options: options))
        case let .pages(pages):
            return .pages(pages, position: 0)
        }
    }

    private func make(file: String, offset: Int, format: DumpFormat, count: Int, storage: DumpChunk.Storage) -> DumpChunk {
        defer { chunkIndex += 1 }
        return DumpChunk(
            file: file, offset: offset, format: format, byteCount: count, index: chunkIndex, storage: storage,
            skipMalformed: options.skipMalformed, maxReportedErrors: options.maxReportedErrors, summarySlots: slots)
    }

    private func take() throws -> DumpChunk? {
        switch current {
        case nil:
            return nil
        case let .mapped(mapped, format, position)?:
            let bytes = mapped.bytes
            guard position < bytes.count else { return nil }
            var end = bytes.count
            if format.isSplittable, position + chunkBytes < bytes.count {
                end = format.nextBoundary(in: bytes, from: position + chunkBytes) ?? bytes.count
            }
            current = .mapped(mapped, format, position: end)
            return make(file: mapped.path, offset: position, format: format, count: end - position,
                        storage: .view(mapped, position..<end))
        case let .stream(chunker)?:
            guard let (bytes, offset) = try chunker.next(chunkBytes: chunkBytes) else { return nil }
            return make(file: chunker.name, offset: offset, format: chunker.format, count: bytes.count,
                        storage: .owned(bytes))
        case let .pages(pages, position)?:
            guard position < pages.count else { return nil }
            var end = position
            var total = 0
            while end < pages.count && (end == position || total < chunkBytes) {
                total += pages[end].1
                end += 1
            }
            current = .pages(pages, position: end)
            return make(file: pages[position].0, offset: 0, format: options.format ?? .html, count: total,
                        storage: .pages(pages[position..<end].map(\.0), forcedFormat: options.format))
        }
    }
}

/// Reads a stream into chunks cut at record boundaries (see `ChunkProducer`). The first block read decides the
/// compression (unless forced) and, after decompression, the form (unless forced).
final class StreamChunker {
    let name: String
    private(set) var format: DumpFormat = .text
    private let source: ByteSource
    private var buffer: [UInt8] = []
    private var bufferOffset = 0
    private var ended = false
    private var block: [UInt8]
    private static let blockSize = 1 << 20

    init(source raw: ByteSource, compression forced: DumpCompression?, options: ReaderOptions) throws {
        name = raw.name
        block = [UInt8](repeating: 0, count: StreamChunker.blockSize)
        var head = [UInt8](repeating: 0, count: 4096)
        let got = try head.withUnsafeMutableBytes { try raw.readFully(into: $0) }
        head.removeSubrange(got...)
        let compression = forced ?? head.withUnsafeBytes { DumpCompression.detect($0) }
        let replay = ReplaySource(prefix: head, rest: raw)
        switch compression {
        case .none: source = replay
        case .gzip: source = try GzipSource(input: replay)
        case .lz4: source = try LZ4Source(input: replay)
        }
        try fill(atLeast: 4096)
        format = options.format ?? buffer.withUnsafeBytes { DumpFormat.detect(UnsafeRawBufferPointer(rebasing: $0.prefix(4096))) }
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) {
            buffer.removeFirst(3)
            bufferOffset = 3
        }
    }

    private func fill(atLeast count: Int) throws {
        while buffer.count < count && !ended {
            let got = try block.withUnsafeMutableBytes { try source.read(into: $0) }
            if got == 0 { ended = true } else { buffer.append(contentsOf: block[0..<got]) }
        }
    }

    /// The next chunk's bytes and its offset in the (decompressed) stream, or `nil` at the end.
    func next(chunkBytes: Int) throws -> ([UInt8], Int)? {
        try fill(atLeast: chunkBytes + 4096)
        guard !buffer.isEmpty else { return nil }
        var cut = buffer.count
        if format.isSplittable {
            var from = chunkBytes
            while true {
                if from < buffer.count,
                    let boundary = buffer.withUnsafeBytes({ format.nextBoundary(in: $0, from: from) })
                {
                    cut = boundary
                    break
                }
                if ended {
                    cut = buffer.count
                    break
                }
                from = max(from, buffer.count - 64)
                try fill(atLeast: buffer.count + max(StreamChunker.blockSize, buffer.count / 2))
            }
        } else {
            while !ended { try fill(atLeast: buffer.count + StreamChunker.blockSize) }
            cut = buffer.count
        }
        let chunk = Array(buffer[0..<cut])
        buffer.removeSubrange(0..<cut)
        let offset = bufferOffset
        bufferOffset += cut
        return (chunk, offset)
    }
}
