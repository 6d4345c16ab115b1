import Foundation
import JSON
import TestSupport
import Testing

/// What the writer writes reads back as the same value, and `quote` keeps its exact output.
@Suite struct JSONWriterTests {
    /// Random values (seeded, so a failure reproduces) survive writer → scanner unchanged.
    @Test func randomValuesRoundTrip() throws {
        var generator = SeededGenerator(seed: 10)
        for round in 0..<2_000 {
            let value = Self.randomValue(&generator, depth: 0)
            var writer = JSONWriter(sortsKeys: round % 2 == 0)
            writer.write(value)
            #expect(try JSONValue(parsing: writer.bytes) == value, "\(String(decoding: writer.bytes, as: UTF8.self))")
        }
    }

    @Test(arguments: [
        (1000.0, "1000"), (-0.0, "0"), (2.5, "2.5"), (1e300, "1e+300"), (9_007_199_254_740_993, "9007199254740992.0"),
        (Double.nan, "null"), (-Double.infinity, "null"),
    ])
    func numbers(_ number: Double, _ expected: String) {
        var writer = JSONWriter()
        writer.write(number)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == expected)
    }

    @Test func keysAreSortedOnRequest() {
        var writer = JSONWriter()
        writer.write(["b": 1, "a": ["d": 2, "c": 3]] as JSONValue)
        #expect(String(decoding: writer.take(), as: UTF8.self) == #"{"a":{"c":3,"d":2},"b":1}"#)
        #expect(writer.bytes.isEmpty)
    }

    @Test(arguments: [
        ("plain id", #""plain id""#),
        ("a/b", #""a/b""#),
        ("quote \" backslash \\", #""quote \" backslash \\""#),
        ("\n\r\t\u{08}\u{0C}\u{01}\u{1F}", #""\n\r\t\b\f\u0001\u001f""#),
        ("line\u{2028}para\u{2029}end", #""line\u2028para\u2029end""#),
        ("é 日 😀 “”", "\"é 日 😀 “”\""),
    ])
    func quote(_ text: String, _ expected: String) throws {
        #expect(JSONWriter.quote(text) == expected)
        #expect(try JSONValue(parsing: expected).stringValue == text)
    }

    static func randomValue(_ generator: inout SeededGenerator, depth: Int) -> JSONValue {
        let pick = generator.next() % (depth > 3 ? 4 : 6)
        switch pick {
        case 0: return .null
        case 1: return .bool(generator.next() % 2 == 0)
        case 2:
            let integral = Double(Int64(bitPattern: generator.next()) >> Int64(generator.next() % 60 + 4))
            // Doubles that `"\(d)"` prints in full precision, so text → Double gives the same bits back.
            return .number(generator.next() % 2 == 0 ? integral : Double(bitPattern: generator.next() >> 2) * (generator.next() % 2 == 0 ? 1 : -1))
        case 3: return .string(randomString(&generator))
        case 4: return .array((0..<Int(generator.next() % 5)).map { _ in randomValue(&generator, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int(generator.next() % 5) { members[randomString(&generator)] = randomValue(&generator, depth: depth + 1) }
            return .object(members)
        }
    }

    static func randomString(_ generator: inout SeededGenerator) -> String {
        let alphabet: [Unicode.Scalar] = (0..<0x80).compactMap(Unicode.Scalar.init) + ["é", "😀", "\u{301}", "中", "\u{2028}", "\u{FFFD}"]
        var text = ""
        for _ in 0..<Int(generator.next() % 24) { text.unicodeScalars.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
        return text
    }
}
