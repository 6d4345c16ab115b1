extension BatchProcessor {
    /// `90000` as OpenAI writes it in the message: `90,000`.
    static func grouped(_ number: Int) -> String {
        var text = String(number)
        var index = text.count - 3
        while index > 0, text.first != "-" || index > 1 {
            text.insert(",", at: text.index(text.startIndex, offsetBy: index))
            index -= 3
        }
        return text
    }
}
