import CorpusIndex

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The C API's status codes (`ci_status` in include/corpus_index.h).
enum CIStatus: Int32 {
    case ok = 0, io = 1, corrupt = 2, format = 3, badQuery = 4, invalidArgument = 5, notFound = 6, internalError = 7
}

/// The last error of one thread: a C string it owns and the query position of a bad query.
final class ErrorState {
    var message: UnsafeMutablePointer<CChar>? = nil
    var position: Int64 = -1
    deinit { free(message) }
}

/// The thread-local slot holding each thread's `ErrorState` (pthread key; the state is released when its thread
/// exits).
let errorKey: pthread_key_t = {
    var key = pthread_key_t()
    #if os(Linux)
    pthread_key_create(&key) { pointer in
        if let pointer { Unmanaged<ErrorState>.fromOpaque(pointer).release() }
    }
    #else
    pthread_key_create(&key) { pointer in Unmanaged<ErrorState>.fromOpaque(pointer).release() }
    #endif
    return key
}()

/// This thread's error state, created on first use.
func threadErrorState() -> ErrorState {
    if let existing = pthread_getspecific(errorKey) {
        return Unmanaged<ErrorState>.fromOpaque(existing).takeUnretainedValue()
    }
    let state = ErrorState()
    pthread_setspecific(errorKey, Unmanaged.passRetained(state).toOpaque())
    return state
}

/// Records `message` as this thread's last error and returns `status`.
func fail(_ status: CIStatus, _ message: String, position: Int64 = -1) -> Int32 {
    let state = threadErrorState()
    free(state.message)
    state.message = strdup(message)
    state.position = position
    return status.rawValue
}

/// Maps any error thrown by the library to a status code and message.
func fail(_ error: any Error) -> Int32 {
    guard let e = error as? CorpusIndexError else { return fail(.internalError, "\(error)") }
    switch e {
    case .io: return fail(.io, e.description)
    case .corrupt: return fail(.corrupt, e.description)
    case .formatTooNew, .formatTooOld: return fail(.format, e.description)
    case let .badQuery(position, _): return fail(.badQuery, e.description, position: Int64(position))
    case .invalidArgument: return fail(.invalidArgument, e.description)
    case .malformedRecord, .unknownFormat, .internalError: return fail(.internalError, e.description)
    }
}

/// Runs `body`, turning any thrown error into a status code.
func guarded(_ body: () throws -> Int32) -> Int32 {
    do { return try body() } catch { return fail(error) }
}

/// A UTF-8 string from a C argument, or a thrown `.invalidArgument` naming the argument.
func string(_ pointer: UnsafePointer<CChar>?, _ name: String) throws -> String {
    guard let pointer else { throw CorpusIndexError.invalidArgument("\(name) is NULL") }
    guard let s = String(validatingCString: pointer) else { throw CorpusIndexError.invalidArgument("\(name) is not valid UTF-8") }
    return s
}

@_cdecl("ci_last_error")
public func ci_last_error() -> UnsafePointer<CChar> {
    if let m = threadErrorState().message { return UnsafePointer(m) }
    return UnsafePointer(emptyCString)
}

@_cdecl("ci_last_error_position")
public func ci_last_error_position() -> Int64 { threadErrorState().position }

@_cdecl("ci_version")
public func ci_version() -> UnsafePointer<CChar> { UnsafePointer(versionCString) }

@_cdecl("ci_free")
public func ci_free(_ pointer: UnsafeMutableRawPointer?) { free(pointer) }

nonisolated(unsafe) let emptyCString: UnsafeMutablePointer<CChar> = strdup("")!
nonisolated(unsafe) let versionCString: UnsafeMutablePointer<CChar> = strdup("0.1.0")!
