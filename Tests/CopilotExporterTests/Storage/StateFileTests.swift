import Foundation
import Glibc
import Testing

@testable import CopilotExporter

@Suite struct StateFileTests {
    /// A fresh directory path under the temporary directory (not created).
    static func scratch() -> String {
        NSTemporaryDirectory() + "/state-test-\(UUID().uuidString)"
    }

    @Test func aMissingFileIsMissingAndAWrittenOneReadsBack() throws {
        let directory = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = StateFile(directory: directory, name: "state")
        #expect(file.read() == .missing)
        let payload = Array("{\"days\":[1,2,3]}".utf8)
        try file.write(version: 3, payload: payload)
        #expect(file.read() == .loaded(version: 3, payload: payload))
        // A second write replaces the first whole.
        try file.write(version: 4, payload: [1, 2])
        #expect(file.read() == .loaded(version: 4, payload: [1, 2]))
    }

    @Test func theFileAndItsDirectoryArePrivate() throws {
        let directory = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = StateFile(directory: directory, name: "state")
        try file.write(version: 1, payload: [42])
        var info = stat()
        #expect(stat(file.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(stat(directory, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["state"])
    }

    enum Damage: String, CaseIterable, Sendable {
        case truncated, trailingBytes, flippedPayloadBit, foreign, empty, cutHeader

        func apply(_ bytes: [UInt8]) -> [UInt8] {
            switch self {
            case .truncated: return Array(bytes.dropLast(3))
            case .trailingBytes: return bytes + [0]
            case .flippedPayloadBit:
                var damaged = bytes
                damaged[damaged.count - 2] ^= 0x10
                return damaged
            case .foreign: return Array("{\"not\":\"ours\"}".utf8)
            case .empty: return []
            case .cutHeader: return Array(bytes.prefix(StateFile.headerSize - 1))
            }
        }

        var expected: String {
            switch self {
            case .truncated, .trailingBytes: "truncated or has trailing bytes"
            case .flippedPayloadBit: "corrupt"
            case .foreign, .empty, .cutHeader: "not a copilot_exporter state file"
            }
        }
    }

    /// Every damaged form of a good file is refused with a sentence, never loaded.
    @Test(arguments: Damage.allCases)
    func damagedFilesAreRefused(damage: Damage) throws {
        let directory = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = StateFile(directory: directory, name: "state")
        try file.write(version: 1, payload: Array(repeating: 7, count: 100))
        let good = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file.path)))
        try Data(damage.apply(good)).write(to: URL(fileURLWithPath: file.path))
        guard case .unusable(let reason) = file.read() else {
            Issue.record("\(damage): a damaged file was loaded")
            return
        }
        #expect(reason.contains(damage.expected), "\(damage): \(reason)")
    }

    @Test func aFileLargerThanTheBoundIsNeitherReadNorWritten() throws {
        let directory = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let small = StateFile(directory: directory, name: "state", maxBytes: 64)
        #expect(throws: StateFile.Failure.self) { try small.write(version: 1, payload: Array(repeating: 0, count: 64)) }
        #expect(small.read() == .missing)
        try StateFile(directory: directory, name: "state").write(version: 1, payload: Array(repeating: 0, count: 64))
        guard case .unusable(let reason) = small.read() else {
            Issue.record("an oversized file was read")
            return
        }
        #expect(reason.contains("more than the 64 allowed"))
    }

    @Test func aSymbolicLinkIsRefused() throws {
        let directory = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = StateFile(directory: directory, name: "state")
        try file.write(version: 1, payload: [1])
        try FileManager.default.moveItem(atPath: file.path, toPath: directory + "/elsewhere")
        #expect(symlink(directory + "/elsewhere", file.path) == 0)
        guard case .unusable = file.read() else {
            Issue.record("a symbolic link was followed")
            return
        }
    }

    /// A directory nobody may create, root included (procfs refuses mkdir), stands for a
    /// read-only volume.
    @Test func anUncreatableDirectoryFailsWithASentence() throws {
        let file = StateFile(directory: "/proc/copilot-exporter-state-\(getpid())", name: "state")
        let failure = #expect(throws: StateFile.Failure.self) { try file.write(version: 1, payload: [1]) }
        #expect(failure?.description.contains("goes on in memory") == true)
        #expect(file.read() == .missing)
    }

    @Test func aPathUnderAFileFailsWithASentence() throws {
        let directory = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data([1]).write(to: URL(fileURLWithPath: directory))
        let file = StateFile(directory: directory + "/sub", name: "state")
        let failure = #expect(throws: StateFile.Failure.self) { try file.write(version: 1, payload: [1]) }
        #expect(failure?.description.contains("cannot create it") == true)
        guard case .unusable = file.read() else {
            Issue.record("a path under a regular file read as a state file")
            return
        }
    }
}
