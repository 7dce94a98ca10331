import Foundation

/// Okapi BM25 with Lucene's idf: `idf = ln(1 + (N - df + 0.5) / (df + 0.5))` and
/// `score(tf, len) = idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avgLen))`, k1 = 1.2, b = 0.75.
///
/// A document's score is the sum of `score` over the query's scoring terms it contains (each term in its own
/// field, with that field's lengths). `score` grows with `tf` and shrinks with `len`, so a block's largest
/// frequency and smallest length bound every score in the block (block-max pruning relies on it).
public struct BM25: Sendable, Equatable {
    public static let k1 = 1.2
    public static let b = 0.75

    /// The term's idf.
    public let idf: Double
    /// The field's average length (at least a tiny positive number).
    public let averageFieldLength: Double
    // Precomputed so that a score costs one division: idf·(k1+1)·tf / (tf + k1·(1−b) + (k1·b/avgLen)·len).
    let scale: Double
    let lengthFree: Double
    let perLength: Double

    public init(documentCount: Int, documentFrequency: Int, averageFieldLength: Double) {
        idf = BM25.idf(documentCount: documentCount, documentFrequency: documentFrequency)
        self.averageFieldLength = averageFieldLength > 0 ? averageFieldLength : 1
        scale = idf * (BM25.k1 + 1)
        lengthFree = BM25.k1 * (1 - BM25.b)
        perLength = BM25.k1 * BM25.b / self.averageFieldLength
    }

    /// Lucene's idf, always positive.
    public static func idf(documentCount: Int, documentFrequency: Int) -> Double {
        let n = Double(documentCount)
        let df = Double(documentFrequency)
        return log(1 + (n - df + 0.5) / (df + 0.5))
    }

    /// The term's contribution for a document where it occurs `tf` times in a field of `fieldLength` tokens.
    @inline(__always)
    public func score(tf: UInt32, fieldLength: UInt32) -> Double {
        if tf == 0 { return 0 }
        let t = Double(tf)
        return scale * t / (t + lengthFree + perLength * Double(fieldLength))
    }
}
