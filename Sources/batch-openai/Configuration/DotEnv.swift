/// A parser for `.env` files with the rules people know from python-dotenv and the Node `dotenv` package.
///
/// - Blank lines and lines whose first non-blank character is `#` are ignored.
/// - An optional `export ` prefix is allowed (so the file can be `source`d by a shell).
/// - `KEY=value`, with blanks around `=` ignored. Keys are letters, digits, `_`, `.` and `-`, not starting with a digit.
/// - Unquoted values are trimmed; ` #` (a blank, then `#`) starts a comment.
/// - `'single quoted'` values are taken literally.
/// - `"double quoted"` values understand `\n`, `\r`, `\t`, `\"`, `\\` and `\$`, and may span lines.
/// - `${NAME}` in unquoted and double-quoted values expands to an earlier key of the file or, failing that,
///   to the process environment given to `parse`; `${NAME:-default}` gives a default when both are unset or empty.
/// - A later definition of a key replaces an earlier one.
///
/// Parsing is pure: reading the file and merging with the real environment (which wins) is the caller's job.
enum DotEnv {
    /// One malformed line: the file's name, the 1-based line number and what was expected.
    struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The file name used in messages.
        let file: String
        /// The 1-based line where the problem starts.
        let line: Int
        /// What is wrong and what was expected.
        let reason: String

        var description: String { "\(file) line \(line): \(reason)" }
    }

    /// Parses `text` and returns the keys in the order they first appear, with their final values.
    ///
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - file: the name to use in error messages.
    ///   - environment: the values `${NAME}` falls back to when the file does not define `NAME`.
    static func parse(
        _ text: String,
        file: String = ".env",
        environment: [String: String] = [:]
    ) throws(ParseError) -> [(key: String, value: String)] {
        var scanner = Scanner(characters: Array(text.unicodeScalars), file: file)
        var order: [String] = []
        var values: [String: String] = [:]
        while let (key, raw) = try scanner.nextAssignment() {
            let value = try raw.resolve { name in
                values[name] ?? environment[name]
            } error: { reason in
                ParseError(file: file, line: raw.line, reason: reason)
            }
            if values.updateValue(value, forKey: key) == nil { order.append(key) }
        }
        return order.map { ($0, values[$0]!) }
    }
}

extension DotEnv {
    /// A value as written, before `${…}` expansion.
    fileprivate struct RawValue {
        /// Pieces of the value: literal text, or a reference to expand.
        enum Piece {
            case literal(String)
            case reference(name: String, fallback: String?)
        }

        var pieces: [Piece]
        var line: Int

        func resolve(
            _ lookup: (String) -> String?,
            error: (String) -> ParseError
        ) throws(ParseError) -> String {
            var result = ""
            for piece in pieces {
                switch piece {
                case .literal(let text):
                    result += text
                case .reference(let name, let fallback):
                    let found = lookup(name)
                    if let found, !(fallback != nil && found.isEmpty) {
                        result += found
                    } else {
                        result += fallback ?? ""
                    }
                }
            }
            return result
        }
    }

