import Testing

@testable import CopilotExporter

@Suite struct LineSplitterTests {
    func lines(_ chunks: [String], max: Int = 1 << 20) -> ([String], Int) {
        var splitter = LineSplitter(maxLineBytes: max)
        var out: [String] = []
        for chunk in chunks { splitter.feed(Array(chunk.utf8)) { out.append(String(decoding: $0, as: UTF8.self)) } }
        splitter.finish { out.append(String(decoding: $0, as: UTF8.self)) }
        return (out, splitter.oversizedLines)
    }

    @Test func joinsLinesAcrossChunksAndHandlesCRLFAndAMissingFinalNewline() {
        #expect(lines(["{\"a\":1}\n{\"b\"", ":2}\r\n", "\n  \n{\"c\":3}"]).0 == ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"])
        #expect(lines(["x", "y", "z\n"]).0 == ["xyz"])
        #expect(lines([]).0.isEmpty)
    }

    @Test func dropsOverlongLinesWithoutHoldingThem() {
        let (out, dropped) = lines(
            ["short\n", String(repeating: "a", count: 50), String(repeating: "b", count: 50), "tail\nnext\n"],
            max: 64
        )
        #expect(out == ["short", "next"])
        #expect(dropped == 1)
    }
}
