import JSON
import TestSupport
import Testing

/// The writer's bulk escaping gives exactly the bytes of the byte-at-a-time escaping it replaced
/// (the simulator's, before the writer moved here).
@Suite struct JSONWriterEscapingTests {
    static let samples: [String] = [
        "", "a", "\"", "\\", "\n", "\u{00}", "\u{1F}", "\u{7F}", "plain ascii text of some length",
        "quote \" backslash \\ newline \n tab \t cr \r bell \u{07} nul \u{00} é 😀 e\u{301} 中文",
        "\"leading and trailing\"", "\\\\\\", "\r\n\r\n", String(repeating: "x", count: 5000) + "\"" + String(repeating: "y", count: 3),
        "ends with escape\n", "\u{1B}[0m colour", "small", "à la carte — “quotes” ‘single’ …",
    ]

    @Test(arguments: samples)
    func stringsMatchTheOldEscaping(_ text: String) {
        var writer = JSONWriter()
        writer.write(text)
        #expect(writer.bytes == LegacyJSONText.escaped(text))
    }

    @Test func randomStringsMatchTheOldEscaping() {
        var generator = SeededGenerator(seed: 42)
        let alphabet: [Unicode.Scalar] = (0..<0x80).compactMap(Unicode.Scalar.init) + ["é", "😀", "\u{301}", "中", "\u{2028}"]
        for _ in 0..<500 {
            let length = Int(generator.next() % 64)
            var text = ""
            for _ in 0..<length { text.unicodeScalars.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            var writer = JSONWriter()
            writer.write(text)
            #expect(writer.bytes == LegacyJSONText.escaped(text), "\(text.debugDescription)")
        }
    }

    @Test func specialBytesAtEveryOffsetOfLongStrings() {
        for special in ["\"", "\\", "\n", "\r", "\t", "\u{00}", "\u{1F}", "é", "😀", "\"\\\n"] {
            for offset in 0..<24 {
                for tail in [0, 1, 7, 8, 9, 30] {
                    let text = String(repeating: "a", count: offset) + special + String(repeating: "b", count: tail)
                    var writer = JSONWriter()
                    writer.write(text)
                    #expect(writer.bytes == LegacyJSONText.escaped(text), "\(text.debugDescription)")
                }
            }
        }
    }

    @Test func objectsKeepSortedKeysAndValues() {
        let value: JSONValue = [
            "zeta": [1, 2.5, "three", nil, true], "alpha": ["nested": ["b": "x\n", "a": false]], "Mid": "q\"",
            "": "empty key", "é": 1e300, "n": -0.0,
        ]
        var writer = JSONWriter()
        writer.write(value)
        #expect(writer.bytes == LegacyJSONText.written(value))
        #expect(String(decoding: writer.bytes, as: UTF8.self).hasPrefix(#"{"":"empty key","Mid":"q\"","alpha":{"nested":{"a":false,"b":"x\n"}}"#))
    }
}
