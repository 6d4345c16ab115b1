import JSON
import OpenAIClient
import Testing

@testable import OpenAISimulator

/// The template responder's ids and embedding seeds: deterministic, shaped like the live API's,
/// and telling apart texts that differ anywhere in the bytes they are made from.
@Suite struct TemplateHashTests {
    static func isIDHex(_ id: String, prefix: String) -> Bool {
        id.hasPrefix(prefix) && id.utf8.count == prefix.utf8.count + 16
            && id.utf8.dropFirst(prefix.utf8.count).allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// `count` bytes of ASCII text, varied so that no eight-byte word repeats.
    static func text(_ count: Int) -> [UInt8] {
        (0..<count).map { (index: Int) -> UInt8 in UInt8(0x21 + (index * 7 + index / 94) % 94) }
    }

    static func id(_ bytes: [UInt8], seed: String = "gpt-4o-mini") -> String {
        TemplateResponder.id("chatcmpl-", seed, String(decoding: bytes, as: UTF8.self))
    }

    @Test func idsAreSixteenLowercaseHexDigitsAfterThePrefix() {
        for prefix in ["chatcmpl-", "cmpl-", "resp_", "msg_", "", "a-rather-long-prefix-of-more-than-sixteen-bytes_"] {
            for text in ["", "a", "Explain topic 1.", String(repeating: "é", count: 700)] {
                let id = TemplateResponder.id(prefix, "gpt-4o-mini", text)
                #expect(Self.isIDHex(id, prefix: prefix), "\(id)")
                #expect(id == TemplateResponder.id(prefix, "gpt-4o-mini", text))
            }
        }
        // Leading zeros are kept: over many ids some start with a zero digit.
        let ids = (0..<200).map { TemplateResponder.id("x-", "m", "text \($0)") }
        #expect(ids.allSatisfy { Self.isIDHex($0, prefix: "x-") })
        #expect(ids.contains { $0.dropFirst(2).hasPrefix("0") })
    }

    @Test func idsDifferWhereverTheTextsDifferInTheFirst512Bytes() {
        let base = Self.text(700)
        var ids = Set([Self.id(base)])
        // Each byte of the prefix, in every lane of a 32-byte block and in the word after byte 8.
        for offset in [0, 7, 8, 9, 15, 16, 24, 31, 32, 100, 480, 504, 505, 510, 511] {
            var changed = base
            changed[offset] ^= 0x01
            #expect(ids.insert(Self.id(changed)).inserted, "byte \(offset)")
        }
        // Words swapped between the hash's lanes (the first and second word of a block).
        var swapped = base
        swapped.replaceSubrange(0..<16, with: base[8..<16] + base[0..<8])
        #expect(ids.insert(Self.id(swapped)).inserted)
        // Past byte 512 only the length counts.
        var late = base
        late[600] ^= 0x01
        #expect(Self.id(late) == Self.id(base))
        #expect(ids.insert(Self.id(base + [0x41])).inserted)
        #expect(ids.insert(Self.id(Array(base.dropLast()))).inserted)
    }

    @Test func idsDifferInLengthAndSeed() {
        // A shorter text is not a longer one padded with zeros (the tail word is zero-padded).
        let short = Self.text(13)
        #expect(Self.id(short) != Self.id(short + [0]))
        #expect(Self.id([]) != Self.id([0]))
        for count in [0, 1, 7, 8, 9, 31, 32, 33, 511, 512, 513] {
            #expect(Self.id(Self.text(count)) != Self.id(Self.text(count + 1)), "\(count)")
        }
        // The seed (the model) counts up to its 256th byte.
        let seed = String(decoding: Self.text(300), as: UTF8.self)
        var lastByte = Array(seed.utf8)
        lastByte[255] ^= 0x01
        var pastSeed = Array(seed.utf8)
        pastSeed[256] ^= 0x01
        #expect(Self.id(short, seed: seed) != Self.id(short, seed: String(decoding: lastByte, as: UTF8.self)))
        #expect(Self.id(short, seed: seed) == Self.id(short, seed: String(decoding: pastSeed, as: UTF8.self)))
        #expect(Self.id(short, seed: "gpt-4o") != Self.id(short, seed: "gpt-4o-mini"))
    }

    @Test func chatIDsComeFromTheJoinedPrompt() {
        // The prompt is never joined for the answer, but its id is the joined prompt's.
        let answer = TemplateResponder.chatAnswer(texts: ["system", "user"], lastUser: 1, model: "m")
        #expect(answer.id == TemplateResponder.id("chatcmpl-", "m", "system\nuser"))
        let long = String(repeating: "é", count: 250)  // 500 bytes: the other messages are within the 512
        let split = TemplateResponder.chatAnswer(texts: [long, "x", "y"], lastUser: nil, model: "m")
        #expect(split.id == TemplateResponder.id("chatcmpl-", "m", long + "\nx\ny"))
        #expect(split.id != TemplateResponder.chatAnswer(texts: [long, "x", "z"], lastUser: nil, model: "m").id)
    }

    @Test func hashMatchesForEveryTailLength() {
        // A text read in place and the same bytes in an array hash alike, for each tail length.
        for count in 0..<80 {
            let bytes = Self.text(count)
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(TemplateResponder.hash(text) == TemplateResponder.hash(bytes: bytes))
            #expect(TemplateResponder.hash(prefix: text + "tail", count) == TemplateResponder.hash(bytes: bytes))
        }
    }

    @Test func embeddingsStayDeterministicUnitVectors() async throws {
        let responder = TemplateResponder()
        let body: JSONValue = ["model": "text-embedding-3-small", "input": ["alpha", "beta", "alpha"], "dimensions": 8]
        let first = await responder.respond(endpoint: "/v1/embeddings", body: body)
        let second = await responder.respond(endpoint: "/v1/embeddings", body: body)
        #expect(first.body == second.body)
        func number(_ value: JSONValue) -> Double? {
            if case .number(let number) = value { return number }
            return nil
        }
        let vectors = try #require(first.body["data"]?.arrayValue).map { $0["embedding"]?.arrayValue?.compactMap(number) ?? [] }
        #expect(vectors.count == 3 && vectors.allSatisfy { $0.count == 8 })
        for vector in vectors { #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5) }
        #expect(vectors[0] == vectors[2])
        #expect(vectors[0] != vectors[1])
    }
}