    /// Walks the file one character at a time, tracking the line for error messages.
    fileprivate struct Scanner {
        let characters: [Unicode.Scalar]
        let file: String
        var index = 0
        var line = 1

        init(characters: [Unicode.Scalar], file: String) {
            self.characters = characters
            self.file = file
        }

        var current: Unicode.Scalar? { index < characters.count ? characters[index] : nil }

        mutating func advance() {
            if characters[index] == "\n" { line += 1 }
            index += 1
        }

        func failure(_ reason: String, line: Int? = nil) -> ParseError {
            ParseError(file: file, line: line ?? self.line, reason: reason)
        }

        mutating func skipBlanks() {
            while let c = current, c == " " || c == "\t" { advance() }
        }

        /// Skips to the start of the next line (past the newline, if any).
        mutating func skipLine() {
            while let c = current, c != "\n" { advance() }
            if current == "\n" { advance() }
        }

        /// After a value: only blanks and an optional comment may remain on the line.
        mutating func finishLine(after what: String) throws(ParseError) {
            skipBlanks()
            if current == "\r" { advance() }
            guard let c = current else { return }
            if c == "\n" { advance(); return }
            if c == "#" { skipLine(); return }
            throw failure("unexpected '\(c)' after \(what); expected the end of the line or a # comment")
        }

        mutating func nextAssignment() throws(ParseError) -> (String, RawValue)? {
            while true {
                skipBlanks()
                guard let c = current else { return nil }
                if c == "\n" || c == "\r" || c == "#" {
                    skipLine()
                    continue
                }
                break
            }
            let startLine = line
            var key = readKey()
            if key == "export", let c = current, c == " " || c == "\t" {
                skipBlanks()
                key = readKey()
            }
            guard !key.isEmpty else {
                throw failure("expected KEY=value, found '\(restOfLine())'")
            }
            guard let first = key.unicodeScalars.first, !("0"..."9").contains(first) else {
                throw failure("invalid key '\(key)': a key must not start with a digit")
            }
            skipBlanks()
            guard current == "=" else {
                if current == nil || current == "\n" || current == "\r" {
                    throw failure("expected '=' after '\(key)'")
                }
                throw failure("expected '=' after '\(key)', found '\(current!)'")
            }
            advance()
            skipBlanks()
            let value: RawValue
            switch current {
            case "'":
                value = try readSingleQuoted(startLine: startLine)
                try finishLine(after: "the closing quote")
            case "\"":
                value = try readDoubleQuoted(startLine: startLine)
                try finishLine(after: "the closing quote")
            default:
                value = try readUnquoted(startLine: startLine)
            }
            return (key, value)
        }

        mutating func readKey() -> String {
            var key = ""
            while let c = current, Self.isKeyCharacter(c) {
                key.unicodeScalars.append(c)
                advance()
            }
            return key
        }

        static func isKeyCharacter(_ c: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
                || c == "_" || c == "." || c == "-"
        }

        func restOfLine() -> String {
            var text = ""
            var i = index
            while i < characters.count, characters[i] != "\n", characters[i] != "\r" {
                text.unicodeScalars.append(characters[i])
                i += 1
            }
            return text
        }

        mutating func readSingleQuoted(startLine: Int) throws(ParseError) -> RawValue {
            advance()
            var text = ""
            while let c = current, c != "'" {
                text.unicodeScalars.append(c)
                advance()
            }
            guard current == "'" else { throw failure("unterminated single-quoted value", line: startLine) }
            advance()
            return RawValue(pieces: [.literal(text)], line: startLine)
        }

        mutating func readDoubleQuoted(startLine: Int) throws(ParseError) -> RawValue {
            advance()
            var builder = PieceBuilder()
            while let c = current, c != "\"" {
                if c == "\\" {
                    advance()
                    guard let escaped = current else { break }
                    switch escaped {
                    case "n": builder.append("\n")
                    case "r": builder.append("\r")
                    case "t": builder.append("\t")
                    case "\"", "\\", "$", "'": builder.append(escaped)
                    default:
                        builder.append("\\")
                        builder.append(escaped)
                    }
                    advance()
                } else if c == "$", peek(1) == "{" {
                    builder.append(reference: try readReference())
                } else {
                    builder.append(c)
                    advance()
                }
            }
            guard current == "\"" else { throw failure("unterminated double-quoted value", line: startLine) }
            advance()
            return RawValue(pieces: builder.finish(), line: startLine)
        }

        mutating func readUnquoted(startLine: Int) throws(ParseError) -> RawValue {
            var builder = PieceBuilder()
            // As in a shell, `#` starts a comment only after a blank: `KEY=a#b` keeps `a#b`.
            var previousWasBlank = index > 0 && (characters[index - 1] == " " || characters[index - 1] == "\t")
            while let c = current, c != "\n" {
                if c == "#", previousWasBlank { skipLine(); return RawValue(pieces: builder.finish(trimming: true), line: startLine) }
                if c == "$", peek(1) == "{" {
                    builder.append(reference: try readReference())
                    previousWasBlank = false
                    continue
                }
                if c == "\"" || c == "'" , builder.isEmpty {
                    // A quote can only open a value; reaching here means text came before it.
                    throw failure("unexpected quote in unquoted value")
                }
                builder.append(c)
                previousWasBlank = c == " " || c == "\t"
                advance()
            }
            if current == "\n" { advance() }
            return RawValue(pieces: builder.finish(trimming: true), line: startLine)
        }

        func peek(_ offset: Int) -> Unicode.Scalar? {
            index + offset < characters.count ? characters[index + offset] : nil
        }

        /// Reads `${NAME}` or `${NAME:-default}`; the cursor is on `$`.
        mutating func readReference() throws(ParseError) -> RawValue.Piece {
            let startLine = line
            advance()
            advance()
            var name = ""
            while let c = current, c != "}", c != ":", c != "\n" {
                name.unicodeScalars.append(c)
                advance()
            }
            var fallback: String?
            if current == ":" {
                advance()
                guard current == "-" else { throw failure("expected ':-' in ${\(name):-default}", line: startLine) }
                advance()
                var text = ""
                while let c = current, c != "}", c != "\n" {
                    text.unicodeScalars.append(c)
                    advance()
                }
                fallback = text
            }
            guard current == "}" else { throw failure("unterminated ${\(name)", line: startLine) }
            advance()
            guard !name.isEmpty, name.unicodeScalars.allSatisfy(Self.isKeyCharacter) else {
                throw failure("invalid variable name '\(name)' in ${...}", line: startLine)
            }
            return .reference(name: name, fallback: fallback)
        }
    }

    /// Collects literal text and references, merging adjacent literals.
    fileprivate struct PieceBuilder {
        var pieces: [RawValue.Piece] = []
        var text = ""

        var isEmpty: Bool { pieces.isEmpty && text.isEmpty }

        mutating func append(_ c: Unicode.Scalar) { text.unicodeScalars.append(c) }

        mutating func append(reference: RawValue.Piece) {
            flush()
            pieces.append(reference)
        }

        mutating func flush() {
            if !text.isEmpty { pieces.append(.literal(text)); text = "" }
        }

        mutating func finish(trimming: Bool = false) -> [RawValue.Piece] {
            if trimming {
                while let last = text.unicodeScalars.last, last == " " || last == "\t" || last == "\r" {
                    text.unicodeScalars.removeLast()
                }
            }
            flush()
            return pieces
        }
    }
}
