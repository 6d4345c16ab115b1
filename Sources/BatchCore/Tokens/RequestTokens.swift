/// What one request line will cost in tokens, as far as can be known before it runs: its input tokens
/// (exact with the model's BPE encoding, a conservative estimate without) and the most output tokens it
/// may produce (`max_tokens`, `max_completion_tokens` or `max_output_tokens`; `nil` when it sets none).
public struct RequestTokens: Sendable, Equatable {
    /// Input (prompt) tokens of the request.
    public var input: Int
    /// The request's own cap on output tokens, when it sets one.
    public var outputCeiling: Int?
    /// Whether `input` was counted with the model's encoding rather than estimated.
    public var exact: Bool

    /// Creates a count.
    public init(input: Int, outputCeiling: Int? = nil, exact: Bool = false) {
        self.input = input
        self.outputCeiling = outputCeiling
        self.exact = exact
    }
}

/// Counts the tokens of request lines. The planner of jobs and the simulator's `usage` use the same
/// counter, so what the service budgets is what the simulator bills (docs/ARCHITECTURE.md § Jobs).
public protocol RequestTokenCounting: Sendable {
    /// The tokens of one input line (one JSON object: `custom_id`, `method`, `url`, `body`), given as its
    /// bytes without the newline. A line that is not a request object counts as zero input tokens.
    func tokens(ofLine line: UnsafeRawBufferPointer) -> RequestTokens
}
