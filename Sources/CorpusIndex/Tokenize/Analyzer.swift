/// The one analyzer of corpus-index, used both when building and when querying (so a query term matches exactly
/// what the build indexed).
///
/// A token is a maximal run of bytes that are ASCII letters, ASCII digits, or `>= 0x80` (so UTF-8 encoded words stay
/// whole). ASCII letters are lowercased; every other byte separates tokens. No stemming, no stop words. Positions
/// are the token's ordinal in its field, from 0.
///
/// The scan is allocation-free per token: tokens are handed out as views into a scratch buffer that the caller
/// owns and reuses (see `TokenScratch`). Stateless and thread-safe; give each thread its own scratch.
public enum Analyzer {
    /// The analyzer's name, stored in the index manifest.
    public static let name = "ascii-alnum-lower-v1"

    /// `tokenByte[b]` is the byte a token stores for input byte `b` (lowercased), or 0 if `b` separates tokens.
    public static let tokenByte: [UInt8] = (0..<256).map { b -> UInt8 in
        switch b {
        case 0x30...0x39, 0x61...0x7A: return UInt8(b)
        case 0x41...0x5A: return UInt8(b + 0x20)
        case 0x80...0xFF: return UInt8(b)
        default: return 0
        }
    }

    /// Calls `body` for each token of `text`, in order, with the token's lowercased bytes (valid only during the
    /// call), the byte range of the token in `text` and its position (0, 1, 2, ...). Returns the number of tokens.
    @discardableResult
    @inlinable
    public static func forEachToken(
        in text: UnsafeRawBufferPointer, scratch: inout TokenScratch,
        _ body: (_ token: UnsafeRawBufferPointer, _ range: Range<Int>, _ position: Int) throws -> Void
    ) rethrows -> Int {
        let count = text.count
        guard count > 0, let base = text.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
        var position = 0
        var i = 0
        return try tokenByte.withUnsafeBufferPointer { table in
            while i < count {
                // Skip separators.
                while i < count && table[Int(base[i])] == 0 { i += 1 }
                if i == count { break }
                let start = i
                while i < count && table[Int(base[i])] != 0 { i += 1 }
                let length = i - start
                scratch.reserve(length)
                let out = scratch.storage
                for k in 0..<length { out[k] = table[Int(base[start + k])] }
                try body(UnsafeRawBufferPointer(start: out, count: length), start..<i, position)
                position += 1
            }
            return position
        }
    }

    /// The tokens of `text` as `String`s (for queries and tests, not the hot path).
    public static func tokens(of text: String) -> [String] {
        var scratch = TokenScratch()
        var result: [String] = []
        let utf8 = Array(text.utf8)
        _ = utf8.withUnsafeBytes { raw in
            forEachToken(in: raw, scratch: &scratch) { token, _, _ in
                result.append(String(decoding: token, as: UTF8.self))
            }
        }
        return result
    }
}

/// A growable byte buffer reused across tokens so that tokenizing allocates only when a token is longer than any
/// before it. Not thread-safe: one per thread. Owns its memory.
public struct TokenScratch: ~Copyable {
    @usableFromInline var storage: UnsafeMutablePointer<UInt8>
    @usableFromInline var capacity: Int

    public init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        storage = .allocate(capacity: self.capacity)
    }

    @inlinable
    mutating func reserve(_ needed: Int) {
        if needed > capacity {
            var newCapacity = capacity
            while newCapacity < needed { newCapacity *= 2 }
            storage.deallocate()
            storage = .allocate(capacity: newCapacity)
            capacity = newCapacity
        }
    }

    deinit { storage.deallocate() }
}
