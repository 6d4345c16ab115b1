import BatchService

/// One bad line of an input file, as the `errors` member of a 422 problem.
struct LineError: Encodable, Sendable {
    let line: Int?
    let code: String
    let message: String
    let param: String?

    init(_ issue: ValidationIssue) {
        line = issue.line
        code = issue.code
        message = issue.message
        param = issue.param
    }

    enum CodingKeys: String, CodingKey { case line, code, message, param }

    /// Writes all four members, `null` included, so clients see one shape.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(line, forKey: .line)
        try container.encode(code, forKey: .code)
        try container.encode(message, forKey: .message)
        try container.encode(param, forKey: .param)
    }
}
