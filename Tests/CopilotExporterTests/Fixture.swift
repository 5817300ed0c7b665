import Foundation

/// Reads a file from Fixtures/: GitHub's own example payloads, as its REST documentation
/// publishes them.
func fixture(_ name: String) throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    return [UInt8](try Data(contentsOf: url))
}
