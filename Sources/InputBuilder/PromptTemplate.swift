import Foundation

/// A prompt template: optional front matter (`system`, `format`, `model`) and a body with
/// `{{placeholders}}`.
public struct PromptTemplate: Sendable, Hashable {
    /// What the model is asked to produce.
    public enum Format: String, Sendable, Hashable {
        /// Markdown.
        case markdown = "md"
        /// A PlantUML diagram.
        case plantUML = "puml"
    }

    /// A literal run of text or a placeholder (with its line, for error messages).
    enum Piece: Sendable, Hashable {
        case text(String)
        case placeholder(Placeholder, line: Int)
    }

    /// The template's name (`tech` for `prompts/tech.md`).
    public let name: String
    /// The path used in messages (`prompts/tech.md`).
    public let displayPath: String
    /// The system message, if any.
    public let system: String?
    /// The document format the answer should be stored in.
    public let format: Format
    /// A model for the requests built from this template, if it names one.
    public let model: String?
    let pieces: [Piece]

    /// Parses `text`; errors name `displayPath` and the line.
    public init(name: String, displayPath: String, text: String) throws(BuildError) {
        self.name = name
        self.displayPath = displayPath
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        var bodyFirstLine = 1
        var system: String?
        var format = Format.markdown
        var model: String?
        if lines.first == "---" {
            guard let close = lines.dropFirst().firstIndex(of: "---") else {
                throw .template(displayPath, line: 1, "front matter is not closed by a --- line")
            }
            var index = 1
            while index < close {
                let lineNumber = index + 1
                let line = lines[index]
                index += 1
                if line.trimmingSpaces().isEmpty || line.hasPrefix("#") { continue }
                guard let colon = line.firstIndex(of: ":") else {
                    throw .template(displayPath, line: lineNumber, "expected `key: value` in the front matter")
                }
                let key = line[..<colon].trimmingSpaces()
                var value = line[line.index(after: colon)...].trimmingSpaces()
                if value == "|" || value == ">" {
                    // A YAML block scalar: the following indented lines.
                    var block: [String] = []
                    while index < close, lines[index].hasPrefix(" ") || lines[index].isEmpty {
                        block.append(lines[index].trimmingSpaces())
                        index += 1
                    }
                    value = block.joined(separator: value == "|" ? "\n" : " ").trimmingSpaces()
                } else {
                    value = try Self.unquote(value, file: displayPath, line: lineNumber)
                }
                switch key {
                case "system":
                    system = value
                case "model":
                    model = value.isEmpty ? nil : value
                case "format":
                    guard let parsed = Format(rawValue: value) else {
                        throw .template(displayPath, line: lineNumber, "format must be md or puml, not \(value)")
                    }
                    format = parsed
                default:
                    throw .template(displayPath, line: lineNumber,
                                    "unknown front matter key \(key) (expected system, format or model)")
                }
            }
            bodyFirstLine = close + 2
            lines = Array(lines[(close + 1)...])
        }
        while lines.first?.trimmingSpaces().isEmpty == true {
            lines.removeFirst()
            bodyFirstLine += 1
        }
        while lines.last?.trimmingSpaces().isEmpty == true { lines.removeLast() }
        self.system = system
        self.format = format
        self.model = model
        pieces = try Self.pieces(lines, firstLine: bodyFirstLine, file: displayPath)
    }

    /// The placeholders the body uses, in order of first use.
    public var placeholders: [Placeholder] {
        var seen: [Placeholder] = []
        for case let .placeholder(placeholder, _) in pieces where !seen.contains(placeholder) {
            seen.append(placeholder)
        }
        return seen
    }

    /// The body with each placeholder replaced by `values[placeholder]`; a placeholder with no
    /// value is an error naming the line and `context` (the payload item the request is for).
    public func render(_ values: [Placeholder: String], context: String) throws(BuildError) -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case let .text(text):
                out += text
            case let .placeholder(placeholder, line):
                guard let value = values[placeholder] else {
                    throw .template(displayPath, line: line,
                                    "placeholder {{\(placeholder.rawValue)}} has no value for \(context)")
                }
                out += value
            }
        }
        return out
    }

    private static func pieces(_ lines: [String], firstLine: Int, file: String) throws(BuildError) -> [Piece] {
        var pieces: [Piece] = []
        var text = ""
        for (offset, line) in lines.enumerated() {
            let number = firstLine + offset
            if offset > 0 { text += "\n" }
            var rest = Substring(line)
            while let open = rest.range(of: "{{") {
                text += rest[..<open.lowerBound]
                guard let close = rest[open.upperBound...].range(of: "}}") else {
                    throw .template(file, line: number, "{{ is not closed by }}")
                }
                let name = rest[open.upperBound..<close.lowerBound].trimmingSpaces()
                guard let placeholder = Placeholder(rawValue: name) else {
                    throw .template(file, line: number, "unknown placeholder {{\(name)}}")
                }
                if !text.isEmpty { pieces.append(.text(text)) }
                text = ""
                pieces.append(.placeholder(placeholder, line: number))
                rest = rest[close.upperBound...]
            }
            text += rest
        }
        if !text.isEmpty { pieces.append(.text(text)) }
        return pieces
    }

    /// A front matter value: plain, `'single'` or `"double"` (with `\"`, `\\`, `\n`, `\t`).
    private static func unquote(_ value: String, file: String, line: Int) throws(BuildError) -> String {
        guard let quote = value.first, quote == "\"" || quote == "'" else { return value }
        guard value.count >= 2, value.last == quote else {
            throw .template(file, line: line, "the quoted value is not closed")
        }
        let inner = value.dropFirst().dropLast()
        if quote == "'" { return inner.replacingOccurrences(of: "''", with: "'") }
        var out = ""
        var escaped = false
        for character in inner {
            if escaped {
                switch character {
                case "n": out += "\n"
                case "t": out += "\t"
                default: out.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        return out
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        let characters = Substring(self)
        guard let first = characters.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = characters.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(characters[first...last])
    }
}
