/// One problem found in an input file: the shape of the Batch API's `errors.data` items.
public struct ValidationIssue: Sendable, Equatable, CustomStringConvertible {
    /// A machine-readable code (`invalid_json_line`, `duplicate_custom_id`, `url_mismatch` …).
    public var code: String
    /// What is wrong and what was expected, for a person.
    public var message: String
    /// The field at fault (`custom_id`, `body.model` …), when there is one.
    public var param: String?
    /// The 1-based line number, or nil for a problem of the whole file.
    public var line: Int?

    /// Creates an issue.
    public init(code: String, message: String, param: String? = nil, line: Int? = nil) {
        self.code = code
        self.message = message
        self.param = param
        self.line = line
    }

    public var description: String {
        (line.map { "line \($0): " } ?? "") + message + " (\(code))"
    }
}

extension ValidationIssue {
    static func invalidJSON(_ line: Int, _ detail: String) -> ValidationIssue {
        ValidationIssue(code: "invalid_json_line", message: "This line is not parseable as valid JSON: \(detail).", line: line)
    }
}
