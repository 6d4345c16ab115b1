import BatchCore

/// A token counter that counts nothing: every line is 0 input tokens with no known output cap, so no
/// budget ever cuts a part. It stands in where no counter is given, until the service is built with the
/// real one (`RequestTokenCounter`, BatchCore/Tokens); a plan made with it says so (`exact_tokens` false,
/// zero tokens, no output ceiling), it never guesses.
public struct UncountedTokens: RequestTokenCounting {
    /// Creates the stand-in.
    public init() {}

    public func tokens(ofLine line: UnsafeRawBufferPointer) -> RequestTokens {
        RequestTokens(input: 0, outputCeiling: nil, exact: false)
    }
}
