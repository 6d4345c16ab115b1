@testable import BatchCore
import Testing

/// The pieces of the hand-written pre-tokenizers, against what bpe-openai's own `pretokenize` gives for
/// the same strings (the expected lists were printed by it): contractions, case runs, marks, punctuation
/// with line breaks and slashes, whitespace runs at the end and before words, CJK, emoji, Unicode spaces,
/// the long s that case-folds to `s`.
struct PreTokenizerTests {
    @Test(arguments: [
        ("Hello world's  THE   test\n\n  x123456", ["Hello", " world's", " ", " THE", "  ", " test", "\n\n", " ", " x", "123", "456"]),
        ("don't WON'T it'S 'll", ["don't", " WON'T", " it'S", " '", "ll"]),
        ("HTTPServer iOSApp camelCase", ["HTTPServer", " i", "OSApp", " camel", "Case"]),
        ("e\u{301} \u{301}x cafe\u{301}", ["e\u{301}", " \u{301}x", " cafe\u{301}"]),
        (" ?!\n\n/ //\n/x", [" ?!\n\n/", " //\n/", "x"]),
        ("a\r\n\r\n  b  ", ["a", "\r\n\r\n", " ", " b", "  "]),
        ("日本語テキスト 😀😀 1\u{fe0f}\u{20e3}", ["日本語テキスト", " 😀😀", " ", "1", "\u{fe0f}\u{20e3}"]),
        ("x\u{a0}y \u{3000}z", ["x", "\u{a0}y", " ", "\u{3000}z"]),
        ("tabs\t\tand ſ'ſ", ["tabs", "\t", "\tand", " ſ'ſ"]),
        ("   ", ["   "]),
        ("a\n \n", ["a", "\n \n"]),
    ])
    func o200kPieces(text: String, expected: [String]) throws {
        #expect(try BPEEncoding.make(.o200kBase).pieces(text) == expected)
    }

    @Test(arguments: [
        ("Hello world's  THE   test\n\n  x123456", ["Hello", " world", "'s", " ", " THE", "  ", " test", "\n\n", " ", " x", "123", "456"]),
        ("don't WON'T it'S 'll", ["don", "'t", " WON", "'T", " it", "'S", " '", "ll"]),
        ("HTTPServer iOSApp camelCase", ["HTTPServer", " iOSApp", " camelCase"]),
        ("e\u{301} \u{301}x cafe\u{301}", ["e", "\u{301}", " \u{301}", "x", " cafe", "\u{301}"]),
        (" ?!\n\n/ //\n/x", [" ?!\n\n", "/", " //\n", "/x"]),
        ("a\r\n\r\n  b  ", ["a", "\r\n\r\n", " ", " b", "  "]),
        ("日本語テキスト 😀😀 1\u{fe0f}\u{20e3}", ["日本語テキスト", " 😀😀", " ", "1", "\u{fe0f}\u{20e3}"]),
        ("x\u{a0}y \u{3000}z", ["x", "\u{a0}y", " ", "\u{3000}z"]),
        ("tabs\t\tand ſ'ſ", ["tabs", "\t", "\tand", " ſ", "'ſ"]),
        ("   ", ["   "]),
        ("a\n \n", ["a", "\n \n"]),
    ])
    func cl100kPieces(text: String, expected: [String]) throws {
        #expect(try BPEEncoding.make(.cl100kBase).pieces(text) == expected)
    }
}
