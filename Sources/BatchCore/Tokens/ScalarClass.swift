/// The Unicode classes the tiktoken pre-tokenizer patterns test, as bits of one byte per scalar, so the
/// hand-written matchers (`PreTokenizer`) test a bit instead of asking `Unicode.Scalar.Properties`.
struct ScalarClass: OptionSet, Sendable {
    let rawValue: UInt8

    /// `\p{L}`: any letter.
    static let letter = ScalarClass(rawValue: 1)
    /// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`: o200k's "upper" letter class.
    static let upper = ScalarClass(rawValue: 2)
    /// `[\p{Ll}\p{Lm}\p{Lo}\p{M}]`: o200k's "lower" letter class.
    static let lower = ScalarClass(rawValue: 4)
    /// `\p{N}`.
    static let number = ScalarClass(rawValue: 8)
    /// `\s`: the White_Space property, as the regex engines of tiktoken and bpe-openai define it.
    static let space = ScalarClass(rawValue: 16)
    /// `\r` or `\n`.
    static let lineBreak = ScalarClass(rawValue: 32)
    /// `/` (o200k lets it follow punctuation with line breaks).
    static let slash = ScalarClass(rawValue: 64)
    /// U+0020, the optional space before punctuation.
    static let blank = ScalarClass(rawValue: 128)

    /// The class of one scalar.
    static func of(_ scalar: Unicode.Scalar) -> ScalarClass {
        switch scalar.value {
        case 0x0A, 0x0D: return [.space, .lineBreak]
        case 0x20: return [.space, .blank]
        case 0x2F: return .slash
        default: break
        }
        let properties = scalar.properties
        var result: ScalarClass = properties.isWhitespace ? .space : []
        switch properties.generalCategory {
        case .uppercaseLetter, .titlecaseLetter: result.formUnion([.letter, .upper])
        case .lowercaseLetter: result.formUnion([.letter, .lower])
        case .modifierLetter, .otherLetter: result.formUnion([.letter, .upper, .lower])
        case .nonspacingMark, .spacingMark, .enclosingMark: result.formUnion([.upper, .lower])
        case .decimalNumber, .letterNumber, .otherNumber: result.insert(.number)
        default: break
        }
        return result
    }

    /// The class of a scalar at or above `tableSize`: the CJK ideographs and Hangul syllables (every one
    /// `Lo`, the bulk of CJK text) without asking the properties.
    @inline(__always)
    static func ofAbove(_ value: UInt32) -> UInt8 {
        if (0x4E00...0x9FFF).contains(value) || (0xAC00...0xD7A3).contains(value) {
            return ScalarClass([.letter, .upper, .lower]).rawValue
        }
        return of(Unicode.Scalar(value)!).rawValue
    }

    /// Classes of the scalars below U+0800 (ASCII and the two-byte alphabets: Latin, Greek, Cyrillic,
    /// Hebrew, Arabic), built once; above, the properties are asked per scalar. A table of the first three
    /// planes took 3 s to build in a debug build, once per test process.
    static let tableSize = 0x800
    static let table: [UInt8] = (0..<tableSize).map { value in
        Unicode.Scalar(UInt32(value)).map { of($0).rawValue } ?? 0
    }
}
