import Foundation

extension EnqueuedTokenBudget {
    /// Why a budget's text was refused: what was found and what was expected.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Reads `BATCH_OPENAI_ENQUEUED_TOKENS` / `--enqueued-tokens`: `model=N,...` for named models, and
    /// optionally one bare `N` for every other model (`gpt-4o-mini=2000000,gpt-4o=90000`, `90000`,
    /// `gpt-4o=90000,2000000`). Spaces around items are ignored; `_` may group digits (`2_000_000`).
    public init(parsing text: String) throws(ParseError) {
        let expected = "expected model=N,... or one N for every model (N a whole number of at least 1)"
        var perModel: [String: Int] = [:]
        var fallback: Int?
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw ParseError(description: "'\(text)' is empty: \(expected)") }
        for item in items {
            guard !item.isEmpty else { throw ParseError(description: "'\(text)' has an empty item: \(expected)") }
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if pair.count == 1 {
                guard fallback == nil else { throw ParseError(description: "'\(text)' gives the limit of every model twice: \(expected)") }
                fallback = try Self.number(item, in: text, expected: expected)
                continue
            }
            let model = pair[0].trimmingCharacters(in: .whitespaces)
            guard !model.isEmpty else { throw ParseError(description: "'\(item)' names no model: \(expected)") }
            guard perModel[model] == nil else { throw ParseError(description: "'\(text)' gives the limit of \(model) twice: \(expected)") }
            perModel[model] = try Self.number(pair[1].trimmingCharacters(in: .whitespaces), in: text, expected: expected)
        }
        self.init(perModel: perModel, fallback: fallback)
    }

    private static func number(_ text: String, in whole: String, expected: String) throws(ParseError) -> Int {
        let digits = text.replacingOccurrences(of: "_", with: "")
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(digits), value >= 1 else {
            let place = text == whole.trimmingCharacters(in: .whitespaces) ? "" : " in '\(whole)'"
            throw ParseError(description: "'\(text)'\(place) is not a token count: \(expected)")
        }
        return value
    }

    /// The text form `init(parsing:)` reads: named models sorted, then the limit of every other model.
    public var text: String {
        var items = perModel.keys.sorted().map { "\($0)=\(perModel[$0]!)" }
        if let fallback { items.append(String(fallback)) }
        return items.joined(separator: ",")
    }
}
