#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lists the cable pages of a mirror of the WikiLeaks site (`cable/YYYY/MM/REFID.html`) in a deterministic order.
///
/// If the directory has a `cable` subdirectory, only that subtree is walked (the site's list pages, `tag/`,
/// `origin/`, ..., are not cables); otherwise every `*.html`/`*.htm` file (also `.gz`/`.lz4`) below it. Paths
/// are sorted by their byte order, directories and files alike, so the result does not depend on the file system.
/// Hidden entries (`.`-prefixed) are skipped; symbolic links to directories are not followed.
enum DirectoryWalk {
    static func cablePages(under root: String) throws -> [(String, Int)] {
        let trimmed = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        var st = stat()
        let cableDir = trimmed + "/cable"
        let start = stat(cableDir, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR ? cableDir : trimmed
        var out: [(String, Int)] = []
        try walk(start, into: &out)
        return out
    }

    private static func walk(_ directory: String, into out: inout [(String, Int)]) throws {
        guard let dir = opendir(directory) else {
            throw CorpusIndexError.io(path: directory, errno: errno, operation: "opendir")
        }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            names.append(name)
        }
        closedir(dir)
        names.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        for name in names {
            let path = directory + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                try walk(path, into: &out)
            case S_IFREG, S_IFLNK:
                if isPage(name) {
                    var target = stat()
                    if stat(path, &target) == 0 && (target.st_mode & S_IFMT) == S_IFREG {
                        out.append((path, Int(target.st_size)))
                    }
                }
            default:
                continue
            }
        }
    }

    private static func isPage(_ name: String) -> Bool {
        let lower = name.lowercased()
        for suffix in [".html", ".htm", ".html.gz", ".htm.gz", ".html.lz4", ".htm.lz4"] where lower.hasSuffix(suffix) {
            return true
        }
        return false
    }
}
