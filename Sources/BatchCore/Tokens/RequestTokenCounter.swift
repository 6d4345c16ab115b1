/// Counts a request line's input tokens and output cap (`RequestTokenCounting`), exactly with the model's
/// BPE encoding when it is among `encodings`, else with the conservative `TokenEstimate` (for a model whose
/// encoding is not known, the larger of the two encodings' estimates).
///
/// What counts (docs/ARCHITECTURE.md § Jobs): chat `messages` (role, name and content text, plus OpenAI's
/// per-message overhead: 3 a message, 1 a name, 3 for the reply), responses `input` (a string, or items
/// with a role and string content or `input_text` parts) and `instructions`, embeddings `input` (strings;
/// a token array counts its length), completions `prompt`, moderations `input`. Images, audio, files, tool
/// definitions and tool calls are not counted.
public struct RequestTokenCounter: RequestTokenCounting {
    private let o200k: BPEEncoding?
    private let cl100k: BPEEncoding?

    /// A counter with these encodings loaded (none: every count is an estimate).
    public init(encodings: [BPEEncoding] = []) {
        o200k = encodings.first { $0.name == .o200kBase }
        cl100k = encodings.first { $0.name == .cl100kBase }
    }

    /// The encodings that give exact counts.
    public var loadedEncodings: [BPEEncoding.Name] {
        [o200k, cl100k].compactMap { $0?.name }
    }

    /// The tokens of one request line (its bytes, without the newline).
    public func tokens(ofLine line: UnsafeRawBufferPointer) -> RequestTokens {
        let bytes = line.bindMemory(to: UInt8.self)
        let reader = RequestTextReader(line: bytes)
        let encoding = encoding(for: reader.model)
        var input = reader.fixedTokens
        if let encoding {
            for text in reader.texts { input += Self.withBytes(text, of: bytes) { encoding.count(utf8: $0) } }
        } else {
            input += estimate(reader.texts, of: bytes, model: reader.model)
        }
        return RequestTokens(input: input, outputCeiling: reader.outputCeiling, exact: encoding != nil)
    }

    /// The tokens of one request line given as a string.
    public func tokens(ofLine line: String) -> RequestTokens {
        var line = line
        return line.withUTF8 { tokens(ofLine: UnsafeRawBufferPointer($0)) }
    }

    /// The tokens of a plain text for `model`: exact when its encoding is loaded, else the estimate.
    public func count(_ text: String, model: String?) -> (tokens: Int, exact: Bool) {
        var text = text
        return text.withUTF8 { bytes in
            if let encoding = encoding(for: model) { return (encoding.count(utf8: bytes), true) }
            return (estimate([.span(0..<bytes.count)], of: bytes, model: model), false)
        }
    }

    /// The estimate of a text for an encoding, or for a model whose encoding is unknown (`nil`): the
    /// larger of the two.
    public static func estimate(_ text: String, encoding: BPEEncoding.Name?) -> Int {
        switch encoding {
        case .o200kBase: TokenEstimate.o200k.tokens(text)
        case .cl100kBase: TokenEstimate.cl100k.tokens(text)
        case nil: max(TokenEstimate.o200k.tokens(text), TokenEstimate.cl100k.tokens(text))
        }
    }

    private func encoding(for model: String?) -> BPEEncoding? {
        switch model.flatMap(BPEEncoding.Name.forModel) {
        case .o200kBase: o200k
        case .cl100kBase: cl100k
        case nil: nil
        }
    }

    private func estimate(_ texts: [RequestTextReader.Text], of line: UnsafeBufferPointer<UInt8>, model: String?) -> Int {
        let name = model.flatMap(BPEEncoding.Name.forModel)
        let estimates: [TokenEstimate] = switch name {
        case .o200kBase: [.o200k]
        case .cl100kBase: [.cl100k]
        case nil: [.o200k, .cl100k]
        }
        var features: [TextFeatures] = []
        features.reserveCapacity(texts.count)
        for text in texts { features.append(Self.withFeatures(text, of: line)) }
        let milli = estimates.map { estimate in features.reduce(0) { $0 + estimate.milliTokens($1) } }.max() ?? 0
        return (milli + 999) / 1000
    }

    private static func withFeatures(_ text: RequestTextReader.Text, of line: UnsafeBufferPointer<UInt8>) -> TextFeatures {
        switch text {
        case .span(let range): return TextFeatures(utf8: UnsafeBufferPointer(rebasing: line[range]))
        case .decoded(var string): return string.withUTF8 { TextFeatures(utf8: $0) }
        }
    }

    @inline(__always)
    private static func withBytes(_ text: RequestTextReader.Text, of line: UnsafeBufferPointer<UInt8>,
                                  _ body: (UnsafeBufferPointer<UInt8>) -> Int) -> Int {
        switch text {
        case .span(let range): return body(UnsafeBufferPointer(rebasing: line[range]))
        case .decoded(var string): return string.withUTF8(body)
        }
    }
}
