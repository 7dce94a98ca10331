#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Wall-clock and process CPU time per build phase, printed to standard error when the environment variable
/// `CORPUS_INDEX_PHASES` is set (for `scripts/bench-build` and profiling; silent otherwise).
///
/// Each `mark(_:)` closes the phase that started at the previous mark and prints one line:
/// `phase <name>: <wall> s wall, <cpu> CPU-s (<cpu/wall> cores), <t> CPU-s on this thread` — on a loaded machine
/// the CPU split (how much ran on the driving thread, serially) says more than the wall time. Thread safety: one
/// clock per build, marked from the thread that drives the build.
struct BuildPhaseClock {
    /// Whether phases are reported (read once per clock).
    let enabled: Bool
    private var wall: UInt64
    private var cpu: Double
    private var threadCPU: Double

    init() {
        enabled = getenv("CORPUS_INDEX_PHASES") != nil
        wall = DispatchTime.now().uptimeNanoseconds
        cpu = Self.processCPUSeconds()
        threadCPU = Self.threadCPUSeconds()
    }

    /// Ends the current phase under `name` and starts the next one.
    mutating func mark(_ name: String) {
        guard enabled else { return }
        let nowWall = DispatchTime.now().uptimeNanoseconds
        let nowCPU = Self.processCPUSeconds()
        let nowThread = Self.threadCPUSeconds()
        let seconds = Double(nowWall - wall) / 1e9
        let used = nowCPU - cpu
        let cores = seconds > 0 ? used / seconds : 0
        let line = "phase \(name): \(Self.format(seconds)) s wall, \(Self.format(used)) CPU-s (\(Self.format(cores)) cores), \(Self.format(nowThread - threadCPU)) CPU-s on this thread\n"
        FileHandle.standardError.write(Data(line.utf8))
        wall = nowWall
        cpu = nowCPU
        threadCPU = nowThread
    }

    private static func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// CPU seconds of the calling thread so far.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// User plus system CPU seconds of the whole process so far.
    #if canImport(Glibc)
    private static let RUSAGE_SELF_WHO = __rusage_who_t(RUSAGE_SELF.rawValue)
    #else
    private static let RUSAGE_SELF_WHO = RUSAGE_SELF
    #endif

    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(Self.RUSAGE_SELF_WHO, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
