/// The token count of a text when the model's vocabulary is not loaded: conservative (over a corpus of
/// English, Portuguese, source code, CJK and emoji it is at least the exact count and at most 1.3× it;
/// docs/ARCHITECTURE.md § Jobs has the figures). It cuts the text with the encoding's own pre-tokenizer,
/// which needs no vocabulary, and prices each piece by what it is made of: a word is about one token,
/// plus a share for each ASCII character past the sixth and a larger one past the twentieth (a long
/// run without spaces is an identifier, a hash or base64, which split every few characters), and
/// non-ASCII scalars by their UTF-8 length (accented Latin letters cost little, CJK about two thirds of
/// a token in o200k, emoji two or more). The weights were fitted (a linear program) on the corpus of
/// `scripts/tokens/oracle.py` against bpe-openai's exact counts, with 8% to spare on each kind of text.
struct TokenEstimate: Sendable {
    /// Milli-tokens per word piece, per ASCII byte past `longWord` and past `veryLongWord`, per 2-, 3- and
    /// 4-byte scalar, and per whitespace piece.
    let piece: Int, longASCII: Int, veryLongASCII: Int, twoByte: Int, threeByte: Int, fourByte: Int, whitespace: Int
    /// Where a word's ASCII characters start to cost more.
    let longWord = 6, veryLongWord = 20
    let preTokenizer: PreTokenizer

    /// The weights for `o200k_base` (gpt-4o and later).
    static let o200k = TokenEstimate(piece: 1115, longASCII: 160, veryLongASCII: 460, twoByte: 20, threeByte: 660,
                                     fourByte: 1880, whitespace: 1000, preTokenizer: .o200k)
    /// The weights for `cl100k_base` (gpt-4, gpt-3.5, embeddings), whose smaller vocabulary splits more.
    static let cl100k = TokenEstimate(piece: 1080, longASCII: 215, veryLongASCII: 345, twoByte: 695, threeByte: 955,
                                      fourByte: 3300, whitespace: 1000, preTokenizer: .cl100k)

    /// The estimate of UTF-8 text, in thousandths of a token (callers sum a request's texts, then round up).
    func milliTokens(utf8 text: UnsafeBufferPointer<UInt8>) -> Int {
        guard !text.isEmpty else { return 0 }
        return ClassifiedText.with(text) { classified in
            var total = 0
            preTokenizer.forEachPiece(classified) { first, end in
                var ascii = 0, two = 0, three = 0, four = 0
                var allSpace = true
                for index in first..<end {
                    if !classified.is(index, .space) { allSpace = false }
                    switch classified.leadByte(index) {
                    case 0..<0x80: ascii += 1
                    case 0xC0..<0xE0: two += 1
                    case 0xE0..<0xF0: three += 1
                    case 0xF0...: four += 1
                    default: ascii += 1
                    }
                }
                if allSpace {
                    total += whitespace
                } else {
                    total += piece + longASCII * max(0, ascii - longWord) + veryLongASCII * max(0, ascii - veryLongWord)
                }
                total += twoByte * two + threeByte * three + fourByte * four
            }
            return total
        }
    }

    /// The estimate of a text in tokens.
    func tokens(_ text: String) -> Int {
        var text = text
        return (text.withUTF8 { milliTokens(utf8: $0) } + 999) / 1000
    }
}
