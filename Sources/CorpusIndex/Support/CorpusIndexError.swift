/// The one error type of the library.
///
/// Every case names *where* the problem is (a file and a byte offset, a record number, an index component and
/// section, or a position in a query) so that a user can find it. The CLI maps each case to an exit code.
public enum CorpusIndexError: Error, Sendable, Equatable {
    /// A system call failed on `path`; `errno` is the C `errno` value.
    case io(path: String, errno: Int32, operation: String)
    /// Input that is not a cable dump of the expected form. `record` is 1-based (the n-th record of the input,
    /// counting every form's records the same way); `offset` is the byte offset of the record's start in `file`
    /// (in the decompressed stream for compressed input).
    case malformedRecord(file: String, offset: Int, record: Int, reason: String)
    /// The input's form could not be recognised, or a forced form does not fit.
    case unknownFormat(file: String, reason: String)
    /// An index file failed a checksum or a structural check. `section` names the part of the file.
    case corrupt(file: String, section: String, reason: String)
    /// An index written by a newer version of corpus-index.
    case formatTooNew(file: String, found: UInt32, supported: UInt32)
    /// An index written by a version this build no longer reads.
    case formatTooOld(file: String, found: UInt32, oldestSupported: UInt32)
    /// A query that does not parse or cannot run; `position` is the 0-based byte offset in the query text.
    case badQuery(position: Int, reason: String)
    /// An argument or option that is out of range.
    case invalidArgument(String)
    /// Anything else that should not happen, with what was being done.
    case internalError(String)
}

extension CorpusIndexError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .io(path, errno, operation):
            return "\(path): \(operation) failed: \(String(cString: strerrorText(errno))) (errno \(errno))"
        case let .malformedRecord(file, offset, record, reason):
            return "\(file): record \(record) at byte \(offset): \(reason)"
        case let .unknownFormat(file, reason):
            return "\(file): \(reason)"
        case let .corrupt(file, section, reason):
            return "\(file): corrupt \(section): \(reason)"
        case let .formatTooNew(file, found, supported):
            return "\(file): format version \(found) is newer than this build reads (\(supported)); upgrade corpus-index"
        case let .formatTooOld(file, found, oldest):
            return "\(file): format version \(found) is older than the oldest this build reads (\(oldest)); rebuild the index"
        case let .badQuery(position, reason):
            return "bad query at position \(position): \(reason)"
        case let .invalidArgument(message):
            return message
        case let .internalError(message):
            return "internal error: \(message)"
        }
    }
}

#if canImport(Glibc)
import Glibc
private func strerrorText(_ code: Int32) -> UnsafeMutablePointer<CChar> { strerror(code) }
#elseif canImport(Darwin)
import Darwin
private func strerrorText(_ code: Int32) -> UnsafeMutablePointer<CChar> { strerror(code) }
#endif
