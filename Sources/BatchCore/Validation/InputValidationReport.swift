/// The verdict on an input file.
public struct InputValidationReport: Sendable, Equatable {
    /// Lines that carried a request (blank lines excluded).
    public var requestCount: Int
    /// Lines in the file (a last line without a newline counts).
    public var lineCount: Int
    /// The file's size.
    public var byteCount: Int64
    /// The endpoint of the file's requests (the first valid `url`).
    public var endpoint: String?
    /// The model of the file's requests (the first `body.model`).
    public var model: String?
    /// The issues found, in line order, up to the validator's `maxIssues`.
    public var issues: [ValidationIssue]
    /// How many issues there were in all.
    public var issueCount: Int

    /// Whether the file may be submitted.
    public var isValid: Bool { issueCount == 0 }
}
