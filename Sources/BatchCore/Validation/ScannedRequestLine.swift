/// One line of an input file checked on its own: its JSON syntax and the fields the rules look at,
/// without the state of the file (line numbers, `custom_id`s seen, the file's endpoint and model).
/// `InputValidator.accept(_:byteCount:)` applies the rest, so lines can be scanned on several cores
/// and then accepted in order.
public struct ScannedRequestLine: Sendable {
    enum Outcome: Sendable {
        /// Only spaces and tabs (a blank line carries no request).
        case blank
        /// Not exactly one JSON object.
        case malformed(JSONLineScanner.Failure)
        /// A JSON object, with its fields of interest.
        case fields(JSONLineScanner.Fields)
    }

    let outcome: Outcome

    /// Scans one line (without its `\n`; a trailing `\r` is ignored).
    public init(_ raw: UnsafeBufferPointer<UInt8>) {
        var line = raw
        if let last = line.last, last == UInt8(ascii: "\r") { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            outcome = .blank
            return
        }
        var scanner = JSONLineScanner(line)
        do {
            outcome = .fields(try scanner.scanRequestLine())
        } catch {
            outcome = .malformed(error)
        }
    }

    /// The `custom_id`, when the line is an object whose `custom_id` is a string.
    public var customID: String? {
        guard case .fields(let fields) = outcome, case .string(let id) = fields.customID else { return nil }
        return id
    }

    /// `body.model`, when the line is an object whose body names one as a string.
    public var model: String? {
        guard case .fields(let fields) = outcome, case .string(let model) = fields.model, !model.isEmpty else { return nil }
        return model
    }

    /// The chat messages of the body as spans of the line, when they are plain enough to be read
    /// from the line's bytes as they are: `body.messages` an array of objects, each with a string
    /// `content` and at most a string `role`, no member given twice, and no `\u` escape anywhere on
    /// the line (so any JSON decoder gives the same texts). `nil` otherwise: read the line as JSON.
    public var chatMessages: [ChatMessageSpan]? {
        guard case .fields(let fields) = outcome, !fields.sawUnicodeEscape else { return nil }
        return fields.messages
    }
}

/// Where one chat message's `content` string sits in its line.
public struct ChatMessageSpan: Sendable, Equatable {
    /// The bytes between the string's quotes, as offsets into the line.
    public let content: Range<Int>
    /// Whether those bytes hold escapes (`\n`, `\"` …), to be decoded before use.
    public let escaped: Bool
    /// Whether the message's `role` is `user`.
    public let isUser: Bool

    /// Creates a span.
    public init(content: Range<Int>, escaped: Bool, isUser: Bool) {
        self.content = content
        self.escaped = escaped
        self.isUser = isUser
    }
}
