/// The token count of a text when the model's vocabulary is not loaded: conservative (over a corpus of
/// English, Portuguese, source code, CJK and emoji it is at least the exact count and at most 1.3× it;
/// docs/ARCHITECTURE.md § Jobs has the figures), and fast: one pass over the bytes with a table, because
/// the job planner estimates every line of inputs of gigabytes.
///
/// It counts what tokens follow from: runs of letters (a word is about one token, plus a share for each
/// ASCII letter past the 6th and past the 20th, since long runs are identifiers, hashes or base64 that
/// split every few characters; accented Latin letters continue a word), groups of three digits, runs of
/// punctuation and their length, runs of whitespace, and 3- and 4-byte scalars (CJK, emoji). The weights
/// were fitted (a linear program) on the corpus of `scripts/tokens/oracle.py` against bpe-openai's exact
/// counts, with 8% to spare on each kind of text.
struct TokenEstimate: Sendable {
    /// Milli-tokens per feature (`TextFeatures`).
    let word: Int, longASCII: Int, veryLongASCII: Int, digitGroup: Int, punctuationRun: Int, punctuation: Int
    let whitespaceRun: Int, twoByte: Int, threeByte: Int, fourByte: Int

    /// The weights for `o200k_base` (gpt-4o and later).
    static let o200k = TokenEstimate(word: 970, longASCII: 350, veryLongASCII: 145, digitGroup: 1000, punctuationRun: 500,
                                     punctuation: 375, whitespaceRun: 2000, twoByte: 100, threeByte: 880, fourByte: 2100)
    /// The weights for `cl100k_base` (gpt-4, gpt-3.5, embeddings), whose smaller vocabulary splits more.
    static let cl100k = TokenEstimate(word: 1000, longASCII: 345, veryLongASCII: 190, digitGroup: 1000, punctuationRun: 500,
                                      punctuation: 305, whitespaceRun: 2000, twoByte: 645, threeByte: 1165, fourByte: 3510)

    /// The estimate of these features, in thousandths of a token (callers sum a request's texts, then
    /// round up).
    func milliTokens(_ features: TextFeatures) -> Int {
        word * features.words + longASCII * features.longASCII + veryLongASCII * features.veryLongASCII
            + digitGroup * features.digitGroups + punctuationRun * features.punctuationRuns + punctuation * features.punctuation
            + whitespaceRun * features.whitespaceRuns + twoByte * features.twoByte + threeByte * features.threeByte
            + fourByte * features.fourByte
    }

    /// The estimate of UTF-8 text, in thousandths of a token.
    func milliTokens(utf8 text: UnsafeBufferPointer<UInt8>) -> Int {
        milliTokens(TextFeatures(utf8: text))
    }

    /// The estimate of a text in tokens.
    func tokens(_ text: String) -> Int {
        var text = text
        return (text.withUTF8 { milliTokens(utf8: $0) } + 999) / 1000
    }
}

/// What `TokenEstimate` counts in a text, in one pass over its bytes.
struct TextFeatures: Sendable, Equatable {
    var words = 0, longASCII = 0, veryLongASCII = 0, digitGroups = 0, punctuationRuns = 0, punctuation = 0
    var whitespaceRuns = 0, twoByte = 0, threeByte = 0, fourByte = 0

    private static let letter: UInt8 = 1, digit: UInt8 = 2, blank: UInt8 = 3, space: UInt8 = 4, symbol: UInt8 = 5
    private static let lead2: UInt8 = 6, lead3: UInt8 = 7, lead4: UInt8 = 8, other: UInt8 = 0

    /// The class of each byte.
    private static let classes: [UInt8] = (0...255).map { (byte: Int) -> UInt8 in
        switch byte {
        case 0x41...0x5A, 0x61...0x7A: letter
        case 0x30...0x39: digit
        case 0x20: blank
        case 0x09...0x0D: space
        case 0x00..<0x80: symbol
        case 0xC0..<0xE0: lead2
        case 0xE0..<0xF0: lead3
        case 0xF0..<0xF8: lead4
        default: other
        }
    }

    /// The features of UTF-8 text.
    init(utf8 text: UnsafeBufferPointer<UInt8>) {
        guard let bytes = text.baseAddress else { return }
        let count = text.count
        Self.classes.withUnsafeBufferPointer { classes in
            var index = 0
            while index < count {
                let kind = classes[Int(bytes[index])]
                switch kind {
                case Self.letter, Self.lead2:
                    // A word: ASCII letters and two-byte scalars (accented Latin and the like).
                    var ascii = 0
                    while index < count {
                        let next = classes[Int(bytes[index])]
                        if next == Self.letter {
                            ascii += 1
                            index += 1
                        } else if next == Self.lead2 {
                            twoByte += 1
                            index += 2
                        } else {
                            break
                        }
                    }
                    words += 1
                    longASCII += max(0, ascii - 6)
                    veryLongASCII += max(0, ascii - 20)
                case Self.digit:
                    let start = index
                    while index < count, classes[Int(bytes[index])] == Self.digit { index += 1 }
                    digitGroups += (index - start + 2) / 3
                case Self.symbol:
                    let start = index
                    while index < count, classes[Int(bytes[index])] == Self.symbol { index += 1 }
                    punctuationRuns += 1
                    punctuation += index - start
                case Self.blank, Self.space:
                    // One space before a word is part of its token; longer runs and line breaks are tokens.
                    let start = index
                    while index < count, classes[Int(bytes[index])] == Self.blank || classes[Int(bytes[index])] == Self.space {
                        index += 1
                    }
                    if index - start >= 2 || kind == Self.space { whitespaceRuns += 1 }
                case Self.lead3:
                    threeByte += 1
                    index += 3
                case Self.lead4:
                    fourByte += 1
                    index += 4
                default:
                    index += 1
                }
            }
        }
    }
}
