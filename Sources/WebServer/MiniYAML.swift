/// A strict reader for the small YAML subset of exporter-toolkit's web configuration: nested
/// block mappings by indentation, plain, 'single' and "double" quoted scalars, `# comments`,
/// and empty documents. Anything else (lists, anchors, multi-line scalars, tabs) is an error
/// that names the line, rather than a guess.
public enum MiniYAML {
    public indirect enum Value: Sendable, Equatable {
        case scalar(String)
        case mapping([(key: String, value: Value)])

        public static func == (lhs: Value, rhs: Value) -> Bool {
            switch (lhs, rhs) {
            case (.scalar(let a), .scalar(let b)): a == b
            case (.mapping(let a), .mapping(let b)): a.map(\.key) == b.map(\.key) && a.map(\.value) == b.map(\.value)
            default: false
            }
        }

        /// The entries of a mapping (empty for a scalar).
        public var entries: [(key: String, value: Value)] {
            if case .mapping(let entries) = self { return entries }
            return []
        }
    }

    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// Parses a document whose top level is a mapping (or empty).
    public static func parse(_ text: String) throws(Failure) -> Value {
        var lines: [(number: Int, indent: Int, content: String)] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.contains("\t") { throw Failure(line: index + 1, reason: "tabs are not allowed in YAML indentation") }
            let content = stripComment(line)
            guard !content.allSatisfy({ $0 == " " }) else { continue }
            if content.hasPrefix("---") && lines.isEmpty { continue }
            let indent = content.prefix { $0 == " " }.count
            lines.append((index + 1, indent, String(content.dropFirst(indent)).trimmedTrailing()))
        }
        var position = 0
        let value = try mapping(lines, &position, indent: lines.first?.indent ?? 0)
        if position < lines.count { throw Failure(line: lines[position].number, reason: "unexpected indentation") }
        return value
    }

    private static func mapping(
        _ lines: [(number: Int, indent: Int, content: String)],
        _ position: inout Int,
        indent: Int
    ) throws(Failure) -> Value {
        var entries: [(key: String, value: Value)] = []
        while position < lines.count, lines[position].indent == indent {
            let line = lines[position]
            if line.content.hasPrefix("- ") || line.content == "-" {
                throw Failure(line: line.number, reason: "lists are not supported in this configuration")
            }
            guard let colon = keyEnd(line.content) else { throw Failure(line: line.number, reason: "expected `key: value`") }
            let key = try scalar(String(line.content[..<colon]), line: line.number)
            if entries.contains(where: { $0.key == key }) { throw Failure(line: line.number, reason: "duplicate key \(key)") }
            let rest = String(line.content[line.content.index(after: colon)...]).trimmedLeading()
            position += 1
            if rest.isEmpty {
                if position < lines.count, lines[position].indent > indent {
                    entries.append((key, try mapping(lines, &position, indent: lines[position].indent)))
                } else {
                    entries.append((key, .scalar("")))
                }
            } else {
                if rest.hasPrefix("[") || rest.hasPrefix("{") || rest.hasPrefix("&") || rest.hasPrefix("*") || rest.hasPrefix("|")
                    || rest.hasPrefix(">")
                {
                    throw Failure(line: line.number, reason: "flow collections, anchors and block scalars are not supported")
                }
                entries.append((key, .scalar(try scalar(rest, line: line.number))))
            }
        }
        if position < lines.count, lines[position].indent > indent {
            throw Failure(line: lines[position].number, reason: "unexpected indentation")
        }
        return .mapping(entries)
    }

    /// The index of the `:` that ends a key (outside quotes, followed by a space or the end).
    private static func keyEnd(_ content: String) -> String.Index? {
        var quote: Character?
        var index = content.startIndex
        while index < content.endIndex {
            let character = content[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == ":" {
                let next = content.index(after: index)
                if next == content.endIndex || content[next] == " " { return index }
            }
            index = content.index(after: index)
        }
        return nil
    }

    private static func scalar(_ text: String, line: Int) throws(Failure) -> String {
        let trimmed = text.trimmedLeading().trimmedTrailing()
        if trimmed.hasPrefix("\"") {
            guard trimmed.count >= 2, trimmed.hasSuffix("\"") else {
                throw Failure(line: line, reason: "unterminated double-quoted string")
            }
            var out = ""
            var escaping = false
            for character in trimmed.dropFirst().dropLast() {
                if escaping {
                    switch character {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "\\", "\"", "/": out.append(character)
                    default: throw Failure(line: line, reason: "unsupported escape \\\(character)")
                    }
                    escaping = false
                } else if character == "\\" {
                    escaping = true
                } else {
                    out.append(character)
                }
            }
            return out
        }
        if trimmed.hasPrefix("'") {
            guard trimmed.count >= 2, trimmed.hasSuffix("'") else { throw Failure(line: line, reason: "unterminated single-quoted string") }
            return String(trimmed.dropFirst().dropLast()).replacingAll("''", with: "'")
        }
        return trimmed
    }

    /// The line without a `# comment` (a `#` outside quotes, at the start or after a space).
    private static func stripComment(_ line: String) -> String {
        var quote: Character?
        var previous: Character = " "
        for (offset, character) in line.enumerated() {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" && previous == " " {
                return String(line.prefix(offset))
            }
            previous = character
        }
        return line
    }
}

extension String {
    fileprivate func trimmedLeading() -> String { String(drop { $0 == " " }) }
    fileprivate func trimmedTrailing() -> String { String(reversed().drop { $0 == " " }.reversed()) }
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
