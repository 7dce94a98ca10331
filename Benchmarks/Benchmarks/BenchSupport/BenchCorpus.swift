import CorpusIndex
import Foundation

/// The cables the in-memory suites (tokenizer, codecs) work on, composed once per process by the library's
/// generator (`DumpGenerator.record(at:)`, no dump file needed): `BenchEnvironment.cableCount` cables with the
/// real dump's vocabulary, tags and origins. Thread-safe (immutable after first use).
public enum BenchCorpus {
    /// Every cable of the corpus, in order.
    public static let records: [CableRecord] = {
        do {
            let generator = try DumpGenerator(cables: BenchEnvironment.cableCount, seed: BenchEnvironment.seed)
            return (0..<BenchEnvironment.cableCount).map { generator.record(at: $0) }
        } catch {
            fatalError("cannot create the benchmark generator: \(error)")
        }
    }()

    /// The body of every cable, raw bytes.
    public static let bodies: [[UInt8]] = records.map(\.body)

    /// `bytes` bytes of cable text: the bodies concatenated (separated by a newline), repeated as needed.
    public static func textBlock(bytes: Int) -> [UInt8] {
        var block: [UInt8] = []
        block.reserveCapacity(bytes)
        precondition(bodies.contains { !$0.isEmpty }, "the benchmark corpus has no text")
        while block.count < bytes {
            for body in bodies where block.count < bytes {
                block.append(contentsOf: body.prefix(bytes - block.count))
                if block.count < bytes { block.append(0x0A) }
            }
        }
        return block
    }
}
