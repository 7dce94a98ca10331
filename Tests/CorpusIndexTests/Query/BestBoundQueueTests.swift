import Testing
@testable import CorpusIndex

/// `BestBoundQueue`: whatever the tier, every candidate comes out once, in the order of a sort by bound
/// (largest first, ties by the lower index), the order `BoundHeap` alone gives.
@Suite struct BestBoundQueueTests {
    @Test(arguments: [0, 1, 3, 64, 499, 500, 10_000])
    func popsEveryCandidateInBoundOrder(tier: Int) {
        var rng = SplitMix64(seed: UInt64(tier) &+ 11)
        for count in [0, 1, 2, 7, 65, 500] {
            // Few distinct bounds, so that ties are common.
            var bounds = (0..<max(count, 1)).map { _ in Double(rng.next() % 13) / 4 }
            let expected = (0..<count).sorted { bounds[$0] > bounds[$1] || (bounds[$0] == bounds[$1] && $0 < $1) }
            // The items in a scrambled order: the queue must not depend on it.
            var items = (0..<Int32(count)).map { $0 }
            for i in stride(from: count - 1, to: 0, by: -1) { items.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            var popped: [Int] = []
            items.withUnsafeMutableBufferPointer { itemBuffer in
                bounds.withUnsafeMutableBufferPointer { boundBuffer in
                    var queue = BestBoundQueue(
                        itemBuffer.baseAddress!, count: count, bounds: boundBuffer.baseAddress!, tier: tier)
                    while let c = queue.top {
                        popped.append(c)
                        queue.pop()
                    }
                }
            }
            #expect(popped == expected, "tier \(tier), \(count) candidates")
        }
    }
}
