import ArgumentParser
import CorpusIndex
import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension CorpusIndexCommand {
    /// `corpus-index records`: prints the parsed records of dumps as JSON Lines (or only their count).
    struct Records: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "records",
            abstract: "Print the records of cable dumps as JSON Lines.",
            discussion: """
                Reads cables.csv, the WikiLeaks SQL dump, HTML pages or trees of the site, or text renderings of pages, \
                plain, .gz or .lz4, or standard input ('-'); the form is detected unless --format is given. Keys: \
                \(RecordField.allCases.map(\.rawValue).joined(separator: ", ")). Dates are YYYY-MM-DDTHH:MMZ; \
                absent values are null; invalid UTF-8 is shown as U+FFFD.
                """)

        @Argument(help: "Dump files, directories of HTML pages, or '-' for standard input.")
        var dumps: [String]

        @Option(help: "Force the form: csv, sql, html or text.")
        var format: String?

        @Flag(help: "Skip malformed records (counted and the first few reported on stderr) instead of stopping.")
        var skipMalformed = false

        @Option(help: "Comma-separated keys to print, in order (default: all).")
        var fields: String?

        @Flag(help: "Print only the number of records and the time taken.")
        var count = false

        @Option(help: "Worker threads (default: the number of cores).")
        var threads: Int?

        func validate() throws {
            if let format, DumpFormat(rawValue: format) == nil {
                throw ValidationError("unknown format '\(format)' (csv, sql, html, text)")
            }
            if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        }

        func run() throws {
            let chosen = try fields.map(RecordField.parseList) ?? RecordField.allCases
            let options = ReaderOptions(format: format.flatMap(DumpFormat.init(rawValue:)), skipMalformed: skipMalformed)
            let started = DispatchTime.now().uptimeNanoseconds
            let summary: ReadSummary
            let output = StandardOutput()
            do {
                let reader = try DumpReader(paths: dumps, options: options)
                let workers = threads ?? max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
                let countOnly = count
                summary = try reader.processInParallel(
                    threads: workers,
                    work: { chunk -> [UInt8] in
                        var out: [UInt8] = []
                        if !countOnly { out.reserveCapacity(chunk.byteCount + chunk.byteCount / 8) }
                        _ = try chunk.forEachRecord { record in
                            guard !countOnly else { return }
                            record.appendJSON(to: &out, fields: chosen)
                            out.append(0x0A)
                        }
                        return out
                    },
                    collect: { bytes, _, _ in try output.write(bytes) })
                try output.flush()
            } catch {
                try? output.flush()  // the records before the error
                throw error
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            if count {
                let mb = Double(summary.bytes) / 1e6
                print("\(summary.records) records (\(summary.bytes) bytes) in \(formatted(seconds)) s, "
                    + "\(formatted(seconds > 0 ? mb / seconds : 0)) MB/s")
            }
            if summary.invalidUTF8Records > 0 {
                warn("warning: \(summary.invalidUTF8Records) record(s) contain invalid UTF-8 (shown as U+FFFD)")
            }
            if summary.skipped > 0 {
                warn("warning: skipped \(summary.skipped) malformed record(s); the first:")
                for error in summary.firstErrors { warn("  \(error)") }
            }
        }

        private func formatted(_ value: Double) -> String {
            let scaled = (value * 100).rounded() / 100
            return String(scaled)
        }
    }
}

private func warn(_ text: String) {
    let line = Array((text + "\n").utf8)
    line.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress!, $0.count) }
}

/// Standard output through a 4 MiB buffer, written with `write(2)` (retrying short writes).
final class StandardOutput {
    private var buffer: [UInt8] = []
    private let capacity = 4 << 20

    init() { buffer.reserveCapacity(capacity) }

    func write(_ bytes: [UInt8]) throws {
        if buffer.count + bytes.count > capacity {
            try flush()
            if bytes.count >= capacity { return try writeAll(bytes) }
        }
        buffer.append(contentsOf: bytes)
    }

    func flush() throws {
        try writeAll(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(1, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw CorpusIndexError.io(path: "<stdout>", errno: errno, operation: "write")
                }
                done += n
            }
        }
    }
}
