import JSON
import SystemIO

/// Tokens per model, summed over result lines (`output.jsonl`): the response body's `model` (the snapshot
/// that ran, e.g. `gpt-4o-mini-2024-07-18`) and its `usage`, in any of the three shapes OpenAI answers with:
///
/// - chat and completions: `prompt_tokens`, `prompt_tokens_details.cached_tokens`, `completion_tokens`,
///   `completion_tokens_details.reasoning_tokens`;
/// - responses: `input_tokens`, `input_tokens_details.cached_tokens`, `output_tokens`,
///   `output_tokens_details.reasoning_tokens`;
/// - embeddings: `prompt_tokens`.
///
/// Lines are read one at a time and only `response.body.model` and `response.body.usage` are kept (the
/// scanner checks and skips the rest, an embedding's vector included), so memory holds one entry per model
/// whatever the file's size. Lines without usage (failed requests, moderations) count nothing.
public struct UsageTally: Sendable, Equatable {
    /// Tokens by model.
    public private(set) var models: [String: UsageTokens]
    /// Lines that are not JSON objects (counted, not fatal: the rest of the file still counts).
    public private(set) var unreadableLines: Int

    /// The model name used when a body with usage names none.
    public static let unnamedModel = "(unnamed)"

    /// A tally of `models` (empty by default).
    public init(models: [String: UsageTokens] = [:], unreadableLines: Int = 0) {
        self.models = models
        self.unreadableLines = unreadableLines
    }

    /// All models together.
    public var total: UsageTokens { models.values.reduce(UsageTokens(), +) }

    /// Both tallies, summed per model (a job's batches).
    public static func + (lhs: UsageTally, rhs: UsageTally) -> UsageTally {
        UsageTally(models: lhs.models.merging(rhs.models, uniquingKeysWith: +), unreadableLines: lhs.unreadableLines + rhs.unreadableLines)
    }

    /// Tallies a result file, reading it line by line. Blocking: call it from a `BlockingThread`.
    public static func tally(file path: String) throws(SystemError) -> UsageTally {
        var tally = UsageTally()
        let reader = try LineReader(path: path)
        while let line = try reader.next() { tally.add(line: line) }
        return tally
    }

    /// Adds one result line (its bytes without the newline); a blank line is nothing.
    public mutating func add(line: UnsafeRawBufferPointer) {
        guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
        do {
            guard let (model, tokens) = try Self.usage(in: line) else { return }
            models[model, default: UsageTokens()] = models[model, default: UsageTokens()] + tokens
        } catch {
            unreadableLines += 1
        }
    }

    /// The model and tokens of one result line, `nil` when its body reports no usage.
    static func usage(in line: UnsafeRawBufferPointer) throws(JSONScanner.Failure) -> (String, UsageTokens)? {
        let bytes = line.bindMemory(to: UInt8.self)
        var scanner = JSONScanner(bytes)
        scanner.skipWhitespace()
        guard scanner.peek() == UInt8(ascii: "{") else { throw scanner.fail("a result line is an object") }
        var model: String?
        var usage: JSONValue?
        try scanner.scanObject(depth: 0) { scanner, key throws(JSONScanner.Failure) in
            guard key == "response", scanner.peek() == UInt8(ascii: "{") else {
                _ = try scanner.skipValue(depth: 1)
                return
            }
            try scanner.scanObject(depth: 1) { scanner, key throws(JSONScanner.Failure) in
                guard key == "body", scanner.peek() == UInt8(ascii: "{") else {
                    _ = try scanner.skipValue(depth: 2)
                    return
                }
                try scanner.scanObject(depth: 2) { scanner, key throws(JSONScanner.Failure) in
                    switch key {
                    case "model" where scanner.peek() == UInt8(ascii: "\""): model = try scanner.readString()
                    case "usage": usage = try scanner.value(depth: 3)
                    default: _ = try scanner.skipValue(depth: 3)
                    }
                }
            }
        }
        try scanner.expectEnd()
        guard let usage, usage.isObject else { return nil }
        return (model ?? unnamedModel, tokens(of: usage))
    }

    /// The counts of a `usage` object in whichever shape it has; a count that is absent is 0. (Member by
    /// member: splitting dotted names per line was a third of the tally's time.)
    static func tokens(of usage: JSONValue) -> UsageTokens {
        func count(_ value: JSONValue?) -> Int? {
            guard let number = value?.intValue, number >= 0 else { return nil }
            return number
        }
        let inputDetails = usage["prompt_tokens_details"] ?? usage["input_tokens_details"]
        let outputDetails = usage["completion_tokens_details"] ?? usage["output_tokens_details"]
        return UsageTokens(
            requests: 1,
            input: count(usage["prompt_tokens"]) ?? count(usage["input_tokens"]) ?? 0,
            cachedInput: count(inputDetails?["cached_tokens"]) ?? 0,
            output: count(usage["completion_tokens"]) ?? count(usage["output_tokens"]) ?? 0,
            reasoning: count(outputDetails?["reasoning_tokens"]) ?? 0
        )
    }
}
