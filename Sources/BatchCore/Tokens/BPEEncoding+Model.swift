extension BPEEncoding.Name {
    /// The encoding of `model`, or `nil` when it is not known (its tokens are then estimated).
    /// `o200k_base`: gpt-4o*, chatgpt-4o*, gpt-4.1*, gpt-4.5*, gpt-5*, and the o-series (o1*, o3*, o4*, …);
    /// `cl100k_base`: gpt-4 and its snapshots (not 4o/4.1/4.5), gpt-3.5* (Azure's gpt-35*), text-embedding-3-*
    /// and text-embedding-ada-002. A fine-tuned model (`ft:gpt-4o-mini:org::id`) has its base model's.
    public static func forModel(_ model: String) -> Self? {
        var name = Substring(model)
        if name.hasPrefix("ft:") { name = name.dropFirst(3) }
        for prefix in ["gpt-4o", "chatgpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5"] where name.hasPrefix(prefix) { return .o200kBase }
        if name.first == "o", let digit = name.dropFirst().first, digit.isASCII, digit.isNumber { return .o200kBase }
        if name == "gpt-4" || name.hasPrefix("gpt-4-") || name.hasPrefix("gpt-3.5") || name.hasPrefix("gpt-35") { return .cl100kBase }
        if name.hasPrefix("text-embedding-3-") || name == "text-embedding-ada-002" { return .cl100kBase }
        return nil
    }
}
