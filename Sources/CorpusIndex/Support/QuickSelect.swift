/// Quickselect: reorders `a` so that `a[k - 1]` is the element that would be `k`-th in a sort by `before`
/// (a strict order), every element before it comes before it or ties with it, and every element after it comes
/// after it or ties with it (median-of-three pivots, Hoare partitions). O(count) on average; no allocation.
/// Returns `a[k - 1]`. `k` must be in `1...a.count`.
@inline(__always)
func quickSelect<T>(_ k: Int, in a: UnsafeMutableBufferPointer<T>, by before: (T, T) -> Bool) -> T {
    precondition(k >= 1 && k <= a.count, "quickSelect: k out of range")
    let target = k - 1
    var lo = 0
    var hi = a.count - 1
    while lo < hi {
        let x = a[lo], y = a[lo + (hi - lo) / 2], z = a[hi]
        // The median of the three under `before`.
        let pivot = before(x, y)
            ? (before(y, z) ? y : (before(x, z) ? z : x))
            : (before(x, z) ? x : (before(y, z) ? z : y))
        var i = lo
        var j = hi
        while i <= j {
            while before(a[i], pivot) { i += 1 }
            while before(pivot, a[j]) { j -= 1 }
            if i <= j {
                a.swapAt(i, j)
                i += 1
                j -= 1
            }
        }
        // a[lo...j] come before or tie with the pivot, a[i...hi] after or tie; anything between ties with it.
        if target <= j {
            hi = j
        } else if target >= i {
            lo = i
        } else {
            return a[target]
        }
    }
    return a[target]
}
