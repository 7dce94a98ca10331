import Foundation

/// A fresh temporary directory, removed when the value is deinitialised.
final class TestDirectory {
    let path: String
    init(_ name: String = "store") {
        path = NSTemporaryDirectory() + "corpus-index-\(name)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}
