// libFuzzer entry point for the HTTP request parser, the web-config YAML reader and the JSON
// reader: all read bytes from untrusted sources. Built by .ci/fuzz.sh with
// `swiftc -sanitize=fuzzer,address` together with their sources; a broken invariant becomes a
// crash that libFuzzer reports.

import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    let parser = HTTPRequestParser(limits: .init(maxHeaderBytes: 2048, maxHeaderCount: 32, maxBodyBytes: 1024))
    var remaining = bytes[...]
    var rounds = 0
    while rounds < 64 {
        rounds += 1
        switch parser.parse(remaining) {
        case .request(let request, let consumed):
            precondition(consumed > 0 && consumed <= remaining.count, "consumed \(consumed) of \(remaining.count)")
            precondition(request.body.count <= 1024)
            _ = request.path
            _ = request.query
            _ = request.keepAlive
            remaining = remaining.dropFirst(consumed)
        case .invalid(let status, _):
            precondition((400..<600).contains(status), "status \(status)")
            rounds = 64
        case .incomplete:
            rounds = 64
        }
    }
    _ = try? MiniYAML.parse(String(decoding: bytes, as: UTF8.self))
    fuzzJSON(bytes)
    fuzzState(bytes)
    fuzzCSV(bytes)
    return 0
}

/// A state file's payload (`--storage.path`) is read without a crash or a runaway allocation.
func fuzzState(_ bytes: [UInt8]) {
    var reader = StateReader(bytes)
    _ = try? reader.families()
}

/// The AI usage report's CSV, split anywhere into two chunks, is read without a crash.
func fuzzCSV(_ bytes: [UInt8]) {
    var csv = AIUsageCSV(month: "2026-12", keepModels: true)
    csv.startFile()
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    // Each piece in a buffer of its own, as the transport hands them over.
    Array(bytes[..<cut]).withUnsafeBufferPointer { csv.feed($0) }
    Array(bytes[cut...]).withUnsafeBufferPointer { csv.feed($0) }
    csv.finish()
}

/// The JSON reader never crashes, and what it accepts as valid UTF-8 Foundation accepts too
/// (the reader is the stricter of the two: no trailing commas), out-of-range skipped numbers apart.
func fuzzJSON(_ bytes: [UInt8]) {
    let accepted = bytes.withUnsafeBufferPointer { buffer in
        (try? JSONReader.document(buffer) { try $0.skipValue() }) != nil
    }
    if accepted, String(validating: bytes, as: UTF8.self) != nil {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            // The one known difference: a skipped number beyond Double's range (1e400) is
            // well-formed JSON to the reader, which range-checks only the numbers it reads.
            precondition(
                "\(error)".contains("is not representable"),
                "JSONReader accepted what Foundation refuses: \(String(decoding: bytes, as: UTF8.self)) (\(error))"
            )
        }
    }
    _ = try? bytes.withUnsafeBufferPointer(UserDayRecord.read)
    _ = try? CopilotSeatPage.read(bytes) { _ in }
}
