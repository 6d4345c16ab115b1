/// The split of text into pieces before byte-pair merging, written by hand to give exactly what
/// tiktoken's patterns give (`o200k_base`, `cl100k_base`), without a regex engine. Each matcher tries the
/// pattern's alternatives in order at a position and returns where the first one that matches ends,
/// with the pattern's own greediness and backtracking worked out per alternative (the comments show
/// the alternative each branch is).
enum PreTokenizer: Sendable {
    /// `o200k_base`: letters with a leading non-letter and a trailing contraction; digits by three;
    /// punctuation with trailing line breaks and slashes; whitespace.
    case o200k
    /// `cl100k_base`: contractions apart; letters with one leading non-letter; digits by three.
    case cl100k

    /// Calls `piece` with the scalar range of every piece of `text`, in order (`text.offsets` gives bytes).
    @inline(__always)
    func forEachPiece(_ text: ClassifiedText, _ piece: (Int, Int) -> Void) {
        var start = 0
        while start < text.count {
            let end = self == .o200k ? Self.o200kPieceEnd(text, at: start) : Self.cl100kPieceEnd(text, at: start)
            piece(start, end)
            start = end
        }
    }

    /// `[^\r\n\p{L}\p{N}]`: the optional lead of a word.
    private static let wordLead: ScalarClass = [.letter, .number, .lineBreak]
    /// `[^\s\p{L}\p{N}]`: punctuation, symbols, marks.
    private static let punctuation: ScalarClass = [.space, .letter, .number]

    static func o200kPieceEnd(_ text: ClassifiedText, at start: Int) -> Int {
        let hasLead = !text.is(start, wordLead)
        // [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
        if hasLead, start + 1 < text.count, let end = upperThenLower(text, from: start + 1) {
            return end + contraction(text, at: end)
        }
        if let end = upperThenLower(text, from: start) { return end + contraction(text, at: end) }
        // [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
        if hasLead, start + 1 < text.count, text.is(start + 1, .upper) {
            let end = text.runEnd(from: text.runEnd(from: start + 1, .upper), .lower)
            return end + contraction(text, at: end)
        }
        if text.is(start, .upper) {
            let end = text.runEnd(from: text.runEnd(from: start, .upper), .lower)
            return end + contraction(text, at: end)
        }
        // \p{N}{1,3}
        if text.is(start, .number) { return digitsEnd(text, from: start) }
        // ` ?[^\s\p{L}\p{N}]+[\r\n/]*`
        if let end = punctuationEnd(text, at: start) {
            return text.runEnd(from: end, [.lineBreak, .slash])
        }
        return spaceEnd(text, at: start, lineBreaksTogether: true)
    }

    static func cl100kPieceEnd(_ text: ClassifiedText, at start: Int) -> Int {
        // '(?i:[sdmt]|ll|ve|re)
        let contracted = contraction(text, at: start)
        if contracted > 0 { return start + contracted }
        // [^\r\n\p{L}\p{N}]?+\p{L}++ (the lead, once taken, is never given back)
        if !text.is(start, wordLead) {
            if start + 1 < text.count, text.is(start + 1, .letter) { return text.runEnd(from: start + 1, .letter) }
        } else if text.is(start, .letter) {
            return text.runEnd(from: start, .letter)
        }
        // \p{N}{1,3}+
        if text.is(start, .number) { return digitsEnd(text, from: start) }
        // ` ?[^\s\p{L}\p{N}]++[\r\n]*+`
        if let end = punctuationEnd(text, at: start) { return text.runEnd(from: end, .lineBreak) }
        return spaceEnd(text, at: start, lineBreaksTogether: false)
    }

    /// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+` from `from`: the greedy upper run, then
    /// a lower run after it, or else (backtracking) up to the last scalar of the upper run that is lower too.
    @inline(__always)
    private static func upperThenLower(_ text: ClassifiedText, from: Int) -> Int? {
        var index = from
        var lastLower = -1
        while index < text.count, text.is(index, .upper) {
            if text.is(index, .lower) { lastLower = index }
            index += 1
        }
        if index < text.count, text.is(index, .lower) { return text.runEnd(from: index + 1, .lower) }
        return lastLower >= 0 ? lastLower + 1 : nil
    }

    /// Up to three numbers from `from`.
    @inline(__always)
    private static func digitsEnd(_ text: ClassifiedText, from: Int) -> Int {
        var end = from + 1
        while end < text.count, end < from + 3, text.is(end, .number) { end += 1 }
        return end
    }

    /// ` ?[^\s\p{L}\p{N}]+`: where the run of punctuation (after an optional U+0020) ends, if there is one.
    @inline(__always)
    private static func punctuationEnd(_ text: ClassifiedText, at start: Int) -> Int? {
        var from = start
        if text.is(start, .blank), start + 1 < text.count, !text.is(start + 1, punctuation) { from = start + 1 }
        guard !text.is(from, punctuation) else { return nil }
        return text.runEnd(from: from + 1, without: punctuation)
    }

    /// The whitespace alternatives at a whitespace scalar. o200k: `\s*[\r\n]+|\s+(?!\S)|\s+`;
    /// cl100k: `\s++$|\s*[\r\n]|\s+(?!\S)|\s`. Both end a run that holds a line break after its last
    /// line break, and otherwise leave the run's last space to lead the next word.
    @inline(__always)
    private static func spaceEnd(_ text: ClassifiedText, at start: Int, lineBreaksTogether: Bool) -> Int {
        let runEnd = text.runEnd(from: start, .space)
        if !lineBreaksTogether, runEnd == text.count { return runEnd }                      // \s++$
        var lastBreak = runEnd - 1
        while lastBreak >= start, !text.is(lastBreak, .lineBreak) { lastBreak -= 1 }
        if lastBreak >= start { return lastBreak + 1 }                                       // \s*[\r\n]+ / \s*[\r\n]
        if runEnd == text.count { return runEnd }                                            // \s+(?!\S) at the end
        if runEnd - 1 > start { return runEnd - 1 }                                          // \s+(?!\S)
        return lineBreaksTogether ? runEnd : start + 1                                       // \s+ / \s
    }

    /// How many scalars `(?i:'s|'t|'re|'ve|'m|'ll|'d)` matches at `index` (0 when none). Case-insensitive
    /// as the regex engines fold: `ſ` (U+017F) matches `s` too.
    @inline(__always)
    static func contraction(_ text: ClassifiedText, at index: Int) -> Int {
        guard index + 1 < text.count, text.leadByte(index) == UInt8(ascii: "'") else { return 0 }
        switch foldedLetter(text, index + 1) {
        case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"): return 2
        case UInt8(ascii: "r"), UInt8(ascii: "v"): return foldedLetter(text, index + 2) == UInt8(ascii: "e") ? 3 : 0
        case UInt8(ascii: "l"): return foldedLetter(text, index + 2) == UInt8(ascii: "l") ? 3 : 0
        default: return 0
        }
    }

    @inline(__always)
    private static func foldedLetter(_ text: ClassifiedText, _ index: Int) -> UInt8? {
        guard index < text.count else { return nil }
        let offset = Int(text.offsets[index])
        let byte = text.bytes[offset]
        if byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") { return byte | 0x20 }
        if byte == 0xC5, offset + 1 < text.bytes.count, text.bytes[offset + 1] == 0xBF { return UInt8(ascii: "s") }
        return byte
    }
}
