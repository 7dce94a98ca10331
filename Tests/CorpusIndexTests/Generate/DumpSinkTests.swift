import Foundation
import Testing
@testable import CorpusIndex

/// `DumpSink` closes its file once: after `finish()`, releasing the sink must not close the descriptor number
/// again, which by then may belong to a file another part of the process has opened (its writes would then fail
/// with EBADF, as a concurrent build's run file once did in the test suite).
@Suite struct DumpSinkTests {
    @Test(arguments: [DumpCompression.none, .gzip, .lz4])
    func releasingAFinishedSinkLeavesOtherFilesOpen(compression: DumpCompression) throws {
        let dir = TestDirectory()
        var sink: DumpSink? = try DumpSink(path: dir.path + "/dump", compression: compression)
        try [UInt8]("id,date\n".utf8).withUnsafeBytes { try sink!.write($0) }
        try sink!.finish()
        // The lowest free descriptor: most likely the number the sink has just closed.
        let other = open(dir.path + "/other", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        #expect(other >= 0)
        defer { close(other) }
        sink = nil
        let byte: [UInt8] = [42]
        #expect(byte.withUnsafeBytes { write(other, $0.baseAddress!, 1) } == 1, "the sink's release closed fd \(other)")
    }
}
