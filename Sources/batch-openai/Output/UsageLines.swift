import BatchService

/// How a batch's usage reads for a person (`run`, `download`): tokens and USD per model, then the total.
/// A model without a price says "price unknown", never a figure.
enum UsageLines {
    /// The heading and one line per model, plus a total when there are several.
    static func lines(_ report: UsageReport) -> [String] {
        var lines = ["Usage at Batch API prices (\(report.prices.asOf)):"]
        guard !report.models.isEmpty else {
            lines[0] += " no result reported token usage"
            return lines
        }
        for usage in report.models {
            lines.append("  \(usage.model): \(tokens(usage.tokens)): " + (usage.costUSD.map(CostEstimate.dollars) ?? "price unknown"))
        }
        if report.models.count > 1 {
            var cost = CostEstimate.dollars(report.total.costUSD)
            if !report.total.unpricedModels.isEmpty { cost += " + price unknown for \(report.total.unpricedModels.joined(separator: ", "))" }
            if report.total.unpricedModels.count == report.models.count { cost = "price unknown" }
            lines.append("  total: \(tokens(report.total.tokens)): \(cost)")
        }
        if report.unreadableLines > 0 { lines.append("  (\(report.unreadableLines) result lines could not be read and are not counted)") }
        return lines
    }

    /// `3 requests, 1,234 input (100 cached), 567 output (0 reasoning) tokens`.
    static func tokens(_ tokens: UsageTokens) -> String {
        "\(grouped(tokens.requests)) request\(tokens.requests == 1 ? "" : "s"), \(grouped(tokens.input)) input (\(grouped(tokens.cachedInput)) cached), "
            + "\(grouped(tokens.output)) output (\(grouped(tokens.reasoning)) reasoning) tokens"
    }

    /// `1234567` as `1,234,567`.
    static func grouped(_ number: Int) -> String {
        let digits = Array(String(number.magnitude))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return (number < 0 ? "-" : "") + text
    }
}
