import Dispatch

/// Runs one throwing closure on a global-queue thread and hands its result back with `wait()`: how the builder
/// overlaps independent finishing work (the keyword fields and columns) with the final merge.
///
/// `@unchecked Sendable`: `result` is written once by the task before it leaves the group and read only after
/// `group.wait()`, which orders the two; the closure's captures are the caller's responsibility (it must not
/// share them with anything running meanwhile).
final class BackgroundTask<Value>: @unchecked Sendable {
    private let group = DispatchGroup()
    private var result: Result<Value, Error>?

    /// Starts `body` at once.
    init(_ body: @escaping () throws -> Value) {
        let work = UncheckedClosure(body: body)
        DispatchQueue.global().async(group: group) { [self] in
            result = Result { try work.body() }
        }
    }

    /// Waits for the closure and returns its value or rethrows its error. Call once.
    func wait() throws -> Value {
        group.wait()
        return try result!.get()
    }
}

/// A closure moved to the task's thread; see `BackgroundTask` for why that is sound.
private struct UncheckedClosure<Value>: @unchecked Sendable {
    let body: () throws -> Value
}
