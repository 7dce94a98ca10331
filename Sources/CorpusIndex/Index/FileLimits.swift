#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Process limits and resources the build manages.
enum FileLimits {
    /// Returns freed heap memory to the system (glibc's `malloc_trim(0)`, looked up with `dlsym` since the Glibc
    /// module does not import `malloc.h`): between phases, so the merge's peak does not stack on the memory the
    /// inversion freed. A no-op elsewhere.
    static func returnFreedMemory() {
        #if os(Linux)
        typealias MallocTrim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }

    /// Raises the soft limit on open descriptors to the hard limit (`setrlimit(RLIMIT_NOFILE)`), since the merge
    /// keeps one descriptor per run open. Returns the limit in force afterwards.
    @discardableResult
    static func raiseOpenFileLimit() -> Int {
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }
}
