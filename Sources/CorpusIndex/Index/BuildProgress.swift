#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The build's progress line on standard error (bytes, cables, MB/s, ETA), redrawn at most ten times a second and
/// only when standard error is a terminal, plus the one-line summary at the end. `quiet` silences both.
///
/// Not thread-safe: the collecting thread reports (it sees chunks in order).
public final class BuildProgress {
    private let enabled: Bool
    private let quiet: Bool
    private let totalBytes: Int
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var drewLine = false

    public init(totalBytes: Int, quiet: Bool) {
        self.quiet = quiet
        self.totalBytes = totalBytes
        enabled = !quiet && isatty(STDERR_FILENO) == 1
    }

    /// Seconds since the build started.
    public var elapsed: Double { Date().timeIntervalSince(start) }

    /// Reports `bytes` of input read and `cables` indexed so far.
    public func update(bytes: Int, cables: Int, phase: String = "indexing") {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let seconds = max(elapsed, 0.001)
        let rate = Double(bytes) / 1e6 / seconds
        var line = "\(phase): \(mb(bytes))/\(mb(totalBytes)) MB, \(cables) cables, \(String(format: "%.1f", rate)) MB/s"
        if bytes > 0 && bytes < totalBytes {
            line += ", ETA \(Int((Double(totalBytes - bytes) / (Double(bytes) / seconds)).rounded())) s"
        }
        draw(line)
    }

    /// Shows a phase with no byte count (merging, writing).
    public func phase(_ text: String) {
        guard enabled else { return }
        draw(text)
    }

    private func draw(_ line: String) {
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        drewLine = true
    }

    /// Clears the progress line and prints `summary` on its own line (unless quiet).
    public func finish(summary: String) {
        if enabled && drewLine { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if !quiet { FileHandle.standardError.write(Data((summary + "\n").utf8)) }
    }

    /// Clears the progress line (on failure).
    public func abandon() {
        if enabled && drewLine { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private func mb(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1e6) }

    /// The process's peak resident set size in bytes (`getrusage(RUSAGE_SELF).ru_maxrss`, KiB on Linux).
    public static func peakResidentBytes() -> Int {
        var usage = rusage()
        #if canImport(Glibc)
        let who = __rusage_who_t(RUSAGE_SELF.rawValue)
        #else
        let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return 0 }
        #if os(Linux)
        return Int(usage.ru_maxrss) * 1024
        #else
        return Int(usage.ru_maxrss)
        #endif
    }
}
