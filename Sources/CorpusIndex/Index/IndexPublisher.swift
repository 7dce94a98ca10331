#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Atomic publishing of a finished index directory, and the staging directory it is built in.
///
/// A build writes into `INDEX.tmp-<pid>` (a sibling of `INDEX`, so the final rename stays on one file system).
/// `publish` fsyncs every file and the staging directory, then swaps it into place: on Linux with one
/// `renameat2(RENAME_EXCHANGE)` (there is no instant where `INDEX` is missing); elsewhere, or if the file system
/// refuses, by renaming the old index aside to `INDEX.old-<pid>` and the new one into place. The old index is
/// deleted last. A build that fails removes its staging directory; one that is killed leaves `INDEX.tmp-<pid>`
/// (or, between the two renames of the fallback, `INDEX.old-<pid>` with no `INDEX`), and the next build cleans
/// both up (`removeStaleSiblings`), restoring the old index when the new one never got into place. The previous
/// index is therefore either intact at `INDEX` or recoverable by the next build, never half-written.
public enum IndexPublisher {
    /// The staging directory for a build of `index` by this process.
    public static func stagingPath(for index: String) -> String { "\(normalized(index)).tmp-\(getpid())" }

    static func normalized(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p
    }

    /// Removes staging directories and set-aside indexes left by builds of `index` whose process is gone. If
    /// `index` itself is missing and a set-aside old index exists, it is put back first.
    public static func removeStaleSiblings(of index: String) {
        let target = normalized(index)
        let url = URL(fileURLWithPath: target)
        let parent = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for entry in entries.sorted() {
            for marker in [".tmp-", ".old-"] where entry.hasPrefix(name + marker) {
                guard let pid = Int32(entry.dropFirst(name.count + marker.count)) else { continue }
                if pid != getpid() && kill(pid, 0) == 0 { continue }  // still running
                let path = parent + "/" + entry
                if marker == ".old-" && !FileManager.default.fileExists(atPath: target) {
                    if rename(path, target) == 0 { continue }
                }
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }

    /// Checks that `index` may be replaced: it does not exist, or is a directory holding an index (a `manifest`)
    /// or nothing at all. Refuses to overwrite anything else.
    public static func checkReplaceable(_ index: String, manifestName: String) throws {
        var isDirectory: ObjCBool = false
        let target = normalized(index)
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw CorpusIndexError.invalidArgument("\(target) exists and is not an index directory; refusing to replace it")
        }
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: target)) ?? []
        if !contents.isEmpty && !contents.contains(manifestName) {
            throw CorpusIndexError.invalidArgument(
                "\(target) is a non-empty directory without an index manifest; refusing to replace it")
        }
    }

    /// Makes the staging directory `staging` the index at `index` (see the type's discussion).
    public static func publish(staging: String, to index: String) throws {
        let target = normalized(index)
        try syncDirectoryTree(staging)
        if FileManager.default.fileExists(atPath: target) {
            if exchange(staging, target) {
                try syncDirectory(parentOf: target)
                try? FileManager.default.removeItem(atPath: staging)
                return
            }
            let aside = "\(target).old-\(getpid())"
            guard rename(target, aside) == 0 else {
                throw CorpusIndexError.io(path: target, errno: errno, operation: "rename aside")
            }
            guard rename(staging, target) == 0 else {
                let code = errno
                _ = rename(aside, target)
                throw CorpusIndexError.io(path: target, errno: code, operation: "rename into place")
            }
            try syncDirectory(parentOf: target)
            try? FileManager.default.removeItem(atPath: aside)
        } else {
            guard rename(staging, target) == 0 else {
                throw CorpusIndexError.io(path: target, errno: errno, operation: "rename into place")
            }
            try syncDirectory(parentOf: target)
        }
    }

    /// Atomically swaps two paths with Linux's `renameat2(..., RENAME_EXCHANGE)` (looked up with `dlsym`, since
    /// the Glibc module does not import it); `false` where that is unavailable or refused.
    static func exchange(_ a: String, _ b: String) -> Bool {
        #if os(Linux)
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let renameExchange: UInt32 = 2
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0
        #else
        return false
        #endif
    }

    /// `fsync`s every regular file in `directory` and the directory itself.
    static func syncDirectoryTree(_ directory: String) throws {
        for entry in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let path = directory + "/" + entry
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                try syncPath(path, flags: O_RDONLY)
            }
        }
        try syncPath(directory, flags: O_RDONLY | O_DIRECTORY)
    }

    static func syncDirectory(parentOf path: String) throws {
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try syncPath(parent, flags: O_RDONLY | O_DIRECTORY)
    }

    private static func syncPath(_ path: String, flags: Int32) throws {
        let fd = open(path, flags | O_CLOEXEC)
        guard fd >= 0 else { throw CorpusIndexError.io(path: path, errno: errno, operation: "open for fsync") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw CorpusIndexError.io(path: path, errno: errno, operation: "fsync") }
    }
}
